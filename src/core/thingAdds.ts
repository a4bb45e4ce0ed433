// The calls of Add Thing to Billing Group and of a drag-and-drop move, thing by thing, through the
// paced bulk runner. Pure: the calls go through a small port (src/aws/thingService.ts implements it
// with the SDK), so the commands (src/things/thingCommands.ts) and the integration tests run the same
// code.
import type { EndedIn } from './assignmentPlan';
import type { MembershipPort } from './assignmentSteps';
import { runBulk, type BulkOptions } from './bulk';

/** What the adds need of AWS IoT. */
export type ThingAddPort = Pick<MembershipPort, 'groupOf' | 'addThing'> & {
  removeThing(group: string, thing: string, signal?: AbortSignal): Promise<void>;
};

export type ThingAddOutcome = { thing: string; ok: true } | { thing: string; ok: false; error: unknown; endedIn?: EndedIn };

export interface ThingAddsOptions {
  /** Pace, retry of throttled calls, cancellation, progress. */
  bulk: BulkOptions;
  /** Where each thing was when the person confirmed (undefined: in no group). */
  from: (thing: string) => string | undefined;
  signal?: AbortSignal;
}

/** Adds (or moves) each of `things` into `target`. Things never started (cancelled) have no outcome. */
export async function runThingAdds(target: string, things: readonly string[], port: ThingAddPort, o: ThingAddsOptions): Promise<ThingAddOutcome[]> {
  const outcomes = await runBulk(
    things,
    async (t) => {
      const from = o.from(t);
      // Leave the old group explicitly: AWS moves on add, but emulators may keep both memberships.
      if (from && from !== target) await port.removeThing(from, t, o.signal);
      try {
        await port.addThing(target, t, o.signal);
      } catch (e) {
        if (from && from !== target) await port.addThing(from, t, o.signal).catch(() => undefined);
        throw e;
      }
    },
    o.bulk,
  );
  return outcomes.map((r) => (r.ok ? { thing: r.item, ok: true } : { thing: r.item, ok: false, error: r.error }));
}
