// The bulk assignment's preview (adds, skips, moves), the calls it will really send and its time at
// the pace, the age of the membership it was made from, and the report.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import {
  assignmentReport,
  describeAge,
  describeDuration,
  describePlan,
  isStale,
  planAssignment,
  plannedCalls,
  secondsAtPace,
  thingsToSend,
} from '../../src/core/assignmentPlan';

const membership = new Map([
  ['a', 'target'],
  ['b', 'g1'],
  ['c', 'g2'],
  ['d', 'g1'],
]);

describe('planAssignment', () => {
  it('adds the things in no group, skips those already in the target, moves others only when asked', () => {
    const plan = planAssignment('target', ['a', 'b', 'c', 'd', 'e', 'e'], (t) => membership.get(t), false);
    assert.deepEqual(plan.add, ['e']);
    assert.deepEqual(plan.skip, ['a']);
    assert.deepEqual(plan.inOtherGroups, [{ thing: 'b', from: 'g1' }, { thing: 'c', from: 'g2' }, { thing: 'd', from: 'g1' }]);
    assert.deepEqual(plan.leaving, [{ group: 'g1', count: 2 }, { group: 'g2', count: 1 }]);
    assert.deepEqual(thingsToSend(plan), ['e']);
    assert.deepEqual(thingsToSend({ ...plan, move: true }), ['e', 'b', 'c', 'd']);
  });

  it('counts the calls a step really sends: a DescribeThing check and one AddThingToBillingGroup, a move included (no remove)', () => {
    const plan = planAssignment('target', ['a', 'b', 'c', 'd', 'e'], (t) => membership.get(t), true);
    assert.deepEqual(plannedCalls(plan), { things: 4, DescribeThing: 4, AddThingToBillingGroup: 4, total: 8 });
    assert.deepEqual(plannedCalls({ ...plan, move: false }), { things: 1, DescribeThing: 1, AddThingToBillingGroup: 1, total: 2 });
    assert.deepEqual(plannedCalls(planAssignment('t', ['x'], () => 't', true)), { things: 0, DescribeThing: 0, AddThingToBillingGroup: 0, total: 0 });
  });

  it('describes the plan with its calls, its time at the pace and the age of the membership it was made from', () => {
    const plan = planAssignment('target', ['a', 'b', 'c', 'd', 'e'], (t) => membership.get(t), true);
    const now = Date.UTC(2025, 5, 1, 12);
    const d = describePlan(plan, 8, { how: 'counted', at: now - 130_000 }, now);
    assert.deepEqual(d.lines, [
      '1 thing will be added to "target"',
      '1 already in it (skipped)',
      '3 in other billing groups will move',
      '4 things to send: 8 calls, a moment at 8 things (16 calls) a second',
      'Per thing: a DescribeThing check, then one AddThingToBillingGroup (a move too)',
      'Membership counted 2 minutes ago; each thing is checked again just before its add',
    ]);
    assert.equal(d.summary, `${d.lines.join('. ')}.`);
    assert.equal(d.moveDetail, 'They leave "g1" (2), "g2" (1).');
    assert.deepEqual(describePlan(planAssignment('t', [], () => undefined, false), 8).lines.slice(3), ['Nothing to send']);
    assert.equal(describePlan(plan, 8, { how: 'lookedUp', at: now }, now).lines[5], 'Membership looked up just now; each thing is checked again just before its add');
  });

  it('property: every distinct thing lands in exactly one bucket; the run sends adds (+ moves when ticked), two calls each', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), { maxLength: 30 }),
        fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), fc.constantFrom('t', 'g1', 'g2')),
        fc.boolean(),
        (things, groups, move) => {
          const plan = planAssignment('t', things, (x) => groups[x], move);
          const distinct = new Set(things);
          const buckets = [...plan.add, ...plan.skip, ...plan.inOtherGroups.map((x) => x.thing)];
          assert.equal(buckets.length, distinct.size);
          assert.deepEqual(new Set(buckets), distinct);
          for (const t of plan.add) assert.equal(groups[t], undefined);
          for (const t of plan.skip) assert.equal(groups[t], 't');
          const sent = thingsToSend(plan);
          assert.ok(!sent.some((t) => groups[t] === 't'), 'never sends a thing already in the target');
          assert.equal(sent.length, plan.add.length + (move ? plan.inOtherGroups.length : 0));
          assert.equal(plannedCalls(plan).total, 2 * sent.length);
          assert.equal(plan.leaving.reduce((s, l) => s + l.count, 0), plan.inOtherGroups.length);
        },
      ),
    );
  });
});

