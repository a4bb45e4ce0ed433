// Carries a plan out through a `ManifestWriter` (src/aws implements it on the SDK; tests on a model),
// paced by the bulk runner, one phase after another: creates (with their tags), descriptions, tags,
// removals, additions and moves, deletes. Descriptions and deletes pass the version read during the
// plan; tags and membership, which have no version, are read again just before they are written. A
// group changed since the plan stops there ("changed since the plan"); the others go on.
//
// Every step is safe to run again, whole or in part:
//   - a step of two calls (UntagResource, then TagResource) accepts, when it is tried again, the state
//     the plan read or that state plus its own earlier call, and sends only what is still missing;
//   - a move is ONE call: AddThingToBillingGroup detaches the thing from its previous group itself
//     (its API reference: "This call is asynchronous. It might take several seconds for the
//     detachment to propagate"), so a thing being moved is never in no group; the test layers make
//     the emulator behave so (test/support/awsSemanticsLayer.ts). No remove is sent before an add, so
//     no failed add ever has to put a thing back; a failed add's report line says where the thing is;
//   - membership is checked per thing the plan touches, just before the write, and a mismatch is read
//     once more after a short delay (membership changes take seconds to show on AWS);
//   - a write cancelled while in flight is reported as "unknown (cancelled in flight)": AWS may or may
//     not have carried it out, and the next Plan shows which.
// The plan converges: running Apply again after an interruption finishes the job.
import { runBulk, type BulkOptions } from './bulk';
import type { AddThingStep, Plan, RemoveThingStep, TagStep } from './manifestPlan';
import { tagsEqual, userTags } from './manifestPlan';
import type { Tag } from './types';

export interface ManifestWriter {
  /** "created", or "unchanged" when it existed already with this configuration. */
  create(group: string, description: string, tags: Tag[], signal?: AbortSignal): Promise<{ outcome: 'created' | 'unchanged'; arn: string }>;
  /** Throws ChangedSincePlan when the version differs. */
  updateDescription(group: string, description: string, expectedVersion: number | undefined, signal?: AbortSignal): Promise<void>;
  readTags(arn: string, signal?: AbortSignal): Promise<Tag[]>;
  /** UntagResource: one call. */
  untag(arn: string, keys: string[], signal?: AbortSignal): Promise<void>;
  /** TagResource: one call (adds or changes these, leaves the others). */
  tag(arn: string, tags: Tag[], signal?: AbortSignal): Promise<void>;
  thingGroup(thing: string, signal?: AbortSignal): Promise<string | undefined>;
  /** Moves the thing out of its current group, if any (AWS detaches it from the previous group). */
  addThing(group: string, thing: string, signal?: AbortSignal): Promise<void>;
  removeThing(group: string, thing: string, signal?: AbortSignal): Promise<void>;
  /** Throws ChangedSincePlan when the version differs. */
  delete(group: string, expectedVersion: number | undefined, signal?: AbortSignal): Promise<void>;
}

/** Someone changed the group since the plan: its remaining steps stop; the others go on. */
export class ChangedSincePlan extends Error {
  readonly changedSincePlan = true;
  constructor(detail: string) {
    super(`changed since the plan (${detail})`);
    this.name = 'ChangedSincePlan';
  }
}

/** By shape, not class: the writer lives in the lazily loaded AWS bundle, which has its own copy of the class. */
export function isChangedSincePlan(e: unknown): e is ChangedSincePlan {
  return typeof e === 'object' && e !== null && (e as { changedSincePlan?: unknown }).changedSincePlan === true;
}

export type ApplyOutcome = 'done' | 'unchanged' | 'changed' | 'failed' | 'unknown' | 'skipped' | 'not started';

export interface ApplyEntry {
  group: string;
  /** What was to be done, as a phrase: "create", "set description", "add thing t1". */
  action: string;
  outcome: ApplyOutcome;
  message?: string;
}

export interface ApplyReport {
  entries: ApplyEntry[];
  cancelled: boolean;
  /** Calls that wrote or were sent to write (create, update, tag, untag, add, remove, delete). */
  writes: number;
}

export type ApplyPace = Pick<BulkOptions, 'concurrency' | 'perSecond' | 'retry' | 'sleep'>;

