// Carries a plan out through a `ManifestWriter` (src/aws implements it on the SDK; tests on a model),
// paced by the bulk runner, one phase after another: creates (with their tags), descriptions, tags,
// membership checks, removals, additions and moves, deletes. Descriptions pass the version read
// during the plan; tags and membership, which have no version, are read again just before they are
// written. A group changed since the plan stops there ("changed since the plan"); the others go on.
// The plan converges: running Apply again after an interruption finishes the job.
import { runBulk, type BulkOptions } from './bulk';
import type { AddThingStep, Plan } from './manifestPlan';
import { sameMembers, tagsEqual, userTags } from './manifestPlan';
import type { Tag } from './types';

export interface ManifestWriter {
  /** "created", or "unchanged" when it existed already with this configuration. */
  create(group: string, description: string, tags: Tag[], signal?: AbortSignal): Promise<{ outcome: 'created' | 'unchanged'; arn: string }>;
  /** Throws ChangedSincePlan when the version differs. */
  updateDescription(group: string, description: string, expectedVersion: number | undefined, signal?: AbortSignal): Promise<void>;
  readTags(arn: string, signal?: AbortSignal): Promise<Tag[]>;
  writeTags(arn: string, set: Tag[], remove: string[], signal?: AbortSignal): Promise<void>;
  readThings(group: string, signal?: AbortSignal): Promise<string[]>;
  thingGroup(thing: string, signal?: AbortSignal): Promise<string | undefined>;
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

export type ApplyOutcome = 'done' | 'unchanged' | 'changed' | 'failed' | 'skipped' | 'not started';

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
  /** Calls that wrote (create, update, tag, untag, add, remove, delete). */
  writes: number;
}

export type ApplyPace = Pick<BulkOptions, 'concurrency' | 'perSecond' | 'retry' | 'sleep'>;

export interface ApplyOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Turns an error into a sentence for the report. */
  describeError?: (e: unknown) => string;
}

interface Item {
  group: string;
  action: string;
  run: () => Promise<ApplyOutcome | void>;
}

export function planStepCount(plan: Plan): number {
  return plan.creates.length + plan.descriptions.length + plan.tags.length + plan.membership.length + plan.removals.length + plan.additions.length + plan.deletes.length;
}

