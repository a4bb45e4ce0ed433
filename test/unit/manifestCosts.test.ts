// The cost CodeLens text of a manifest's groups, from cached Cost Explorer data.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CostData } from '../../src/core/costs';
import { parseManifest } from '../../src/core/manifest';
import { manifestCostLenses, money } from '../../src/core/manifestCosts';

const data = (months: Array<[string, Record<string, number>]>): CostData => ({
  tagKey: 'BillingGroup',
  metric: 'UnblendedCost',
  fetchedAt: Date.UTC(2026, 10, 30),
  pages: 1,
  months: months.map(([month, amounts]) => ({ month, estimated: false, entries: Object.entries(amounts).map(([value, amount]) => ({ value, amount, unit: 'USD' })) })),
});

describe('manifest cost lenses', () => {
  const manifest = parseManifest(`{"groups": {
    "fleet-eu": {"tags": {"BillingGroup": "eu"}},
    "fleet-us": {},
    "lab": {"tags": {"team": "x"}},
    "a": {"tags": {"BillingGroup": "shared"}},
    "b": {"tags": {"BillingGroup": "shared"}}
  }}`).manifest;
  const now = new Date(Date.UTC(2026, 10, 30));

  it('last full month and month to date, matched by the cost tag, or by name where the manifest gives no tags', () => {
    const lenses = manifestCostLenses(manifest, data([['2026-09', { eu: 1 }], ['2026-10', { eu: 12.5, 'fleet-us': 3, shared: 4 }], ['2026-11', { eu: 2.25, '': 9 }]]), now);
    assert.equal(lenses.get('fleet-eu')?.title, 'Last month $12.50 · month to date $2.25 · UnblendedCost, as of 2026-11-30 00:00 UTC');
    assert.equal(lenses.get('fleet-us')?.title, 'Last month $3.00 · month to date $0.00 · UnblendedCost, as of 2026-11-30 00:00 UTC');
    assert.equal(lenses.has('lab'), false, 'no cost tag: no lens, no guess');
    assert.equal(lenses.get('a')?.title, 'Last month $4.00 · month to date $0.00 (shared with b) · UnblendedCost, as of 2026-11-30 00:00 UTC');
  });

  it('writes amounts as the costs panel does: a credit is -$0.25, another currency its symbol', () => {
    assert.equal(money(-0.25, 'USD'), '-$0.25');
    assert.equal(money(12.5, ''), '$12.50');
    assert.equal(money(3, 'EUR'), '€3.00');
  });

  it('figures of an earlier month give no lens: their month to date is not this month\'s (issue 16)', () => {
    assert.equal(manifestCostLenses(manifest, data([['2026-09', { eu: 1 }], ['2026-10', { eu: 5 }]]), now).size, 0);
    assert.equal(manifestCostLenses(manifest, data([['2026-08', { eu: 1 }]]), now).size, 0);
  });
});
