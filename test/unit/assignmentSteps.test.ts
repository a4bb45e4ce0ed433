// The run of a bulk assignment, step by step, against an in-memory model of AWS IoT's membership
// rules (not an SDK mock: the run talks to a small port, and this model answers it the way the API
// references describe): a thing is in at most one billing group, AddThingToBillingGroup moves it out
// of its previous group, a missing thing or group answers ResourceNotFound. The integration tests run
// the same code through the real SDK against moto (test/integration/awsThings.test.ts).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { planAssignment, plannedCalls, thingsToSend, type AssignmentOutcome } from '../../src/core/assignmentPlan';
import { runAssignmentSteps, type MembershipPort } from '../../src/core/assignmentSteps';
import type { BulkOptions } from '../../src/core/bulk';

class Problem extends Error {
  constructor(readonly code: string, message = code) {
    super(message);
  }
}

/** AWS IoT's membership rules, in memory. `sent` is what reached "AWS", call by call. */
class IotModel implements MembershipPort {
  readonly sent: Array<{ op: string; group?: string; thing: string }> = [];
  /** thing → what its next AddThingToBillingGroup does instead of succeeding. */
  readonly addFault = new Map<string, { error: Problem; actsFirst?: boolean; times?: number }>();
  readonly readFault = new Map<string, Problem>();
  /** Runs before the add of `thing` is answered (someone else changes the account meanwhile). */
  beforeAdd?: (thing: string) => void;
  constructor(
    readonly groups: Set<string>,
    readonly memberOf: Map<string, string | undefined>,
  ) {}

  async groupOf(thing: string): Promise<string | undefined> {
    this.sent.push({ op: 'DescribeThing', thing });
    const fault = this.readFault.get(thing);
    if (fault && this.sent.filter((s) => s.op === 'AddThingToBillingGroup' && s.thing === thing).length > 0) throw fault;
    if (!this.memberOf.has(thing)) throw new Problem('ResourceNotFound', `Thing "${thing}" does not exist.`);
    return this.memberOf.get(thing);
  }

  async addThing(group: string, thing: string): Promise<void> {
    this.sent.push({ op: 'AddThingToBillingGroup', group, thing });
    this.beforeAdd?.(thing);
    const fault = this.addFault.get(thing);
    if (fault && (fault.times ?? Infinity) > 0) {
      fault.times = (fault.times ?? Infinity) - 1;
      if (fault.actsFirst) this.memberOf.set(thing, group);
      throw fault.error;
    }
    if (!this.groups.has(group) || !this.memberOf.has(thing)) throw new Problem('ResourceNotFound');
    this.memberOf.set(thing, group); // AWS moves it: the previous group loses it
  }

  async groupExists(group: string): Promise<boolean> {
    this.sent.push({ op: 'DescribeBillingGroup', group, thing: '' });
    return this.groups.has(group);
  }

  count(op: string): number {
    return this.sent.filter((s) => s.op === op).length;
  }
}

const FAST: BulkOptions = { concurrency: 3, perSecond: 100_000 };
const RETRYING: BulkOptions = { ...FAST, retry: { isRetryable: (e) => (e as Problem).code === 'Throttled', times: 2, backoffMs: 1 } };
const byThing = (outcomes: readonly AssignmentOutcome[]) => new Map(outcomes.map((o) => [o.thing, o]));

const NAMES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const GROUPS = ['t', 'g1', 'g2'];
const membershipArb = fc.dictionary(fc.constantFrom(...NAMES), fc.constantFrom<string | undefined>(undefined, ...GROUPS));