/** How long to wait before reading a thing's group again when it is not where the plan saw it. */
export const MEMBERSHIP_RECHECK_MS = 5000;

export interface ApplyOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Turns an error into a sentence for the report. */
  describeError?: (e: unknown) => string;
  /** The wait before a membership mismatch is read again (default MEMBERSHIP_RECHECK_MS). */
  recheckDelayMs?: number;
  /** Injected for tests; defaults to the pace's sleep, else setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

/** What one step has done so far; kept across the bulk runner's tries of the same step. */
interface StepState {
  /** Calls of this step sent (whether or not they were answered), by kind: "untag", "tag", "add"… */
  sent: Set<string>;
  /** Calls of this step waiting for their answer. */
  inFlight: number;
}

interface Item {
  group: string;
  action: string;
  run: (step: StepState) => Promise<ApplyOutcome | void>;
  /** A sentence to add to the report line when the step failed (e.g. where the thing is now). */
  afterFailure?: () => Promise<string | undefined>;
  /** Told the step's outcome once it is known. */
  onOutcome?: (outcome: ApplyOutcome) => void;
}

export function planStepCount(plan: Plan): number {
  return plan.creates.length + plan.descriptions.length + plan.tags.length + plan.removals.length + plan.additions.length + plan.deletes.length;
}

/** The tags a tag step leaves: what the plan read, with its changes. */
export function tagsAfter(t: TagStep): Tag[] {
  const map = new Map(t.expected.map((x) => [x.key, x.value]));
  for (const k of t.remove) map.delete(k);
  for (const x of t.set) map.set(x.key, x.value);
  return [...map].map(([key, value]) => ({ key, value }));
}

const additionAction = (a: AddThingStep) => (a.from ? `move thing ${a.thing} from ${a.from}` : `add thing ${a.thing}`);

const where = (group: string | undefined) => (group === undefined ? 'no group' : `group ${group}`);

