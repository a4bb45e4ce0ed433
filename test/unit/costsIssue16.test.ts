// Issue 16, costs: what AWS really means, checked where the logic is pure. The period in the cache
// key (the 1st of a month at 00:00 UTC), credits and refunds (RECORD_TYPE), the Net* metrics, the
// partition (GovCloud, China), the backfill's warning, the CodeLens's "as of" and metric, the CSV's
// BOM, the Unallocated explanation and a forced Refresh during a load.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { costAndUsageInput } from '../../src/aws/costExplorer/costExplorerService';
import { backfillConfirmation, costsPartition } from '../../src/core/costAllocation';
import { costPeriod } from '../../src/core/costPeriod';
import {
  buildCostTable,
  COST_METRIC_MEANINGS,
  COST_METRICS,
  creditsNote,
  currentMonthCosts,
  NEVER_ATTRIBUTED_CHARGES,
  unallocatedExplanation,
  type CostData,
} from '../../src/core/costs';
import { costsCsv, parseCsv } from '../../src/core/costsCsv';
import { panelModel } from '../../src/core/costsProtocol';
import { parseManifest } from '../../src/core/manifest';
import { manifestCostLenses } from '../../src/core/manifestCosts';
import { cachedFor, costCacheKey, CostCache, LoadGate, type MementoLike } from '../../src/costs/costCache';
import { NUM_RUNS } from './arbitraries';

const ROOT = path.join(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, Record<string, unknown>> } } };
const nls = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const setting = (name: string) => pkg.contributes.configuration.properties[`iotBillingGroups.costs.${name}`];
const localized = (v: unknown) => (typeof v === 'string' && /^%.+%$/.test(v) ? nls[v.slice(1, -1)] : v);

function memento(): MementoLike {
  const raw = new Map<string, string>();
  return { get: <T>(k: string) => (raw.has(k) ? (JSON.parse(raw.get(k) as string) as T) : undefined), update: async (k, v) => void raw.set(k, JSON.stringify(v)) };
}

const settings = { tagKey: 'BillingGroup', metric: 'UnblendedCost', months: 2, services: ['AWS IoT'], includeCreditsAndRefunds: false };
const where = { profile: 'default', account: '123456789012', region: 'eu-west-1' };

/** Figures of the period that `at` falls in: `mtd` is the current month's amount of group "a". */
function dataAt(at: Date, mtd: number, extra: Partial<CostData> = {}): CostData {
  const p = costPeriod(at, 2);
  return {
    tagKey: 'BillingGroup',
    metric: 'UnblendedCost',
    fetchedAt: at.getTime(),
    pages: 1,
    months: p.months.map((month, i) => ({ month, estimated: i === p.months.length - 1, entries: [{ value: 'a', amount: i === p.months.length - 1 ? mtd : 10 + i, unit: 'USD' }] })),
    ...extra,
  };
}

describe('the cache key holds the period: the 1st of a month at 00:00 UTC starts a new one', () => {
  const lastMinute = new Date('2026-11-30T23:59:00Z');
  const firstMinute = new Date('2026-12-01T00:00:00Z');

  it('figures cached at 23:59 on the last day are not served at 00:00 on the 1st, however fresh', async () => {
    const cache = new CostCache(memento());
    await cache.put(costCacheKey(settings, where, lastMinute), dataAt(lastMinute, 4.5));
    assert.ok(cache.get(costCacheKey(settings, where, new Date('2026-11-30T23:59:59Z'))), 'same month: served');
    assert.equal(cache.get(costCacheKey(settings, where, firstMinute)), undefined, 'a new month: not served');
  });

  it('any two instants: the same key exactly when they fall in the same UTC month', () => {
    const instant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true });
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        const same = a.toISOString().slice(0, 7) === b.toISOString().slice(0, 7);
        assert.equal(JSON.stringify(costCacheKey(settings, where, a)) === JSON.stringify(costCacheKey(settings, where, b)), same);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('credits included or not are two keys', () => {
    assert.notDeepEqual(costCacheKey(settings, where, lastMinute), costCacheKey({ ...settings, includeCreditsAndRefunds: true }, where, lastMinute));
  });

  it('the tree says "this month" only of figures whose last month is the current UTC month', () => {
    const data = dataAt(lastMinute, 4.5);
    const table = buildCostTable(data, [{ name: 'a' }]);
    assert.equal(currentMonthCosts(data, table, lastMinute).get('a')?.monthToDate, 4.5);
    assert.equal(currentMonthCosts(data, table, firstMinute).size, 0, "November's figures are not December's month to date");
  });

  it('the CodeLens reads only the figures of the current key and metric, and of this month', async () => {
    const m = memento();
    const cache = new CostCache(m);
    await cache.put(costCacheKey(settings, where, lastMinute), dataAt(lastMinute, 4.5));
    await cache.put(costCacheKey({ ...settings, metric: 'AmortizedCost' }, where, lastMinute), dataAt(lastMinute, 9, { metric: 'AmortizedCost' }));
    assert.equal(cachedFor(m, costCacheKey(settings, where, lastMinute))?.data.metric, 'UnblendedCost');
    assert.equal(cachedFor(m, costCacheKey({ ...settings, metric: 'AmortizedCost' }, where, lastMinute))?.data.metric, 'AmortizedCost');
    assert.equal(cachedFor(m, costCacheKey({ ...settings, metric: 'NetAmortizedCost' }, where, lastMinute)), undefined);
    assert.equal(cachedFor(m, costCacheKey({ ...settings, tagKey: 'costCenter' }, where, lastMinute)), undefined);
    assert.equal(cachedFor(m, costCacheKey(settings, where, firstMinute)), undefined);
  });
});

