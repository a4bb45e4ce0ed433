// The calls of Add Thing to Billing Group and of a drag-and-drop move (src/core/thingAdds.ts), against
// an in-memory model of AWS IoT's membership rules (not an SDK mock: the adds talk to a small port, and
// this model answers it the way the API references describe): a thing is in at most one billing group
// (DescribeThing has one billingGroupName), AddThingToBillingGroup moves it out of its previous group,
// a missing thing or group answers ResourceNotFound. The model also answers RemoveThingFromBillingGroup,
// so that a remove, if one were sent, would be seen. The integration tests run the same code through
// the real SDK against moto and the thing layer (test/integration/awsThings.test.ts).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import type { BulkOptions } from '../../src/core/bulk';
import { runThingAdds, type ThingAddOutcome } from '../../src/core/thingAdds';

class Problem extends Error {
  constructor(readonly code: string, message = code) {
    super(message);
  }
}

class IotModel {
  readonly sent: Array<{ op: string; group?: string; thing: string }> = [];
  /** thing → what its next AddThingToBillingGroup does instead of succeeding. */
  readonly addFault = new Map<string, { error: Problem; actsFirst?: boolean }>();
  readonly readFault = new Map<string, Problem>();
  constructor(
    readonly groups: Set<string>,
    readonly memberOf: Map<string, string | undefined>,
  ) {}

  async groupOf(thing: string): Promise<string | undefined> {
    this.sent.push({ op: 'DescribeThing', thing });
    const fault = this.readFault.get(thing);
    if (fault) throw fault;
    if (!this.memberOf.has(thing)) throw new Problem('ResourceNotFound', `Thing "${thing}" does not exist.`);
    return this.memberOf.get(thing);
  }

  async addThing(group: string, thing: string): Promise<void> {
    this.sent.push({ op: 'AddThingToBillingGroup', group, thing });
    const fault = this.addFault.get(thing);
    if (fault) {
      if (fault.actsFirst) this.memberOf.set(thing, group);
      throw fault.error;
    }
    if (!this.groups.has(group) || !this.memberOf.has(thing)) throw new Problem('ResourceNotFound');
    this.memberOf.set(thing, group); // AWS moves it: the previous group loses it
  }

  async removeThing(group: string, thing: string): Promise<void> {
    this.sent.push({ op: 'RemoveThingFromBillingGroup', group, thing });
    if (this.memberOf.get(thing) === group) this.memberOf.set(thing, undefined);
  }

  count(op: string): number {
    return this.sent.filter((s) => s.op === op).length;
  }
}

const FAST: BulkOptions = { concurrency: 3, perSecond: 100_000 };
const RETRYING: BulkOptions = { ...FAST, retry: { isRetryable: (e) => (e as Problem).code === 'Throttled', times: 2, backoffMs: 1 } };
const byThing = (outcomes: readonly ThingAddOutcome[]) => new Map(outcomes.map((o) => [o.thing, o]));
const NAMES = ['a', 'b', 'c', 'd', 'e', 'f'];
const GROUPS = ['t', 'g1', 'g2'];

describe('runThingAdds (Add Thing, drag and drop)', () => {
  it('property: each thing is one AddThingToBillingGroup and nothing else, and ends in the target only, whichever group it was in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(NAMES, { minLength: 1 }),
        fc.dictionary(fc.constantFrom(...NAMES), fc.constantFrom<string | undefined>(undefined, 'g1', 'g2')),
        async (things, before) => {
          const memberOf = new Map(NAMES.map((n) => [n, before[n]] as const));
          const iot = new IotModel(new Set(GROUPS), memberOf);
          const out = await runThingAdds('t', things, iot, { bulk: FAST, from: (x) => before[x] });
          assert.deepEqual(out.map((o) => o.ok), things.map(() => true));
          assert.equal(iot.count('AddThingToBillingGroup'), things.length);
          assert.equal(iot.count('RemoveThingFromBillingGroup'), 0, 'a move is the add alone');
          assert.equal(iot.sent.length, things.length, 'and nothing else');
          for (const t of things) assert.equal(memberOf.get(t), 't');
        },
      ),
    );
  });

  it('a failed add is read back: the thing is where DescribeThing says, never in no group for a failed move', async () => {
    const memberOf = new Map<string, string | undefined>([
      ['lost', 'g1'], // the add acted, its answer was lost
      ['refused', 'g1'], // the add failed before acting: still in g1
      ['unreadable', undefined], // the add failed and so did the read-back
      ['fine', 'g2'],
    ]);
    const iot = new IotModel(new Set(GROUPS), memberOf);
    iot.addFault.set('lost', { error: new Problem('EndpointUnreachable', 'Cannot reach AWS IoT.'), actsFirst: true });
    iot.addFault.set('refused', { error: new Problem('InternalFailure', 'AWS IoT had an internal error.') });
    iot.addFault.set('unreadable', { error: new Problem('InternalFailure', 'AWS IoT had an internal error.') });
    iot.readFault.set('unreadable', new Problem('EndpointUnreachable', 'Cannot reach AWS IoT.'));
    const out = byThing(await runThingAdds('t', ['lost', 'refused', 'unreadable', 'fine'], iot, { bulk: FAST, from: (x) => memberOf.get(x) }));

    const endedIn = (t: string) => {
      const o = out.get(t);
      return o && !o.ok ? o.endedIn : undefined;
    };
    assert.deepEqual(endedIn('lost'), { kind: 'group', group: 't', how: 'readBack' }, 'carried out although its answer was lost');
    assert.deepEqual(endedIn('refused'), { kind: 'group', group: 'g1', how: 'readBack' }, 'a failed move leaves the thing where it was');
    assert.deepEqual(endedIn('unreadable'), { kind: 'unknown', why: 'Cannot reach AWS IoT.' });
    assert.equal(out.get('fine')?.ok, true);
    assert.equal(memberOf.get('refused'), 'g1');
    assert.equal(iot.count('DescribeThing'), 3, 'one read-back per failed add');
    assert.equal(iot.count('RemoveThingFromBillingGroup'), 0);
    assert.equal(iot.count('AddThingToBillingGroup'), 4, 'no add puts anything back');
  });

  it('a thing deleted meanwhile: its add fails and the read-back says it is gone', async () => {
    const memberOf = new Map<string, string | undefined>();
    const iot = new IotModel(new Set(GROUPS), memberOf);
    const [o] = await runThingAdds('t', ['zombie'], iot, { bulk: FAST, from: () => 'g1' });
    assert.deepEqual(o.ok ? undefined : o.endedIn, { kind: 'gone' });
  });

  it('an add throttled until the runner gives up was not carried out: the thing is where it was, no read-back', async () => {
    const memberOf = new Map<string, string | undefined>([['busy', 'g1']]);
    const iot = new IotModel(new Set(GROUPS), memberOf);
    iot.addFault.set('busy', { error: new Problem('Throttled', 'AWS IoT is throttling requests.') });
    const [o] = await runThingAdds('t', ['busy'], iot, { bulk: RETRYING, from: (x) => memberOf.get(x) });
    assert.deepEqual(o.ok ? undefined : o.endedIn, { kind: 'group', group: 'g1', how: 'throttled' });
    assert.equal(iot.count('AddThingToBillingGroup'), 3, 'tried again twice');
    assert.equal(iot.count('DescribeThing'), 0);
  });
});
