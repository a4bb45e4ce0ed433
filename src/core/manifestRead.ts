// Reading what a manifest needs of the account, and no more: ListBillingGroups (pages of 250), then
// Describe and ListTagsForResource only for groups the manifest names (tags only where it manages
// them) or prune would delete, ListThingsInBillingGroup only where it gives `things` (and one page of
// it for a group prune would delete, to say how many things it leaves without a group), and
// DescribeThing for listed things found in none of those. The calls go through `AccountReader`
// (src/aws implements it on the SDK; tests on a model), paced by the bulk runner. A group deleted
// between the list and its reads is left out (as if it had not been listed), not a failed read.
import { runBulk, type BulkOptions } from './bulk';
import type { Manifest } from './manifest';
import { groupsToRead, thingsToLookUp, type AccountGroup, type AccountState } from './manifestPlan';
import type { ThingCount } from './thingCount';
import type { BillingGroupSummary, Tag } from './types';

export interface AccountReader {
  region: string;
  listGroups(signal?: AbortSignal): Promise<BillingGroupSummary[]>;
  /** Undefined when the group no longer exists (deleted since it was listed). */
  describe(name: string, signal?: AbortSignal): Promise<{ arn: string; version?: number; description: string } | undefined>;
  /** Undefined when the group no longer exists. */
  listTags(arn: string, signal?: AbortSignal): Promise<Tag[] | undefined>;
  /** Undefined when the group no longer exists. */
  listThings(group: string, signal?: AbortSignal): Promise<string[] | undefined>;
  /** How many things the group holds, from ONE page of at most 250 (bounded for groups of millions); undefined when gone. */
  countThings(group: string, signal?: AbortSignal): Promise<ThingCount | undefined>;
  /** The thing's current group (undefined for none), or 'missing' when there is no such thing. */
  thingGroup(thing: string, signal?: AbortSignal): Promise<string | undefined | 'missing'>;
  /** The account id from the groups' ARNs, else from STS; undefined when neither can say. */
  account(groups: readonly BillingGroupSummary[], signal?: AbortSignal): Promise<string | undefined>;
}

export class Cancelled extends Error {
  constructor() {
    super('Cancelled.');
    this.name = 'Cancelled';
  }
}

export type ReadPace = Pick<BulkOptions, 'concurrency' | 'perSecond' | 'retry' | 'sleep'>;

export interface ReadProgress {
  /** "Listing groups", "Reading groups", "Looking up things". */
  stage: string;
  done: number;
  total: number;
}

/** Runs reads paced; the first failure fails the read (a plan from half an account would be wrong). */
async function paced<T>(items: readonly T[], work: (item: T) => Promise<void>, pace: ReadPace, stage: string, signal?: AbortSignal, onProgress?: (p: ReadProgress) => void): Promise<void> {
  if (items.length === 0) return;
  const outcomes = await runBulk(items, work, {
    ...pace,
    isCancelled: () => signal?.aborted === true,
    onDone: (done, total) => onProgress?.({ stage, done, total }),
  });
  if (signal?.aborted) throw new Cancelled();
  const failed = outcomes.find((o) => !o.ok);
  if (failed) throw failed.error;
}

/** Reads the account for `manifest`; `all` reads every group in full (Export). */
export async function readAccount(
  reader: AccountReader,
  manifest: Manifest,
  pace: ReadPace,
  options: { signal?: AbortSignal; onProgress?: (p: ReadProgress) => void; exportThings?: boolean; all?: boolean } = {},
): Promise<AccountState> {
  const { signal, onProgress } = options;
  onProgress?.({ stage: 'Listing groups', done: 0, total: 0 });
  const list = await reader.listGroups(signal);
  if (signal?.aborted) throw new Cancelled();
  const account = await reader.account(list, signal);
  const names = list.map((g) => g.name);
  const want = options.all
    ? { describe: names, tags: names, things: options.exportThings ? names : [], count: [] }
    : groupsToRead(manifest, names);
  const groups = new Map<string, AccountGroup>(list.map((g) => [g.name, { name: g.name, arn: g.arn }]));

  type Read = { kind: 'describe' | 'tags' | 'things' | 'count'; name: string };
  const reads: Read[] = [
    ...want.describe.map((name): Read => ({ kind: 'describe', name })),
    ...want.tags.map((name): Read => ({ kind: 'tags', name })),
    ...want.things.map((name): Read => ({ kind: 'things', name })),
    ...want.count.map((name): Read => ({ kind: 'count', name })),
  ];
  /** Groups deleted between the list and their reads: left out, as if they had not been listed. */
  const gone = new Set<string>();
  await paced(
    reads,
    async (r) => {
      const g = groups.get(r.name)!;
      if (r.kind === 'describe') {
        const d = await reader.describe(r.name, signal);
        if (!d) return void gone.add(r.name);
        g.description = d.description;
        if (d.version !== undefined) g.version = d.version;
        if (d.arn) g.arn = d.arn;
      } else if (r.kind === 'tags') {
        const tags = await reader.listTags(g.arn ?? '', signal);
        if (tags) g.tags = tags;
        else gone.add(r.name);
      } else if (r.kind === 'things') {
        const things = await reader.listThings(r.name, signal);
        if (things) g.things = things;
        else gone.add(r.name);
      } else {
        const count = await reader.countThings(r.name, signal);
        if (count) g.thingCount = count;
        else gone.add(r.name);
      }
    },
    pace,
    'Reading groups',
    signal,
    onProgress,
  );
  for (const name of gone) groups.delete(name);

  const read = new Map([...groups.values()].filter((g) => g.things).map((g) => [g.name, g.things!]));
  const thingGroups = new Map<string, string | undefined>();
  const missingThings = new Set<string>();
  if (!options.all)
    await paced(
      thingsToLookUp(manifest, read),
      async (t) => {
        const where = await reader.thingGroup(t, signal);
        if (where === 'missing') missingThings.add(t);
        else thingGroups.set(t, where);
      },
      pace,
      'Looking up things',
      signal,
      onProgress,
    );
  const state: AccountState = { region: reader.region, groups: [...groups.values()], thingGroups, missingThings };
  if (account) state.account = account;
  return state;
}

/** The account id in a billing group ARN (arn:PARTITION:iot:REGION:ACCOUNT:billinggroup/NAME). */
export function accountOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length >= 6 && parts[0] === 'arn' && /^[0-9]{12}$/.test(parts[4]) ? parts[4] : undefined;
}
