// Cost Explorer answers kept in globalState (each request costs USD 0.01): per profile, account,
// region, tag key, metric, months and services, reused across windows and restarts until
// `iotBillingGroups.costs.cacheHours` have passed. No vscode import: the manifest's CodeLens and
// the tests use it too.
import type { CostData } from '../core/costs';

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
 * The newest cached costs of a profile, account and region (any tag key, metric or months), without
 * any request: for the manifest's cost CodeLens. Map them to groups with buildCostTable/costsByGroup
 * from src/core/costs.ts. Undefined when nothing is cached or it is older than `maxAgeHours`.
 */
export function cachedCosts(memento: MementoLike, profile: string, account: string, region: string, now = Date.now(), maxAgeHours?: number): CostData | undefined {
  const found = entries(memento)
    .filter((e) => e.profile === profile && e.account === account && e.region === region)
    .filter((e) => maxAgeHours === undefined || isFresh(e, now, maxAgeHours))
    .sort((a, b) => b.data.fetchedAt - a.data.fetchedAt);
  return found[0]?.data;
}