describe('the manifest cost CodeLens', () => {
  const manifest = parseManifest('{"groups": {"a": {}, "b": {"tags": {"team": "x"}}}}').manifest;
  const now = new Date('2026-11-30T23:59:00Z');

  it('says the metric and the figures\' "as of" (UTC)', () => {
    const lenses = manifestCostLenses(manifest, dataAt(new Date('2026-11-30T09:12:00Z'), 4.5), now);
    assert.equal(lenses.get('a')?.title, 'Last month $11.00 · month to date $4.50 · UnblendedCost, as of 2026-11-30 09:12 UTC');
    assert.equal(lenses.has('b'), false);
  });

  it('shows nothing from figures of an earlier month after 00:00 UTC on the 1st', () => {
    assert.equal(manifestCostLenses(manifest, dataAt(now, 4.5), new Date('2026-12-01T00:00:00Z')).size, 0);
  });
});

describe('credits and refunds (the RECORD_TYPE dimension)', () => {
  const period = costPeriod(new Date('2026-11-30T12:00:00Z'), 1);
  const q = { tagKey: 'BillingGroup', metric: 'UnblendedCost', services: ['AWS IoT'], scope: [{ account: '123456789012', regions: ['eu-west-1'] }], period };

  it('are excluded by default: Not RECORD_TYPE in [Credit, Refund]', () => {
    const input = costAndUsageInput({ ...q, includeCreditsAndRefunds: false });
    assert.deepEqual(input.Filter.And?.at(-1), { Not: { Dimensions: { Key: 'RECORD_TYPE', Values: ['Credit', 'Refund'] } } });
  });

  it('are included when the setting says so: no RECORD_TYPE filter at all', () => {
    const input = costAndUsageInput({ ...q, includeCreditsAndRefunds: true });
    assert.equal(JSON.stringify(input).includes('RECORD_TYPE'), false);
    assert.equal(input.Filter.And?.length, 3);
  });

  it('the setting is declared: boolean, false, application scope, described, in the README', () => {
    const s = setting('includeCreditsAndRefunds');
    assert.ok(s, 'iotBillingGroups.costs.includeCreditsAndRefunds is declared');
    assert.equal(s.type, 'boolean');
    assert.equal(s.default, false);
    assert.equal(s.scope, 'application');
    assert.match(String(localized(s.markdownDescription)), /credits.*refunds/i);
    assert.match(readme, /\| `iotBillingGroups\.costs\.includeCreditsAndRefunds` \| `false` \|/);
  });

  it('the panel says which', () => {
    const data = dataAt(new Date('2026-11-30T09:12:00Z'), 1);
    assert.match(creditsNote(false), /Credits and refunds are excluded/);
    assert.match(creditsNote(true), /Credits and refunds are included/);
    const m = panelModel(buildCostTable(data, []), { metric: 'UnblendedCost', asOf: 'as of x', includesCreditsAndRefunds: false });
    assert.match(m.basis, /UnblendedCost.*Credits and refunds are excluded.*includeCreditsAndRefunds/);
  });
});

describe('metrics', () => {
  it('NetAmortizedCost and NetUnblendedCost are offered, each metric with a one-line meaning', () => {
    assert.ok(COST_METRICS.includes('NetAmortizedCost'));
    assert.ok(COST_METRICS.includes('NetUnblendedCost'));
    const s = setting('metric');
    assert.deepEqual(s.enum, [...COST_METRICS]);
    const descriptions = (s.enumDescriptions as string[]).map(localized) as string[];
    assert.equal(descriptions.length, COST_METRICS.length);
    COST_METRICS.forEach((metric, i) => {
      assert.equal(descriptions[i], COST_METRIC_MEANINGS[metric], metric);
      assert.doesNotMatch(descriptions[i], /\n/);
      assert.ok(readme.includes(`\`${metric}\`: ${COST_METRIC_MEANINGS[metric]}`), `README explains ${metric}`);
    });
  });
});