export async function applyPlan(plan: Plan, writer: ManifestWriter, pace: ApplyPace, options: ApplyOptions = {}): Promise<ApplyReport> {
  const { signal } = options;
  const describeError = options.describeError ?? ((e: unknown) => (e instanceof Error ? e.message : String(e)));
  const entries: ApplyEntry[] = [];
  /** Groups whose remaining steps are not carried out, and why. */
  const stopped = new Map<string, string>();
  const arns = new Map<string, string>();
  for (const t of plan.tags) if (t.arn) arns.set(t.group, t.arn);
  let writes = 0;
  const write = async <T>(p: Promise<T>): Promise<T> => {
    writes++;
    return p;
  };
  const total = planStepCount(plan);
  let done = 0;

  const phase = async (items: Item[]): Promise<void> => {
    const runnable: Item[] = [];
    for (const item of items) {
      const why = stopped.get(item.group);
      if (why) {
        entries.push({ group: item.group, action: item.action, outcome: 'skipped', message: why });
        options.onProgress?.(++done, total);
      } else runnable.push(item);
    }
    if (runnable.length === 0 || signal?.aborted) {
      for (const item of runnable) entries.push({ group: item.group, action: item.action, outcome: 'not started' });
      return;
    }
    const results = new Map<Item, ApplyEntry>();
    await runBulk(
      runnable,
      async (item) => {
        try {
          const outcome = (await item.run()) ?? 'done';
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
    ).then((outcomes) => {
      for (const o of outcomes)
        if (!o.ok && !results.has(o.item)) {
          const message = describeError(o.error);
          results.set(o.item, { group: o.item.group, action: o.item.action, outcome: 'failed', message });
          if (!stopped.has(o.item.group)) stopped.set(o.item.group, `not done: an earlier step of the group failed (${message})`);
        }
    });
    for (const item of runnable) entries.push(results.get(item) ?? { group: item.group, action: item.action, outcome: 'not started' });
  };

  await phase(
    plan.creates.map((c) => ({
      group: c.group,
      action: 'create',
      run: async () => {
        const r = await write(writer.create(c.group, c.description, c.tags, signal));
        if (r.arn) arns.set(c.group, r.arn);
        return r.outcome === 'created' ? 'done' : 'unchanged';
      },
    })),
  );
  await phase(
    plan.descriptions.map((d) => ({
      group: d.group,
      action: 'set description',
      run: () => write(writer.updateDescription(d.group, d.to, d.expectedVersion, signal)),
    })),
  );
  await phase(
    plan.tags.map((t) => ({
      group: t.group,
      action: 'set tags',
      run: async () => {
        const arn = arns.get(t.group) ?? '';
        const now = userTags(await writer.readTags(arn, signal));
        if (!tagsEqual(now, t.expected)) throw new ChangedSincePlan('its tags differ');
        if (t.set.length > 0 || t.remove.length > 0) await write(writer.writeTags(arn, t.set, t.remove, signal));
      },
    })),
  );
  await phase(
    plan.membership.map((m) => ({
      group: m.group,
      action: 'check things',
      run: async () => {
        const now = await writer.readThings(m.group, signal);
        if (!sameMembers(now, m.expected)) throw new ChangedSincePlan('its things differ');
      },
    })),
  );
  await phase(
    plan.removals.map((r) => ({
      group: r.group,
      action: `remove thing ${r.thing}`,
      run: () => write(writer.removeThing(r.group, r.thing, signal)),
    })),
  );
  await phase(plan.additions.map((a) => ({ group: a.group, action: a.from ? `move thing ${a.thing} from ${a.from}` : `add thing ${a.thing}`, run: () => addOrMove(a) })));
  await phase(
    plan.deletes.map((d) => ({
      group: d.group,
      action: 'delete',
      run: () => write(writer.delete(d.group, d.expectedVersion, signal)),
    })),
  );
  return { entries, cancelled: signal?.aborted === true, writes };

  async function addOrMove(a: AddThingStep): Promise<ApplyOutcome | void> {
    // A thing that was in no group, or in `from`, at plan time: check where it is now.
    const where = await writer.thingGroup(a.thing, signal);
    if (where === a.group) return 'unchanged';
    if (where !== a.from) throw new ChangedSincePlan(`thing ${a.thing} is now in ${where ? `group ${where}` : 'no group'}`);
    // AWS moves on add; emulators may keep both memberships, so leave the old group explicitly.
    if (a.from) await write(writer.removeThing(a.from, a.thing, signal));
    await write(writer.addThing(a.group, a.thing, signal));
  }
}

const OUTCOME_WORD: Record<ApplyOutcome, string> = {
  done: 'done',
  unchanged: 'already so',
  changed: 'stopped',
  failed: 'FAILED',
  skipped: 'skipped',
  'not started': 'not started (cancelled)',
};

/** The report document (plain text): counts, then one line per step. */
export function renderReport(report: ApplyReport, header: string): string {
  const count = (o: ApplyOutcome) => report.entries.filter((e) => e.outcome === o).length;
  const lines = [
    header,
    '',
    `${count('done')} done, ${count('unchanged')} already so, ${count('changed')} changed since the plan, ${count('failed')} failed, ${count('skipped')} skipped, ${count('not started')} not started.`,
    report.cancelled ? 'Cancelled: run Apply again to finish the job.' : '',
    '',
    ...report.entries.map((e) => `${OUTCOME_WORD[e.outcome].padEnd(12)} ${JSON.stringify(e.group)}: ${e.action}${e.message ? ` — ${e.message}` : ''}`),
  ];
  return `${lines.filter((l, i) => l !== '' || lines[i - 1] !== '').join('\n')}\n`;
}
