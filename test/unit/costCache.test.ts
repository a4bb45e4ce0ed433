// The costs cache in globalState: per profile, account, region, key, metric, months and services;
// credits and period; fresh for cacheHours; the manifest's CodeLens reads it without any request
// (test/unit/costsIssue16.test.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cachedCostsOfConnection, costCacheKey, CostCache, COSTS_CACHE_KEY, isFresh, queryCacheKey, type CostCacheKey, type MementoLike } from '../../src/costs/costCache';
import type { CostData } from '../../src/core/costs';

/** An in-memory Memento: globalState's get/update contract, stored as JSON as VS Code does. */
function memento(): MementoLike & { raw: Map<string, string> } {
  const raw = new Map<string, string>();
  return {
    raw,
    get: <T>(k: string) => (raw.has(k) ? (JSON.parse(raw.get(k) as string) as T) : undefined),
    update: async (k, v) => {
      if (v === undefined) raw.delete(k);
      else raw.set(k, JSON.stringify(v));
    },
  };
}
const data = (fetchedAt: number, tagKey = 'BillingGroup'): CostData => ({ tagKey, metric: 'UnblendedCost', months: [{ month: '2026-11', estimated: true, entries: [{ value: 'a', amount: 1, unit: 'USD' }] }], fetchedAt, pages: 1 });
const key: CostCacheKey = { profile: 'default', account: '123456789012', region: 'eu-west-1', tagKey: 'BillingGroup', metric: 'UnblendedCost', months: 6, services: ['AWS IoT', 'AWS IoT Device Management'], period: '2026-05..2026-11', credits: false };
const HOUR = 3_600_000;

describe('CostCache', () => {
  it('keeps one entry per key, any order of services', async () => {
    const m = memento();
    const c = new CostCache(m);
    await c.put(key, data(1));
    await c.put({ ...key, services: [...key.services].reverse() }, data(2));
    assert.equal(c.get(key)?.data.fetchedAt, 2);
    assert.equal((m.get<unknown[]>(COSTS_CACHE_KEY) ?? []).length, 1);
    for (const other of [{ profile: 'p2' }, { account: '210987654321' }, { region: 'us-east-1' }, { tagKey: 'CostCenter' }, { metric: 'AmortizedCost' }, { months: 3 }, { services: ['AWS IoT'] }, { period: '2026-06..2026-12' }, { credits: true }])
      assert.equal(c.get({ ...key, ...other }), undefined, JSON.stringify(other));
  });
  it('is fresh for cacheHours, not when the clock went back, never with 0 hours', () => {
    const e = { data: data(10 * HOUR) };
    assert.equal(isFresh(e, 10 * HOUR + 11 * HOUR, 12), true);
    assert.equal(isFresh(e, 10 * HOUR + 12 * HOUR, 12), false);
    assert.equal(isFresh(e, 9 * HOUR, 12), false);
    assert.equal(isFresh(e, 10 * HOUR, 0), false);
  });
  it('bounds what globalState holds', async () => {
    const m = memento();
    const c = new CostCache(m);
    for (let i = 0; i < 40; i++) await c.put({ ...key, months: (i % 12) + 1, region: `r${i}` }, data(i));
    assert.equal((m.get<unknown[]>(COSTS_CACHE_KEY) ?? []).length, 24);
    assert.equal(c.get({ ...key, months: (39 % 12) + 1, region: 'r39' })?.data.fetchedAt, 39);
  });
  it('ignores what is not an entry (an older or damaged value)', () => {
    const m = memento();
    void m.update(COSTS_CACHE_KEY, [{ nonsense: true }, 42]);
    assert.equal(new CostCache(m).get(key), undefined);
    void m.update(COSTS_CACHE_KEY, 'x');
    assert.equal(new CostCache(m).get(key), undefined);
  });
});

