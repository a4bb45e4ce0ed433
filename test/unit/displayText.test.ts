// inert(): untrusted text shown by VS Code stays text — no hidden reordering, no links.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { inert } from '../../src/core/displayText';
import { redact } from '../../src/core/redact';
import { consoleUrl } from '../../src/core/regions';

describe('inert', () => {
  it('shows controls and bidirectional marks as visible code points', () => {
    assert.equal(inert('a\u202Eb'), 'a<U+202E>b');
    assert.equal(inert('line\nbreak\ttab'), 'line<U+000A>break<U+0009>tab');
    assert.equal(inert('rtl\u200Fmark'), 'rtl<U+200F>mark');
  });

  it('breaks markdown links so a notification cannot turn them into commands', () => {
    const shown = inert('[click](command:workbench.action.terminal.new)');
    assert.ok(!/\]\(command:/.test(shown));
    assert.ok(shown.includes('click'));
  });

  it('breaks icon syntax so "$(name)" stays text in notifications and quick picks', () => {
    assert.ok(!inert('pay $(credit-card) now').includes('$('));
  });

  it('truncates to the limit with an ellipsis', () => {
    assert.equal(inert('x'.repeat(2028), 80).length, 80);
    assert.ok(inert('x'.repeat(2028), 80).endsWith('…'));
  });

  it('never leaves a control or bidi character, and never a "](" link opener', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const out = inert(s);
        assert.ok(!/[\p{Cc}\u202A-\u202E\u2066-\u2069\u200E\u200F]/u.test(out));
        assert.ok(!out.includes(']('));
        assert.ok(!out.includes('$('));
      }),
    );
  });

  it('leaves ordinary text alone', () => {
    fc.assert(fc.property(fc.stringMatching(/^[a-zA-Z0-9 :_.-]{0,100}$/), (s) => assert.equal(inert(s), s)));
  });
});

describe('redact', () => {
  it('hides access keys, secret keys and tokens', () => {
    const text = redact('AKIAIOSFODNN7EXAMPLE aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY sessionToken: "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD6ExAmPlE0123456789abcdefghij"');
    assert.ok(!text.includes('IOSFODNN7EXAMPLE'));
    assert.ok(!text.includes('wJalrXUtnFEMI'));
    assert.ok(!text.includes('IQoJb3JpZ2lu'));
  });
});

describe('consoleUrl', () => {
  it('opens the group in the console of its region and partition', () => {
    assert.equal(consoleUrl('eu-west-1', 'fleet-a'), 'https://console.aws.amazon.com/iot/home?region=eu-west-1#/billinggroup/fleet-a');
    assert.ok(consoleUrl('cn-north-1', 'g').startsWith('https://console.amazonaws.cn/'));
    assert.ok(consoleUrl('us-gov-west-1', 'g').startsWith('https://console.amazonaws-us-gov.com/'));
  });
});