export async function applyPlan(plan: Plan, writer: ManifestWriter, pace: ApplyPace, options: ApplyOptions = {}): Promise<ApplyReport> {
  const { signal } = options;
  const describeError = options.describeError ?? ((e: unknown) => (e instanceof Error ? e.message : String(e)));
  const sleep = options.sleep ?? pace.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const recheckDelayMs = options.recheckDelayMs ?? MEMBERSHIP_RECHECK_MS;
  const entries: ApplyEntry[] = [];
  /** Groups whose remaining steps are not carried out, and why. */
  const stopped = new Map<string, string>();
  const arns = new Map<string, string>();
  for (const t of plan.tags) if (t.arn) arns.set(t.group, t.arn);
  let writes = 0;
  const total = planStepCount(plan);
  let done = 0;

  /** Sends one write of a step, keeping count of what is in flight (a cancel then reports it as unknown). */
  const write = async <T>(step: StepState, kind: string, call: () => Promise<T>): Promise<T> => {
    writes++;
    step.sent.add(kind);
    step.inFlight++;
    try {
      return await call();
    } finally {
      step.inFlight--;
    }
  };

  const record = (item: Item, entry: ApplyEntry) => {
    entries.push(entry);
    item.onOutcome?.(entry.outcome);
  };

  const phase = async (items: Item[]): Promise<void> => {
    const runnable: Item[] = [];
    for (const item of items) {
      const why = stopped.get(item.group);
      if (why) {
        record(item, { group: item.group, action: item.action, outcome: 'skipped', message: why });
        options.onProgress?.(++done, total);
      } else runnable.push(item);
    }
    if (runnable.length === 0 || signal?.aborted) {
      for (const item of runnable) record(item, { group: item.group, action: item.action, outcome: 'not started' });
      return;
    }
    const results = new Map<Item, ApplyEntry>();
    const steps = new Map<Item, StepState>(runnable.map((item) => [item, { sent: new Set(), inFlight: 0 }]));
    const outcomes = await runBulk(
      runnable,
      async (item) => {
        const step = steps.get(item)!;
        try {
          const outcome = (await item.run(step)) ?? 'done';
          results.set(item, { group: item.group, action: item.action, outcome });
        } catch (e) {
          if (isChangedSincePlan(e)) {
            results.set(item, { group: item.group, action: item.action, outcome: 'changed', message: e.message });
            if (!stopped.has(item.group)) stopped.set(item.group, `not done: the group ${e.message}`);
            return;
          }
          // Let the bulk runner try a throttled item again; record the failure only once it gives up.
          throw e;
        }
      },
      {
        ...pace,
        isCancelled: () => signal?.aborted === true,
        onDone: () => options.onProgress?.(++done, total),
      },
    );
    for (const o of outcomes) {
      if (o.ok || results.has(o.item)) continue;
      const step = steps.get(o.item)!;
      if (signal?.aborted) {
        // Cancelled: a write on its way may or may not have been carried out; a step that sent nothing did nothing.
        const sentSomething = step.inFlight > 0 || step.sent.size > 0;
        results.set(
          o.item,
          sentSomething
            ? { group: o.item.group, action: o.item.action, outcome: 'unknown', message: 'cancelled in flight: AWS may or may not have carried it out; Plan again to see' }
            : { group: o.item.group, action: o.item.action, outcome: 'not started' },
        );
        continue;
      }
      let message = describeError(o.error);
      const after = await o.item.afterFailure?.().catch(() => undefined);
      if (after) message = `${message} ${after}`;
      results.set(o.item, { group: o.item.group, action: o.item.action, outcome: 'failed', message });
      if (!stopped.has(o.item.group)) stopped.set(o.item.group, `not done: an earlier step of the group failed (${describeError(o.error)})`);
    }
    for (const item of runnable) record(item, results.get(item) ?? { group: item.group, action: item.action, outcome: 'not started' });
  };

  await phase(
    plan.creates.map((c) => ({
      group: c.group,
      action: 'create',
      run: async (step) => {
        const r = await write(step, 'create', () => writer.create(c.group, c.description, c.tags, signal));
        if (r.arn) arns.set(c.group, r.arn);
        return r.outcome === 'created' ? 'done' : 'unchanged';
      },
    })),
  );
  await phase(
    plan.descriptions.map((d) => ({
      group: d.group,
      action: 'set description',
      run: (step) => write(step, 'update', () => writer.updateDescription(d.group, d.to, d.expectedVersion, signal)),
    })),
  );
  await phase(plan.tags.map((t) => ({ group: t.group, action: 'set tags', run: (step) => setTags(t, step) })));
  await phase(
    plan.removals.map((r) => ({
      group: r.group,
      action: `remove thing ${r.thing}`,
      run: (step) => removeThing(r, step),
      afterFailure: () => whereNow(r.thing),
    })),
  );
  /** Things a move did not take out of their group, by that group. */
  const unmoved = new Map<string, string[]>();
  await phase(
    plan.additions.map((a) => ({
      group: a.group,
      action: additionAction(a),
      run: (step) => addOrMove(a, step),
      afterFailure: () => whereNow(a.thing),
      onOutcome: (outcome) => {
        if (a.from && outcome !== 'done' && outcome !== 'unchanged') unmoved.set(a.from, [...(unmoved.get(a.from) ?? []), a.thing]);
      },
    })),
  );
  // A group is deleted only once the things the plan moves out of it have moved: deleting it first
  // would leave them in no group until the next Apply.
  for (const [group, things] of unmoved)
    if (!stopped.has(group)) stopped.set(group, `not done: ${things.length === 1 ? `thing ${things[0]} was` : `things ${things.join(', ')} were`} to move out of it first, and did not`);
  await phase(
    plan.deletes.map((d) => ({
      group: d.group,
      action: 'delete',
      run: (step) => write(step, 'delete', () => writer.delete(d.group, d.expectedVersion, signal)),
    })),
  );
  return { entries, cancelled: signal?.aborted === true, writes };

  /**
   * UntagResource first, then TagResource: replacing keys on a group that has 50 tags never asks AWS
   * to hold more than 50. Read again first; accepted are the tags the plan read, or those minus the
   * keys this step already untagged (a try after the untag went through); only what is still
   * missing is sent.
   */
  async function setTags(t: TagStep, step: StepState): Promise<ApplyOutcome | void> {
    const arn = arns.get(t.group) ?? '';
    const now = userTags(await writer.readTags(arn, signal));
    const wanted = tagsAfter(t);
    if (tagsEqual(now, wanted)) return step.sent.size > 0 ? 'done' : 'unchanged';
    const untagged = t.expected.filter((x) => !t.remove.includes(x.key));
    if (!tagsEqual(now, t.expected) && !(step.sent.has('untag') && tagsEqual(now, untagged))) throw new ChangedSincePlan('its tags differ');
    const have = new Map(now.map((x) => [x.key, x.value]));
    const remove = t.remove.filter((k) => have.has(k));
    if (remove.length > 0) await write(step, 'untag', () => writer.untag(arn, remove, signal));
    for (const k of remove) have.delete(k);
    const set = t.set.filter((x) => have.get(x.key) !== x.value);
    if (set.length > 0) await write(step, 'tag', () => writer.tag(arn, set, signal));
  }

  /**
   * The thing's group now, read again once after a short delay when it is not where the plan saw it (a
   * change made seconds ago may not show yet — even one that seems to have done the step's work
   * already: a read that lags can show an older state).
   */
  async function thingGroupSettled(thing: string, planned: string | undefined): Promise<string | undefined> {
    const first = await writer.thingGroup(thing, signal);
    if (first === planned) return first;
    await sleep(recheckDelayMs);
    if (signal?.aborted) throw new Error('Cancelled.');
    return writer.thingGroup(thing, signal);
  }

  async function removeThing(r: RemoveThingStep, step: StepState): Promise<ApplyOutcome | void> {
    const now = await thingGroupSettled(r.thing, r.group);
    if (now === undefined) return step.sent.size > 0 ? 'done' : 'unchanged';
    if (now !== r.group) throw new ChangedSincePlan(`thing ${r.thing} is now in ${where(now)}`);
    await write(step, 'remove', () => writer.removeThing(r.group, r.thing, signal));
  }

  async function addOrMove(a: AddThingStep, step: StepState): Promise<ApplyOutcome | void> {
    // A thing that was in no group, or in `from`, at plan time: check where it is now.
    const now = await thingGroupSettled(a.thing, a.from);
    if (now === a.group) return step.sent.size > 0 ? 'done' : 'unchanged';
    if (now !== a.from) throw new ChangedSincePlan(`thing ${a.thing} is now in ${where(now)}`);
    // One call: the add moves the thing out of `from` itself, so it is never in no group.
    await write(step, 'add', () => writer.addThing(a.group, a.thing, signal));
  }

  /** For a failed membership step's report line: where the thing is now, as far as a read can tell. */
  async function whereNow(thing: string): Promise<string | undefined> {
    if (signal?.aborted) return undefined;
    return `Thing ${thing} is in ${where(await writer.thingGroup(thing))}.`;
  }
}