describe('the partition', () => {
  it('GovCloud from the region or the groups\' ARNs; China and aws from the region', () => {
    assert.equal(costsPartition('us-gov-west-1', []), 'aws-us-gov');
    assert.equal(costsPartition('eu-west-1', ['arn:aws-us-gov:iot:us-gov-east-1:123456789012:billinggroup/a']), 'aws-us-gov');
    assert.equal(costsPartition('cn-north-1', []), 'aws-cn');
    assert.equal(costsPartition('eu-west-1', ['arn:aws:iot:eu-west-1:123456789012:billinggroup/a']), 'aws');
  });

  it('China: the SDK sends Cost Explorer requests to its Ningxia endpoint, whatever China region the tree shows', async () => {
    for (const region of ['cn-north-1', 'cn-northwest-1']) {
      const client = new CostExplorerClient({ region, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
      try {
        const ep = await client.config.endpointProvider({ Region: region, UseFIPS: false, UseDualStack: false });
        assert.equal(ep.url.hostname, 'ce.cn-northwest-1.amazonaws.com.cn', region);
      } finally {
        client.destroy();
      }
    }
  });
});

describe('Backfill 12 Months: the warning', () => {
  it('says it applies the current status of every key of the organisation, names the inactive ones, once per 24 hours, only months the groups carried the tag', () => {
    const c = backfillConfirmation('BillingGroup', ['env', 'team', 'old:key'], '2025-12-01');
    assert.match(c.message, /Backfill .* from 2025-12-01/);
    assert.match(c.detail, /current activation status of every cost-allocation tag key of the organisation/);
    assert.match(c.detail, /inactive now.*lose.*2025-12-01.*: env, team, old:key/s);
    assert.match(c.detail, /once per 24 hours/);
    assert.match(c.detail, /only months in which the billing groups already carried "BillingGroup" gain history/);
  });
  it('names at most a few inactive keys and counts the rest; says when none is inactive', () => {
    const many = Array.from({ length: 30 }, (_, i) => `k${i}`);
    assert.match(backfillConfirmation('BillingGroup', many, '2025-12-01').detail, /k0, k1, .*k9 and 20 more/);
    assert.match(backfillConfirmation('BillingGroup', [], '2025-12-01').detail, /No key is inactive now/);
  });
});

describe('CSV', () => {
  it('starts with a UTF-8 BOM (so spreadsheets read the names as UTF-8); the parser takes it off', () => {
    const csv = costsCsv(buildCostTable(dataAt(new Date('2026-11-30T09:00:00Z'), 1), [{ name: 'a' }]));
    assert.equal(csv.charCodeAt(0), 0xfeff);
    assert.deepEqual(parseCsv(csv)[0], ['group', 'tag value', 'month', 'amount', 'currency', 'estimated']);
    assert.equal(Buffer.from(csv, 'utf8').subarray(0, 3).toString('hex'), 'efbbbf');
  });
});

describe('Unallocated', () => {
  it('the explanation lists each charge AWS never attributes through billing groups, with why', () => {
    assert.ok(NEVER_ATTRIBUTED_CHARGES.length > 0);
    const text = unallocatedExplanation();
    for (const c of NEVER_ATTRIBUTED_CHARGES) assert.ok(text.includes(`${c.charge}: ${c.why}`), c.charge);
    const m = panelModel(buildCostTable({ ...dataAt(new Date('2026-11-30T09:00:00Z'), 1), months: [{ month: '2026-11', estimated: true, entries: [{ value: '', amount: 2, unit: 'USD' }] }] }, []), { metric: 'UnblendedCost', asOf: 'x' });
    assert.deepEqual(m.unattributed, NEVER_ATTRIBUTED_CHARGES.map((c) => ({ ...c })));
    assert.equal(m.rows[0].title, unallocatedExplanation());
  });
});

describe('a forced Refresh during a load', () => {
  it('joins a load that queries: one billed query, not two', async () => {
    const gate = new LoadGate<{ fromCache: boolean; n: number }>();
    let queries = 0;
    let release!: () => void;
    const start = (force: boolean) =>
      new Promise<{ fromCache: boolean; n: number }>((resolve) => {
        queries++;
        release = () => resolve({ fromCache: false, n: queries });
        void force;
      });
    const first = gate.run(false, start);
    const forced = gate.run(true, start);
    release();
    assert.deepEqual(await Promise.all([first, forced]), [{ fromCache: false, n: 1 }, { fromCache: false, n: 1 }]);
    assert.equal(queries, 1);
  });
  it('after a load answered from the cache, the forced one queries once', async () => {
    const gate = new LoadGate<{ fromCache: boolean }>();
    const calls: boolean[] = [];
    const start = async (force: boolean) => {
      calls.push(force);
      return { fromCache: !force };
    };
    const results = await Promise.all([gate.run(false, start), gate.run(true, start), gate.run(true, start)]);
    assert.deepEqual(calls, [false, true]);
    assert.deepEqual(results.map((r) => r.fromCache), [true, false, false]);
  });
});
