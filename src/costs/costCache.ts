// Cost Explorer answers kept in globalState (each request costs USD 0.01): per profile, account,
// region, tag key, metric, months, services, credits and refunds, and period, reused across windows and restarts until
// `iotBillingGroups.costs.cacheHours` have passed. No vscode import: the manifest's CodeLens and
// the tests use it too.
import type { CostData } from '../core/costs';
import { costPeriod, periodKey } from '../core/costPeriod';

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
  profile: string;
  account: string;
  region: string;
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

export interface CostCacheEntry extends CostCacheKey {
  data: CostData;
}

function sameKey(a: CostCacheKey, b: CostCacheKey): boolean {
  return (
    a.profile === b.profile &&
    a.account === b.account &&
    a.region === b.region &&
    a.tagKey === b.tagKey &&
    a.metric === b.metric &&
    a.months === b.months &&
    a.period === b.period &&
    a.credits === b.credits &&
    a.services.length === b.services.length &&
    [...a.services].sort().every((s, i) => s === [...b.services].sort()[i])
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
    const next = [{ ...key, services: [...key.services], data }, ...others].slice(0, MAX_ENTRIES);
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
