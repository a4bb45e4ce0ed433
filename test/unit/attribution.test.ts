// Cost attribution: only ACTIVE certificate principals make a thing's usage attributable.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { attributionOf, attributionReport, ATTRIBUTION_GUIDE_URL, certificateIdOf, isAttributable } from '../../src/core/attribution';

const CERT = 'arn:aws:iot:us-east-1:123456789012:cert/4f0ba725787aa94d67d2fca420eca022242532e8b3c58e7465c7778b443fd65e';
const COGNITO = 'us-east-1:4c8c7b3a-1111-2222-3333-444455556666';
const COGNITO_ARN = 'arn:aws:cognito-identity:us-east-1:123456789012:identitypool/us-east-1:abc';

describe('attribution', () => {
  it('recognises certificate ARNs only', () => {
    assert.equal(certificateIdOf(CERT), CERT.split('/')[1]);
    assert.equal(certificateIdOf(COGNITO), undefined);
    assert.equal(certificateIdOf(COGNITO_ARN), undefined);
    assert.equal(certificateIdOf('arn:aws:iot:us-east-1:123456789012:policy/cert/x'), undefined);
  });

  it('a thing is attributable only with an ACTIVE certificate', () => {
    const status = new Map([[CERT.split('/')[1], 'ACTIVE']]);
    assert.equal(isAttributable(attributionOf('a', [CERT], (id) => status.get(id))), true);
    assert.equal(isAttributable(attributionOf('a', [COGNITO], (id) => status.get(id))), false);
    assert.equal(isAttributable(attributionOf('a', [], (id) => status.get(id))), false);
    const inactive = attributionOf('a', [CERT, COGNITO], () => 'INACTIVE');
    assert.deepEqual(inactive, { thing: 'a', certificates: 1, active: 0, otherPrincipals: 1 });
  });

  it('property: attributable ⇔ some principal is a certificate whose status is ACTIVE', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('cert', 'cognito'), fc.constantFrom('ACTIVE', 'INACTIVE', 'REVOKED', undefined), fc.stringMatching(/^[0-9a-f]{4,8}$/))),
        (ps) => {
          const principals = ps.map(([kind, , id]) => (kind === 'cert' ? `arn:aws:iot:eu-west-1:123456789012:cert/${id}a` : `eu-west-1:${id}`));
          const status = new Map(ps.filter(([k]) => k === 'cert').map(([, s, id]) => [`${id}a`, s]));
          const a = attributionOf('t', principals, (id) => status.get(id));
          const expected = ps.some(([k, , id]) => k === 'cert' && status.get(`${id}a`) === 'ACTIVE');
          assert.equal(isAttributable(a), expected);
          assert.equal(a.certificates + a.otherPrincipals, principals.length);
        },
      ),
    );
  });

  it('the report says what it cannot see and links the developer guide', () => {
    const text = attributionReport(
      [{ group: 'fleet', things: 3, results: [attributionOf('a', [CERT], () => 'ACTIVE'), attributionOf('b', [], () => undefined), attributionOf('c', [CERT], () => 'INACTIVE')], failed: [] }],
      { cancelled: false, show: (t) => t },
    );
    assert.match(text, /MQTT client ID/);
    assert.match(text, /necessary for attribution, not sufficient/);
    assert.ok(text.includes(ATTRIBUTION_GUIDE_URL));
    assert.match(text, /Billing group "fleet"\n {2}Things: 3\n {2}With an active certificate: 1\n {2}With no active certificate \(usage not attributable\): 2\n/);
    assert.match(text, / {4}b — no certificate attached\n {4}c — 1 certificate, none ACTIVE/);
  });
});
