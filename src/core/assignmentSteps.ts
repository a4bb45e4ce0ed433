// The run of a bulk assignment, one step per thing, through the paced bulk runner. A step:
//   1. DescribeThing: is the thing still where the preview said? Still in no group (or, for a move,
//      in the group it was counted in, or in no group now): go on. Already in the target: skipped.
//      In another group: left there and reported ("changed"), so that "Move…" unticked never moves
//      a thing that joined a group after the count. Gone: reported, nothing sent.
//   2. AddThingToBillingGroup, alone: on AWS the add itself moves the thing out of its previous group
//      (see assignmentPlan.ts), so a move is this one call and a failed add never leaves a thing in
//      no group.
//   3. Only when the add failed: DescribeThing again, so the report says where the thing ended up (a
//      lost answer may hide an add that was carried out). Not for throttling, which the runner retries
//      (the whole step) and which is never carried out.
// Membership changes take seconds to show on AWS: the check sees what DescribeThing shows at that
// moment. The run counts every call it sends, so the preview's count can be checked against it.
import { thingsToSend, type AssignmentOutcome, type AssignmentPlan, type EndedIn } from './assignmentPlan';
import { runBulk, type BulkOptions } from './bulk';

/** What a run needs of AWS IoT (src/aws/thingService.ts implements it with the SDK). */
export interface MembershipPort {
  /** DescribeThing: the thing's billing group now (undefined: none). Rejects with code "ResourceNotFound" when the thing does not exist. */
  groupOf(thing: string, signal?: AbortSignal): Promise<string | undefined>;
  /** AddThingToBillingGroup. */
  addThing(group: string, thing: string, signal?: AbortSignal): Promise<void>;
  /** DescribeBillingGroup: false only when the group certainly does not exist. */
  groupExists(group: string, signal?: AbortSignal): Promise<boolean>;
}

/** The calls a run sent, by operation (retries of a step included). */
/** Where a thing is now (DescribeThing), read back after a failed add: in a group, in none, gone, or unknown (why). */
export async function whereThingIs(port: Pick<MembershipPort, 'groupOf'>, thing: string, signal?: AbortSignal): Promise<EndedIn> {
  try {
    const group = await port.groupOf(thing, signal);
    return group === undefined ? { kind: 'none', how: 'readBack' } : { kind: 'group', group, how: 'readBack' };
  } catch (e) {
    if (problemCode(e) === 'ResourceNotFound') return { kind: 'gone' };
    return { kind: 'unknown', why: messageOf(e) };
  }
}

export interface RunCalls {
  DescribeThing: number;
  AddThingToBillingGroup: number;
  DescribeBillingGroup: number;
}

export interface StepsOptions {
  /** Pace, retry of throttled steps, cancellation, progress. */
  bulk: BulkOptions;
  signal?: AbortSignal;
  /** Each decided thing as it is decided (for a progress message). */
  onOutcome?: (o: AssignmentOutcome) => void;
}

export interface StepsResult {
  /** The plan's skipped things, then every thing sent, in the plan's order. */
  outcomes: AssignmentOutcome[];
  calls: RunCalls;
  /** The target group no longer exists: the run stopped; the rest is "notStarted". */
  targetDeleted: boolean;
}

/** The stable code of a problem (AwsProblem.code), whatever its class. */
export function problemCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Thrown inside a step when the target is gone: the step is reported "notStarted", the run stops. */
class TargetDeleted extends Error {}

export async function runAssignmentSteps(plan: AssignmentPlan, port: MembershipPort, o: StepsOptions): Promise<StepsResult> {
  const target = plan.target;
  const sends = thingsToSend(plan);
  const expectedOf = new Map(plan.inOtherGroups.map((t) => [t.thing, t.from] as const));
  const calls: RunCalls = { DescribeThing: 0, AddThingToBillingGroup: 0, DescribeBillingGroup: 0 };
  const decided = new Map<string, AssignmentOutcome>();
  /** Where the last check found each thing (for a step the runner gave up on). */
  const lastSeen = new Map<string, string | undefined>();
  let targetDeleted = false;
  let groupCheck: Promise<boolean> | undefined;
  const targetExists = () => {
    if (!groupCheck) {
      calls.DescribeBillingGroup++;
      groupCheck = port.groupExists(target, o.signal).catch(() => true);
    }
    return groupCheck;
  };
  const decide = (outcome: AssignmentOutcome) => {
    decided.set(outcome.thing, outcome);
    o.onOutcome?.(outcome);
  };
  const isRetryable = (e: unknown) => o.bulk.retry?.isRetryable(e) ?? false;

  /** DescribeThing after a failed add: where the thing is now. */
  const readBack = (thing: string): Promise<EndedIn> => {
    calls.DescribeThing++;
    return whereThingIs(port, thing, o.signal);
  };

  const step = async (thing: string): Promise<void> => {
    const expected = expectedOf.get(thing);
    let now: string | undefined;
    calls.DescribeThing++;
    try {
      now = await port.groupOf(thing, o.signal);
    } catch (e) {
      if (problemCode(e) === 'ResourceNotFound') return decide({ thing, result: 'gone' });
      if (isRetryable(e)) throw e; // the runner tries the step again
      const endedIn: EndedIn = expected === undefined ? { kind: 'none', how: 'notSent' } : { kind: 'group', group: expected, how: 'notSent' };
      return decide({ thing, result: 'failed', reason: messageOf(e), endedIn });
    }
    lastSeen.set(thing, now);
    if (now === target) return decide({ thing, result: 'skipped' });
    // In no group is always fine (the add takes it from nobody); in a group only if it is the one the
    // preview said it would leave.
    if (now !== undefined && now !== expected) return decide(expected === undefined ? { thing, result: 'changed', now } : { thing, result: 'changed', expected, now });
    calls.AddThingToBillingGroup++;
    try {
      await port.addThing(target, thing, o.signal);
    } catch (e) {
      if (isRetryable(e)) throw e;
      if (problemCode(e) === 'ResourceNotFound') {
        if (!(await targetExists())) {
          targetDeleted = true;
          throw new TargetDeleted();
        }
      }
      const endedIn = await readBack(thing);
      if (endedIn.kind === 'gone') return decide({ thing, result: 'gone' });
      return decide({ thing, result: 'failed', reason: messageOf(e), endedIn });
    }
    decide(now === undefined ? { thing, result: 'added' } : { thing, result: 'moved', from: now });
  };

  const outcomes = await runBulk(sends, step, {
    ...o.bulk,
    isCancelled: () => targetDeleted || (o.bulk.isCancelled?.() ?? false),
  });
  // Steps that still threw: the runner gave up retrying them (throttled), or the target was deleted.
  for (const r of outcomes) {
    if (r.ok || decided.has(r.item)) continue;
    if (r.error instanceof TargetDeleted) continue; // reported as not started below
    const thing = r.item;
    const seen = lastSeen.has(thing) ? lastSeen.get(thing) : expectedOf.get(thing);
    const how = problemCode(r.error) === 'Throttled' ? 'throttled' : 'notSent';
    decide({ thing, result: 'failed', reason: messageOf(r.error), endedIn: seen === undefined ? { kind: 'none', how } : { kind: 'group', group: seen, how } });
  }
  const result: AssignmentOutcome[] = plan.skip.map((thing) => ({ thing, result: 'skipped' }));
  for (const thing of sends) result.push(decided.get(thing) ?? { thing, result: 'notStarted' });
  return { outcomes: result, calls, targetDeleted };
}