const OUTCOME_WORD: Record<ApplyOutcome, string> = {
  done: 'done',
  unchanged: 'already so',
  changed: 'stopped',
  failed: 'FAILED',
  unknown: 'unknown (cancelled in flight)',
  skipped: 'skipped',
  'not started': 'not started (cancelled)',
};

/** The report document (plain text): counts, then one line per step. */
export function renderReport(report: ApplyReport, header: string): string {
  const count = (o: ApplyOutcome) => report.entries.filter((e) => e.outcome === o).length;
  const unknown = count('unknown');
  const lines = [
    header,
    '',
    `${count('done')} done, ${count('unchanged')} already so, ${count('changed')} changed since the plan, ${count('failed')} failed, ${unknown > 0 ? `${unknown} unknown (cancelled in flight), ` : ''}${count('skipped')} skipped, ${count('not started')} not started.`,
    report.cancelled ? 'Cancelled: run Apply again to finish the job.' : '',
    '',
    ...report.entries.map((e) => `${OUTCOME_WORD[e.outcome].padEnd(12)} ${JSON.stringify(e.group)}: ${e.action}${e.message ? ` — ${e.message}` : ''}`),
  ];
  return `${lines.filter((l, i) => l !== '' || lines[i - 1] !== '').join('\n')}\n`;
}