describe('the cache across connections (issue 17)', () => {
  const settings = { tagKey: 'BillingGroup', metric: 'UnblendedCost', months: 2, services: ['AWS IoT'], includeCreditsAndRefunds: false };
  const now = new Date('2026-11-20T10:00:00Z');
  const MGMT = '111111111111';
  const DEV = '222222222222';
  const payerQuery = {
    signer: { profile: 'default', account: MGMT, region: 'us-east-1' },
    scope: [
      { account: MGMT, regions: ['eu-west-1', 'us-east-1'] },
      { account: DEV, regions: ['eu-west-1'] },
    ],
    payer: MGMT,
  };
  const answer = (fetchedAt: number): CostData => ({
    tagKey: 'BillingGroup',
    metric: 'UnblendedCost',
    fetchedAt,
    pages: 1,
    months: [
      {
        month: '2026-11',
        estimated: true,
        entries: [
          { value: 'fleet', amount: 3, unit: 'USD', account: DEV },
          { value: 'fleet', amount: 5, unit: 'USD', account: MGMT },
          { value: '', amount: 1, unit: 'USD', account: DEV },
        ],
      },
    ],
  });

  it('one connection\'s key is the key it always had: figures cached before still serve', async () => {
    const m = memento();
    const old = costCacheKey(settings, { profile: 'default', account: MGMT, region: 'eu-west-1' }, now);
    await m.update(COSTS_CACHE_KEY, [{ ...old, data: data(5) }]); // as written before issue 17: no scope
    const c = new CostCache(m);
    const same = queryCacheKey(settings, { signer: { profile: 'default', account: MGMT, region: 'eu-west-1' }, scope: [{ account: MGMT, regions: ['eu-west-1'] }], payer: MGMT }, now);
    assert.equal(c.get(same)?.data.fetchedAt, 5);
    assert.equal(c.get({ ...same, scope: [{ account: MGMT, regions: ['eu-west-1', 'us-east-1'] }] }), undefined, 'another scope is another query');
    assert.equal(c.get({ ...same, roleArn: 'arn:aws:iam::111111111111:role/R' }), undefined, 'another signer is another query');
    assert.ok(c.get({ ...same, payer: 'anything' }), 'the payer is not part of the identity');
  });

  it('cachedCostsOfConnection finds a connection\'s figures in the payer\'s query, with only its own amounts', async () => {
    const m = memento();
    const c = new CostCache(m);
    await c.put(queryCacheKey(settings, payerQuery, now), answer(7));
    const dev = cachedCostsOfConnection(m, settings, { account: DEV, region: 'eu-west-1' }, now);
    assert.deepEqual(dev?.data.months[0].entries, [
      { value: 'fleet', amount: 3, unit: 'USD', account: DEV, region: 'eu-west-1' },
      { value: '', amount: 1, unit: 'USD', account: DEV, region: 'eu-west-1' },
    ]);
    // The management account is in two regions, grouped by account: its amounts' region is not known.
    assert.deepEqual(cachedCostsOfConnection(m, settings, { account: MGMT, region: 'us-east-1' }, now)?.data.months[0].entries, [{ value: 'fleet', amount: 5, unit: 'USD', account: MGMT }]);
    assert.equal(cachedCostsOfConnection(m, settings, { account: DEV, region: 'us-east-1' }, now), undefined, 'a place the query did not cover');
    assert.equal(cachedCostsOfConnection(m, { ...settings, metric: 'AmortizedCost' }, { account: DEV, region: 'eu-west-1' }, now), undefined, 'another metric');
    assert.equal(cachedCostsOfConnection(m, settings, { account: DEV, region: 'eu-west-1' }, new Date('2026-12-01T00:00:00Z')), undefined, 'another period');
  });

  it('cachedCostsOfConnection takes the most recent answer covering the place, and reads one connection\'s own key', async () => {
    const m = memento();
    const c = new CostCache(m);
    await c.put(queryCacheKey(settings, payerQuery, now), answer(7));
    await c.put(costCacheKey(settings, { profile: 'dev', account: DEV, region: 'eu-west-1' }, now), { ...data(9), months: [{ month: '2026-11', estimated: true, entries: [{ value: 'mine', amount: 2, unit: 'USD' }] }] });
    const found = cachedCostsOfConnection(m, settings, { account: DEV, region: 'eu-west-1' }, now);
    assert.equal(found?.data.fetchedAt, 9);
    assert.deepEqual(found?.data.months[0].entries, [{ value: 'mine', amount: 2, unit: 'USD', account: DEV, region: 'eu-west-1' }]);
  });
});