describe('durations at the pace', () => {
  it('12,000 steps at 8/s are about 25 minutes', () => {
    assert.equal(describeDuration(secondsAtPace(12_000, 8)), 'about 25 minutes');
    assert.equal(describeDuration(secondsAtPace(1, 8)), 'a moment');
    assert.equal(describeDuration(secondsAtPace(100, 8)), 'under a minute');
    assert.equal(describeDuration(3 * 3600 + 300), 'about 3 hours 5 minutes');
    assert.equal(describeDuration(3600), 'about 1 hour');
  });
});

describe('the age of the membership', () => {
  it('says how long ago it was read', () => {
    assert.equal(describeAge(0), 'just now');
    assert.equal(describeAge(9_999), 'just now');
    assert.equal(describeAge(10_000), '10 seconds ago');
    assert.equal(describeAge(59_999), '59 seconds ago');
    assert.equal(describeAge(60_000), '1 minute ago');
    assert.equal(describeAge(3_599_999), '59 minutes ago');
    assert.equal(describeAge(3_600_000), '1 hour ago');
    assert.equal(describeAge(5 * 3_600_000), '5 hours ago');
    assert.equal(describeAge(-5), 'just now', 'a clock that went back is not "in the future"');
  });

  it('is stale once older than the limit; a limit of 0 always counts again', () => {
    const at = 1_000_000;
    assert.equal(isStale(at, at + 5 * 60_000, 5), false);
    assert.equal(isStale(at, at + 5 * 60_000 + 1, 5), true);
    assert.equal(isStale(at, at, 0), true);
    assert.equal(isStale(at, at + 1, 0.5), false);
  });
});

describe('assignmentReport', () => {
  it('lists added, moved, skipped, failed with its reason and where the thing ended up, and says when cancelled', () => {
    const text = assignmentReport({
      target: 'fleet',
      source: 'Things without a billing group',
      outcomes: [
        { thing: 'a', result: 'added' },
        { thing: 'b', result: 'moved', from: 'g1' },
        { thing: 'c', result: 'skipped' },
        { thing: 'd', result: 'failed', reason: 'AWS IoT had an internal error.', endedIn: { kind: 'group', group: 'fleet', how: 'readBack' } },
        { thing: 'e', result: 'notStarted' },
        { thing: 'h', result: 'failed', reason: 'Cannot reach AWS IoT.', endedIn: { kind: 'none', how: 'readBack' } },
        { thing: 'i', result: 'failed', reason: 'AWS IoT is throttling requests.', endedIn: { kind: 'group', group: 'g3', how: 'throttled' } },
        { thing: 'j', result: 'failed', reason: 'Cannot reach AWS IoT.', endedIn: { kind: 'unknown', why: 'Cannot reach AWS IoT.' } },
        { thing: 'k', result: 'changed', now: 'g2' },
        { thing: 'l', result: 'changed', expected: 'g1', now: 'g4' },
        { thing: 'm', result: 'gone' },
      ],
      leftInOtherGroups: [{ thing: 'f', from: 'g2' }],
      cancelled: true,
      show: (t) => t.replace(/\u202e/g, '<U+202E>'),
    });
    assert.match(text, /^Assign things to billing group "fleet"\n/);
    assert.match(text, /Cancelled: no call started after Cancel; what was done stays done\./);
    assert.match(text, /Added: {3}1\nMoved: {3}1\nSkipped: 1 \(already in the group\)\nFailed: {2}4\nNot started: 1\n/);
    assert.match(text, /Changed since the preview: 2 \(not sent: each is in another billing group now\)/);
    assert.match(text, /No longer in the account: 1 \(not sent\)/);
    assert.match(text, /Failed:\n {2}d — AWS IoT had an internal error\. Now in "fleet" \(read back after the failure\)\./);
    assert.match(text, /\n {2}h — Cannot reach AWS IoT\. Now in no billing group \(read back after the failure\)\./);
    assert.match(text, /\n {2}i — AWS IoT is throttling requests\. Still in "g3": a throttled call is not carried out\./);
    assert.match(text, /\n {2}j — Cannot reach AWS IoT\. Where it is now could not be read: Cannot reach AWS IoT\./);
    assert.match(text, /Changed since the preview \(left where they are\):\n {2}k — now in "g2" \(the preview said: in no billing group\)\n {2}l — now in "g4" \(the preview said: in "g1"\)/);
    assert.match(text, /Moved:\n {2}b \(from "g1"\)/);
    assert.match(text, /Left in other billing groups:\n {2}f \(in "g2"\)/);
  });
});
