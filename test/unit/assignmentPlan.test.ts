// The bulk assignment's preview (adds, skips, moves), its time at the pace, and the report.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { assignmentReport, describeDuration, describePlan, planAssignment, secondsAtPace, thingsToSend } from '../../src/core/assignmentPlan';

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

  it('describes the plan with its calls and time at the pace', () => {
    const plan = planAssignment('target', ['a', 'b', 'c', 'd', 'e'], (t) => membership.get(t), true);
    const d = describePlan(plan, 8);
    assert.equal(d.summary, '1 thing will be added to "target"; 1 already in it (skipped); 3 in other billing groups will move. 4 calls, a moment.');
    assert.equal(d.moveDetail, 'They leave "g1" (2), "g2" (1).');
    assert.match(describePlan(planAssignment('t', [], () => undefined, false), 8).summary, /Nothing to send/);
  });

  it('property: every distinct thing lands in exactly one bucket; the run sends adds (+ moves when ticked)', () => {
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
          assert.equal(plan.leaving.reduce((s, l) => s + l.count, 0), plan.inOtherGroups.length);
        },
      ),
    );
  });
});

describe('durations at the pace', () => {
  it('12,000 calls at 8/s are about 25 minutes', () => {
    assert.equal(describeDuration(secondsAtPace(12_000, 8)), 'about 25 minutes');
    assert.equal(describeDuration(secondsAtPace(1, 8)), 'a moment');
    assert.equal(describeDuration(secondsAtPace(100, 8)), 'under a minute');
    assert.equal(describeDuration(3 * 3600 + 300), 'about 3 hours 5 minutes');
    assert.equal(describeDuration(3600), 'about 1 hour');
  });
});

describe('assignmentReport', () => {
  it('lists added, moved, skipped, failed with its reason, and says when cancelled', () => {
    const text = assignmentReport({
      target: 'fleet',
      source: 'Things without a billing group',
      outcomes: [
        { thing: 'a', result: 'added' },
        { thing: 'b', result: 'moved', from: 'g1' },
        { thing: 'c', result: 'skipped' },
        { thing: 'd', result: 'failed', reason: 'Thing "d" does not exist.' },
        { thing: 'e', result: 'notStarted' },
      ],
      leftInOtherGroups: [{ thing: 'f', from: 'g2' }],
      cancelled: true,
      show: (t) => t.replace(/\u202e/g, '<U+202E>'),
    });
    assert.match(text, /^Assign things to billing group "fleet"\n/);
    assert.match(text, /Cancelled: no call started after Cancel; what was done stays done\./);
    assert.match(text, /Added: {3}1\nMoved: {3}1\nSkipped: 1 \(already in the group\)\nFailed: {2}1\nNot started: 1\n/);
    assert.match(text, /Failed:\n {2}d — Thing "d" does not exist\./);
    assert.match(text, /Moved:\n {2}b \(from "g1"\)/);
    assert.match(text, /Left in other billing groups:\n {2}f \(in "g2"\)/);
  });
});
