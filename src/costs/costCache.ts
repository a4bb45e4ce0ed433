// Cost Explorer answers kept in globalState (each request costs USD 0.01): per query — the
// connection whose credentials sign it (profile, role, account, region), the accounts and regions it
// covers (issue 17: a payer's query covers several connections), tag key, metric, months, services,
// credits and refunds, and period — reused across windows and restarts until
// `iotBillingGroups.costs.cacheHours` have passed. No vscode import: the manifest's CodeLens and
// the tests use it too.
import type { CostData } from '../core/costs';
import { costPeriod, periodKey } from '../core/costPeriod';
import { locateEntry, scopeCovers, scopeText, type AccountRegions, type CostScope } from '../core/costQueries';

/** The part of vscode.Memento this needs. */
export interface MementoLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

export const COSTS_CACHE_KEY = 'iotBillingGroups.costs.cache';
export const CACHE_HOURS_DEFAULT = 12;
/** Entries kept at most (the oldest go first): bounds what globalState holds. */
const MAX_ENTRIES = 24;

export interface CostCacheKey {
  /** The profile of the connection whose credentials sign the query. */
  profile: string;
  /** Its account. */
  account: string;
  /** Its region. */
  region: string;
  /** Its role, when it reaches another account through one (issue 17). */
  roleArn?: string;
  /**
   * The accounts and regions the query covers (issue 17); absent — a key of one connection
   * (costCacheKey), or one written before — the account and region above. So one connection's key
   * is what it always was, and figures cached before still serve.
   */
  scope?: AccountRegions[];
  /**
   * The payer (management or standalone account) the query was planned for. Kept for the log and
   * for reading, not compared: what a query returns is decided by its scope and by whose credentials
   * sign it (a payer's Cost Explorer sees its linked accounts, a member's only its own), and a change
   * of payer changes one of those.
   */
  payer?: string;
  tagKey: string;
  metric: string;
  months: number;
  services: readonly string[];
  /** periodKey of the query's period: after 00:00 UTC on the 1st the key is another, so last month's figures are never "this month". */
  period: string;
  /** iotBillingGroups.costs.includeCreditsAndRefunds of the query. */
  credits: boolean;
}

/** The settings a key is made of (CostSettings' fields). */
export interface CostKeySettings {
  tagKey: string;
  metric: string;
  months: number;
  services: readonly string[];
  includeCreditsAndRefunds: boolean;
}

/** The key of the figures for these settings, connection and instant (its UTC month decides the period). */
export function costCacheKey(s: CostKeySettings, where: { profile: string; account: string; region: string }, now: Date): CostCacheKey {
  return {
    profile: where.profile,
    account: where.account,
    region: where.region,
    tagKey: s.tagKey,
    metric: s.metric,
    months: s.months,
    services: [...s.services],
    period: periodKey(costPeriod(now, s.months)),
    credits: s.includeCreditsAndRefunds,
  };
}

/**
 * The key of a query across connections (issue 17): signed by `signer`, covering `scope`. A query of
 * one account and region signed by a connection of that place is the key costCacheKey gives.
 */
export function queryCacheKey(
  s: CostKeySettings,
  q: { signer: { profile: string; account: string; region: string; roleArn?: string }; scope: CostScope; payer?: string },
  now: Date,
): CostCacheKey {
  const key = costCacheKey(s, q.signer, now);
  return {
    ...key,
    ...(q.signer.roleArn ? { roleArn: q.signer.roleArn } : {}),
    scope: q.scope.map((x) => ({ account: x.account, regions: [...x.regions] })),
    ...(q.payer ? { payer: q.payer } : {}),
  };
}

/** The accounts and regions a key's query covers. */
export function scopeOfKey(k: CostCacheKey): CostScope {
  return Array.isArray(k.scope) && k.scope.length > 0 ? k.scope : [{ account: k.account, regions: [k.region] }];
}

export interface CostCacheEntry extends CostCacheKey {
  data: CostData;
}

/** The same figures asked for: the same settings and period (whoever signed, whatever the place). */
function sameSettings(a: CostCacheKey, b: CostCacheKey): boolean {
  const bServices = [...b.services].sort();
  return (
    a.tagKey === b.tagKey &&
    a.metric === b.metric &&
    a.months === b.months &&
    a.period === b.period &&
    a.credits === b.credits &&
    a.services.length === bServices.length &&
    [...a.services].sort().every((s, i) => s === bServices[i])
  );
}

/** The same figures of the same place, signed the same way. */
function sameKey(a: CostCacheKey, b: CostCacheKey): boolean {
  return (
    a.profile === b.profile &&
    a.account === b.account &&
    a.region === b.region &&
    (a.roleArn ?? '') === (b.roleArn ?? '') &&
    scopeText(scopeOfKey(a)) === scopeText(scopeOfKey(b)) &&
    sameSettings(a, b)
  );
}

