// The calls of Add Thing to Billing Group and of a drag-and-drop move, thing by thing, through the
// paced bulk runner. Pure: the calls go through a small port (src/aws/thingService.ts implements it
// with the SDK), so the commands (src/things/thingCommands.ts) and the integration tests run the same
// code.
//
// A move is AddThingToBillingGroup ALONE. A thing belongs to one billing group at most (DescribeThing
// has a single billingGroupName), and the add itself takes it out of its previous group: the
// AddThingToBillingGroup API reference (https://docs.aws.amazon.com/iot/latest/apireference/API_AddThingToBillingGroup.html)
// says, of billingGroupName, "This call is asynchronous. It might take several seconds for the
// detachment to propagate" — the detachment from the old group is part of the add. So no
// RemoveThingFromBillingGroup is sent first, and a failed add never leaves a thing in no group (a
// remove followed by a failed add did, and so did the add that was to put it back when it failed
// too). The test layers make moto, which keeps a thing in both groups, behave so
// (test/support/moveOnAdd.ts).
//
// When an add fails, DescribeThing says where the thing is now: a failure does not always mean the
// add was not carried out (an answer lost on the way back hides an add that was). Not for throttling,
// which the runner retries and which AWS never carries out.
import type { EndedIn } from './assignmentPlan';
import { whereThingIs, type MembershipPort } from './assignmentSteps';
import { runBulk, type BulkOptions } from './bulk';

/** What the adds need of AWS IoT: AddThingToBillingGroup, and DescribeThing to read a failed add back. */
export type ThingAddPort = Pick<MembershipPort, 'groupOf' | 'addThing'>;

export type ThingAddOutcome = { thing: string; ok: true } | { thing: string; ok: false; error: unknown; endedIn: EndedIn };

export interface ThingAddsOptions {
  /** Pace, retry of throttled calls, cancellation, progress. */
  bulk: BulkOptions;
  /** Where each thing was when the person confirmed (undefined: in no group). */
  from: (thing: string) => string | undefined;
  signal?: AbortSignal;
}

/** Adds (or moves) each of `things` into `target`, in the given order. Things never started (cancelled) have no outcome. */
export async function runThingAdds(target: string, things: readonly string[], port: ThingAddPort, o: ThingAddsOptions): Promise<ThingAddOutcome[]> {
  const isRetryable = (e: unknown) => o.bulk.retry?.isRetryable(e) ?? false;
  /** Failed adds, read back (filled inside the step, so that the runner's retry of a throttled add is not read back). */
  const readBack = new Map<string, EndedIn>();

  const whereNow = (thing: string): Promise<EndedIn> => whereThingIs(port, thing, o.signal);

  const results = await runBulk(
    things,
    async (thing) => {
      try {
        await port.addThing(target, thing, o.signal);
      } catch (e) {
        if (!isRetryable(e)) readBack.set(thing, await whereNow(thing));
        throw e;
      }
    },
    o.bulk,
  );

  const byThing = new Map(results.map((r) => [r.item, r]));
  const outcomes: ThingAddOutcome[] = [];
  for (const thing of things) {
    const r = byThing.get(thing);
    if (!r) continue;
    if (r.ok) {
      outcomes.push({ thing, ok: true });
      continue;
    }
    // Not read back: throttled until the runner gave up. A throttled call is not carried out.
    const from = o.from(thing);
    const endedIn: EndedIn = readBack.get(thing) ?? (from === undefined ? { kind: 'none', how: 'throttled' } : { kind: 'group', group: from, how: 'throttled' });
    outcomes.push({ thing, ok: false, error: r.error, endedIn });
  }
  return outcomes;
}