describe('runAssignmentSteps', () => {
  it('property: with nothing changed meanwhile, the run sends exactly the calls the preview counted, and its own counter says so', async () => {
    await fc.assert(
      fc.asyncProperty(fc.subarray(NAMES), membershipArb, fc.boolean(), async (things, before, move) => {
        const memberOf = new Map(NAMES.map((n) => [n, before[n]] as const));
        const plan = planAssignment('t', things, (x) => memberOf.get(x), move);
        const iot = new IotModel(new Set(GROUPS), memberOf);
        const run = await runAssignmentSteps(plan, iot, { bulk: FAST });
        const preview = plannedCalls(plan);
        assert.deepEqual(run.calls, { DescribeThing: preview.DescribeThing, AddThingToBillingGroup: preview.AddThingToBillingGroup, DescribeBillingGroup: 0 });
        assert.equal(iot.count('DescribeThing'), run.calls.DescribeThing, 'the counter is what reached the model');
        assert.equal(iot.count('AddThingToBillingGroup'), run.calls.AddThingToBillingGroup);
        assert.equal(iot.sent.length, preview.total);
        for (const t of thingsToSend(plan)) assert.equal(memberOf.get(t), 't');
        const out = byThing(run.outcomes);
        for (const { thing, from } of plan.inOtherGroups) assert.deepEqual(out.get(thing), move ? { thing, result: 'moved', from } : undefined);
        for (const t of plan.add) assert.deepEqual(out.get(t), { thing: t, result: 'added' });
        for (const t of plan.skip) assert.deepEqual(out.get(t), { thing: t, result: 'skipped' });
      }),
    );
  });

  it('property: a thing that joined another group after the count is never moved (Move unticked), nor one that left for another group (Move ticked)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.subarray(NAMES, { minLength: 1 }), membershipArb, membershipArb, fc.boolean(), async (things, atCount, atRun, move) => {
        const plan = planAssignment('t', things, (x) => atCount[x], move);
        const memberOf = new Map(NAMES.map((n) => [n, atRun[n]] as const));
        const iot = new IotModel(new Set(GROUPS), memberOf);
        const run = await runAssignmentSteps(plan, iot, { bulk: FAST });
        const out = byThing(run.outcomes);
        for (const thing of thingsToSend(plan)) {
          const expected = atCount[thing];
          const now = atRun[thing];
          const o = out.get(thing);
          const added = iot.sent.some((s) => s.op === 'AddThingToBillingGroup' && s.thing === thing);
          if (now !== undefined && now !== 't' && now !== expected) {
            assert.deepEqual(o, expected === undefined ? { thing, result: 'changed', now } : { thing, result: 'changed', expected, now });
            assert.equal(added, false, `${thing} is in ${now} now: nothing is sent for it`);
            assert.equal(memberOf.get(thing), now, `${thing} stays in ${now}`);
          } else if (now === 't') {
            assert.deepEqual(o, { thing, result: 'skipped' });
            assert.equal(added, false);
          } else {
            assert.equal(added, true);
            assert.deepEqual(o, now === undefined ? { thing, result: 'added' } : { thing, result: 'moved', from: now });
            assert.equal(memberOf.get(thing), 't');
          }
        }
        assert.equal(run.calls.DescribeThing, thingsToSend(plan).length, 'one check per thing sent, whatever it found');
        assert.equal(run.calls.AddThingToBillingGroup, iot.count('AddThingToBillingGroup'));
      }),
    );
  });

  it('a thing deleted since the count is reported as no longer in the account, and nothing is sent for it', async () => {
    const memberOf = new Map<string, string | undefined>([['a', undefined]]);
    const plan = planAssignment('t', ['a', 'zombie'], () => undefined, false);
    const iot = new IotModel(new Set(['t']), memberOf);
    const run = await runAssignmentSteps(plan, iot, { bulk: FAST });
    assert.deepEqual(byThing(run.outcomes).get('zombie'), { thing: 'zombie', result: 'gone' });
    assert.equal(iot.count('AddThingToBillingGroup'), 1);
  });

  it('a failed step reports where the thing actually ended up: read back after the failure', async () => {
    const memberOf = new Map<string, string | undefined>([
      ['lost', undefined], // the add acted, its answer was lost
      ['refused', 'g1'], // the add failed before acting (a move): still in g1
      ['unreadable', undefined], // the add failed and so did the read-back
      ['fine', undefined],
    ]);
    const plan = planAssignment('t', ['lost', 'refused', 'unreadable', 'fine'], (x) => memberOf.get(x), true);
    const iot = new IotModel(new Set(['t', 'g1']), memberOf);
    iot.addFault.set('lost', { error: new Problem('EndpointUnreachable', 'Cannot reach AWS IoT.'), actsFirst: true });
    iot.addFault.set('refused', { error: new Problem('InternalFailure', 'AWS IoT had an internal error.') });
    iot.addFault.set('unreadable', { error: new Problem('InternalFailure', 'AWS IoT had an internal error.') });
    iot.readFault.set('unreadable', new Problem('EndpointUnreachable', 'Cannot reach AWS IoT.'));
    const run = await runAssignmentSteps(plan, iot, { bulk: FAST });
    const out = byThing(run.outcomes);
    assert.deepEqual(out.get('lost'), { thing: 'lost', result: 'failed', reason: 'Cannot reach AWS IoT.', endedIn: { kind: 'group', group: 't', how: 'readBack' } });
    assert.deepEqual(out.get('refused'), { thing: 'refused', result: 'failed', reason: 'AWS IoT had an internal error.', endedIn: { kind: 'group', group: 'g1', how: 'readBack' } });
    assert.deepEqual(out.get('unreadable'), { thing: 'unreadable', result: 'failed', reason: 'AWS IoT had an internal error.', endedIn: { kind: 'unknown', why: 'Cannot reach AWS IoT.' } });
    assert.deepEqual(out.get('fine'), { thing: 'fine', result: 'added' });
    // The preview's calls, plus one read-back per failed step.
    assert.equal(run.calls.DescribeThing, plannedCalls(plan).DescribeThing + 3);
    assert.equal(run.calls.AddThingToBillingGroup, plannedCalls(plan).AddThingToBillingGroup);
    assert.equal(iot.count('DescribeThing'), run.calls.DescribeThing);
  });

  it('a step throttled until the runner gives up was not carried out: the thing is where the check found it, no read-back', async () => {
    const memberOf = new Map<string, string | undefined>([['busy', 'g1'], ['fine', undefined]]);
    const plan = planAssignment('t', ['busy', 'fine'], (x) => memberOf.get(x), true);
    const iot = new IotModel(new Set(['t', 'g1']), memberOf);
    iot.addFault.set('busy', { error: new Problem('Throttled', 'AWS IoT is throttling requests.') });
    const run = await runAssignmentSteps(plan, iot, { bulk: RETRYING });
    assert.deepEqual(byThing(run.outcomes).get('busy'), { thing: 'busy', result: 'failed', reason: 'AWS IoT is throttling requests.', endedIn: { kind: 'group', group: 'g1', how: 'throttled' } });
    // Three tries of the whole step (check + add), as the runner retried it twice.
    assert.equal(iot.sent.filter((s) => s.thing === 'busy' && s.op === 'DescribeThing').length, 3);
    assert.equal(run.calls.DescribeThing, iot.count('DescribeThing'));
    assert.equal(memberOf.get('busy'), 'g1');
  });

  it('the target deleted meanwhile stops the run: one DescribeBillingGroup, the rest not started, nothing failed', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `n${i}`);
    const memberOf = new Map<string, string | undefined>(names.map((n) => [n, undefined]));
    const groups = new Set(['t']);
    const plan = planAssignment('t', names, () => undefined, false);
    const iot = new IotModel(groups, memberOf);
    iot.beforeAdd = (thing) => thing === 'n3' && groups.delete('t');
    const run = await runAssignmentSteps(plan, iot, { bulk: { concurrency: 1, perSecond: 100_000 } });
    assert.equal(run.targetDeleted, true);
    assert.equal(run.calls.DescribeBillingGroup, 1);
    const kinds = run.outcomes.map((o) => o.result);
    assert.deepEqual(kinds.slice(0, 3), ['added', 'added', 'added']);
    assert.ok(kinds.slice(3).every((k) => k === 'notStarted'), JSON.stringify(kinds));
    assert.equal(kinds.length, 12);
  });

  it('cancelled: no step starts after it; those not started are reported so', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `n${i}`);
    const memberOf = new Map<string, string | undefined>(names.map((n) => [n, undefined]));
    const plan = planAssignment('t', names, () => undefined, false);
    const iot = new IotModel(new Set(['t']), memberOf);
    let cancelled = false;
    iot.beforeAdd = (thing) => {
      if (thing === 'n4') cancelled = true;
    };
    const run = await runAssignmentSteps(plan, iot, { bulk: { concurrency: 1, perSecond: 100_000, isCancelled: () => cancelled } });
    assert.deepEqual(run.outcomes.map((o) => o.result), [...Array(5).fill('added'), ...Array(5).fill('notStarted')]);
    assert.equal(iot.count('AddThingToBillingGroup'), 5);
  });
});