/** Fresh: younger than `hours` (and not from the future, e.g. after the clock was set back). */
export function isFresh(entry: { data: CostData }, now: number, hours: number): boolean {
  const age = now - entry.data.fetchedAt;
  return age >= 0 && age < Math.max(0, hours) * 3_600_000;
}

function entries(memento: MementoLike): CostCacheEntry[] {
  const v = memento.get<unknown>(COSTS_CACHE_KEY);
  return Array.isArray(v) ? v.filter((e): e is CostCacheEntry => typeof e === 'object' && e !== null && typeof (e as CostCacheEntry).data?.fetchedAt === 'number') : [];
}

export class CostCache {
  constructor(private readonly memento: MementoLike) {}

  /** The entry for this key, fresh or not (an old one still serves when offline). */
  get(key: CostCacheKey): CostCacheEntry | undefined {
    return entries(this.memento).find((e) => sameKey(e, key));
  }

  async put(key: CostCacheKey, data: CostData): Promise<void> {
    const others = entries(this.memento).filter((e) => !sameKey(e, key));
    const next = [{ ...key, services: [...key.services], ...(key.scope ? { scope: key.scope.map((x) => ({ account: x.account, regions: [...x.regions] })) } : {}), data }, ...others].slice(0, MAX_ENTRIES);
    await this.memento.update(COSTS_CACHE_KEY, next);
  }

  async clear(): Promise<void> {
    await this.memento.update(COSTS_CACHE_KEY, undefined);
  }
}

/**
 * The figures for a key: the cached ones while fresh (no request), else `query` (the one Cost
 * Explorer query), stored before they are returned. force: query whatever the cache holds.
 */
export async function cachedOrQueried(
  cache: CostCache,
  key: CostCacheKey,
  options: { force: boolean; cacheHours: number; now?: number },
  query: () => Promise<CostData>,
): Promise<{ data: CostData; fromCache: boolean }> {
  const cached = cache.get(key);
  if (!options.force && cached && isFresh(cached, options.now ?? Date.now(), options.cacheHours)) return { data: cached.data, fromCache: true };
  const data = await query();
  await cache.put(key, data);
  return { data, fromCache: false };
}

/**
 * The cached figures of exactly this key (tag key, metric, credits, period…), fresh or not, without
 * any request: for the manifest's cost CodeLens, which shows their "as of".
 */
export function cachedFor(memento: MementoLike, key: CostCacheKey): CostCacheEntry | undefined {
  return new CostCache(memento).get(key);
}

/**
 * The cached figures of ONE connection, found in whatever query covered it (issue 17: its own, or its
 * payer's query of several connections), without any request — for the manifest's cost CodeLens.
 *
 * `where` is the connection's account and region; its profile does not matter, since any query
 * covering that account and region holds the same figures for it. `settings` are the costs settings
 * (tag key, metric, months, services, credits) and `now` decides the period, exactly as for the
 * panel's key: figures of another key, metric or month are never returned. Of several entries
 * covering the place, the most recent answer is taken (fresh or not: the CodeLens shows its "as of").
 *
 * The returned data holds only that place's amounts: those of its account and region, and — when
 * the query grouped several accounts by account and this account is connected in several regions,
 * so Cost Explorer did not say the region — the account's amounts whose region is not known (the
 * panel matches those against each region's groups; here they are offered to this connection's).
 */
export function cachedCostsOfConnection(memento: MementoLike, settings: CostKeySettings, where: { account: string; region: string }, now: Date): CostCacheEntry | undefined {
  const wanted = costCacheKey(settings, { profile: '', account: where.account, region: where.region }, now);
  const covering = entries(memento)
    .filter((e) => sameSettings(e, wanted) && scopeCovers(scopeOfKey(e), where.account, where.region))
    .sort((a, b) => b.data.fetchedAt - a.data.fetchedAt);
  const entry = covering[0];
  if (!entry) return undefined;
  const scope = scopeOfKey(entry);
  const months = entry.data.months.map((m) => ({
    ...m,
    entries: m.entries
      .map((e) => ({ ...e, ...locateEntry(scope, e) }))
      .filter((e) => e.account === where.account && (e.region === undefined || e.region === where.region)),
  }));
  return { ...entry, data: { ...entry.data, months } };
}

/**
 * One load at a time, shared by its callers. A forced load (Refresh) while another runs does not start
 * a second billed query: it shares a load that queries; after a load answered from the cache it queries once.
 */
export class LoadGate<T extends { fromCache: boolean }> {
  private current: { promise: Promise<T>; force: boolean } | undefined;

  run(force: boolean, start: (force: boolean) => Promise<T>): Promise<T> {
    const current = this.current;
    if (current) {
      if (!force || current.force) return current.promise;
      // The running load may answer from the cache: once it settles, query only if it did not.
      return current.promise.then(
        (r) => (r.fromCache ? this.run(true, start) : r),
        () => this.run(true, start),
      );
    }
    const promise = start(force);
    const entry = { promise, force };
    this.current = entry;
    const done = () => {
      if (this.current === entry) this.current = undefined;
    };
    promise.then(done, done);
    return promise;
  }
}
