// Cost arithmetic: TAG groups to billing-group rows, shared values, Unallocated, totals, the chart.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import {
  buildCostTable,
  chartSeries,
  costsByGroup,
  effectiveValue,
  formatAmount,
  hasTaggedUsage,
  rowLabel,
  tagValueOfKey,
  type CostData,
  type CostEntry,
  type KnownGroup,
} from '../../src/core/costs';
import { anyChar, NUM_RUNS } from './arbitraries';

const e = (value: string, amount: number, unit = 'USD'): CostEntry => ({ value, amount, unit });
const data = (months: { month: string; estimated?: boolean; entries: CostEntry[] }[], tagKey = 'BillingGroup'): CostData => ({
  tagKey,
  metric: 'UnblendedCost',
  months: months.map((m) => ({ estimated: false, ...m })),
  fetchedAt: 0,
  pages: 1,
});

describe('tagValueOfKey', () => {
  it('reads the value after the key and its "$"', () => {
    assert.equal(tagValueOfKey('BillingGroup$Sensors-Lyon'), 'Sensors-Lyon');
    assert.equal(tagValueOfKey('BillingGroup$'), '');
    assert.equal(tagValueOfKey('CostCenter$a$b'), 'a$b');
  });
});

describe('effectiveValue', () => {
  it('known tags decide; unknown tags follow the convention <key>=<group name>', () => {
    assert.equal(effectiveValue({ name: 'g', tags: [{ key: 'CostCenter', value: 'fin' }] }, 'CostCenter'), 'fin');
    assert.equal(effectiveValue({ name: 'g', tags: [{ key: 'Other', value: 'x' }] }, 'CostCenter'), undefined);
    assert.equal(effectiveValue({ name: 'g' }, 'CostCenter'), 'g');
  });
});

describe('buildCostTable', () => {
  const groups: KnownGroup[] = [
    { name: 'Sensors' },
    { name: 'Pumps', tags: [{ key: 'BillingGroup', value: 'Pumps' }] },
    { name: 'A', tags: [{ key: 'BillingGroup', value: 'finance' }] },
    { name: 'B', tags: [{ key: 'BillingGroup', value: 'finance' }] },
    { name: 'Untagged', tags: [] },
  ];
  const d = data([
    { month: '2026-10', entries: [e('Sensors', 10), e('finance', 4), e('', 1.5), e('ghost', 2)] },
    { month: '2026-11', estimated: true, entries: [e('Sensors', 3.25), e('Pumps', 7), e('', 0.5), e('Untagged', 1)] },
  ]);
  const t = buildCostTable(d, groups);

  it('makes one row per value: group, shared, unmatched and Unallocated last', () => {
    assert.deepEqual(
      t.rows.map((r) => [r.kind, r.value, r.groups]),
      [
        ['group', 'Sensors', ['Sensors']],
        ['group', 'Pumps', ['Pumps']],
        ['shared', 'finance', ['A', 'B']],
        ['unmatched', 'ghost', []],
        // "Untagged" is known to lack the key: its name is not its value.
        ['unmatched', 'Untagged', []],
        ['unallocated', '', []],
      ],
    );
    assert.deepEqual(t.rows[0].amounts, [10, 3.25]);
    assert.equal(t.rows[0].total, 13.25);
  });
  it('sums months and the whole, and keeps the months with their estimated flags', () => {
    assert.deepEqual(t.months, ['2026-10', '2026-11']);
    assert.deepEqual(t.estimated, [false, true]);
    assert.deepEqual(t.monthTotals, [17.5, 11.75]);
    assert.equal(t.total, 29.25);
    assert.equal(t.currency, 'USD');
  });
  it('labels rows for people', () => {
    assert.deepEqual(t.rows.map(rowLabel), ['Sensors', 'Pumps', 'finance (shared by A, B)', 'ghost (no billing group)', 'Untagged (no billing group)', 'Unallocated']);
  });
  it('gives each group its figures, shared ones naming the others', () => {
    const by = costsByGroup(t);
    assert.equal(by.get('Sensors')?.monthToDate, 3.25);
    assert.deepEqual(by.get('A')?.sharedWith, ['B']);
    assert.equal(by.get('A')?.monthToDate, 0);
    assert.equal(by.has('Untagged'), false);
  });
  it('knows whether any usage carries the tag', () => {
    assert.equal(hasTaggedUsage(d), true);
    assert.equal(hasTaggedUsage(data([{ month: '2026-11', entries: [e('', 3)] }])), false);
    assert.equal(hasTaggedUsage(data([{ month: '2026-11', entries: [] }])), false);
  });
  it('takes the currency of the response', () => {
    assert.equal(buildCostTable(data([{ month: '2026-11', entries: [e('x', 1, 'EUR')] }]), []).currency, 'EUR');
    assert.equal(buildCostTable(data([{ month: '2026-11', entries: [] }]), []).currency, 'USD');
  });
});

describe('chartSeries', () => {
  it('shows the ten largest rows, the rest as Other, and Unallocated', () => {
    const entries = Array.from({ length: 13 }, (_, i) => e(`g${i}`, i + 1));
    const t = buildCostTable(data([{ month: '2026-11', entries: [...entries, e('', 100)] }]), []);
    const s = chartSeries(t);
    assert.equal(s.length, 12);
    assert.deepEqual(s.slice(0, 3).map((x) => x.label), ['g12 (no billing group)', 'g11 (no billing group)', 'g10 (no billing group)']);
    assert.deepEqual(s[10], { kind: 'other', label: 'Other (3)', amounts: [6] });
    assert.deepEqual(s[11], { kind: 'unallocated', label: 'Unallocated', amounts: [100] });
  });
  it('has no Other when ten rows or fewer', () => {
    const t = buildCostTable(data([{ month: '2026-11', entries: [e('a', 1), e('b', 2)] }]), []);
    assert.deepEqual(chartSeries(t).map((x) => x.kind), ['row', 'row']);
  });
});

describe('formatAmount', () => {
  it('writes the currency', () => {
    assert.equal(formatAmount(12.345, 'USD'), '$12.35');
    assert.equal(formatAmount(-0.5, 'USD'), '-$0.50');
    assert.equal(formatAmount(3, 'EUR'), '€3.00');
    assert.equal(formatAmount(-0, 'USD'), '$0.00');
    assert.equal(formatAmount(1, 'not a currency'), '1.00 not a currency');
  });
});

// ---- properties ----
const valuePool = fc.oneof(
  fc.constantFrom('', 'Sensors', 'finance', 'a', 'A', 'Other', 'Unallocated', '=1+2', "'quoted", 'x,y', 'line\r\nbreak'),
  fc.array(anyChar, { maxLength: 6 }).map((cs) => cs.join('')),
);
const amount = fc.oneof(fc.integer({ min: -100_000, max: 1_000_000 }).map((c) => c / 100), fc.double({ min: -1e4, max: 1e6, noNaN: true, noDefaultInfinity: true }));
const costData = fc
  .array(fc.array(fc.record({ value: valuePool, amount, unit: fc.constant('USD') }), { maxLength: 12 }), { minLength: 1, maxLength: 7 })
  .map((ms) => data(ms.map((entries, i) => ({ month: `2026-${String(i + 1).padStart(2, '0')}`, estimated: i === ms.length - 1, entries }))));
// Billing group names are unique in a region.
const knownGroups = fc.uniqueArray(
  fc.record(
    { name: valuePool.filter((v) => v !== ''), tags: fc.option(fc.array(fc.record({ key: fc.constantFrom('BillingGroup', 'Other'), value: valuePool }), { maxLength: 2 }), { nil: undefined }) },
    { requiredKeys: ['name'] },
  ),
  { maxLength: 8, selector: (g) => g.name },
);

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

describe('cost table properties', () => {
  it('every amount lands in exactly one row, and totals are the sums', () => {
    fc.assert(
      fc.property(costData, knownGroups, (d, groups) => {
        const t = buildCostTable(d, groups);
        const values = new Set(d.months.flatMap((m) => m.entries.map((x) => x.value)));
        assert.equal(t.rows.length, values.size);
        assert.equal(new Set(t.rows.map((r) => r.value)).size, t.rows.length);
        d.months.forEach((m, i) => {
          for (const v of values) {
            const expected = m.entries.filter((x) => x.value === v).reduce((a, x) => a + x.amount, 0);
            const rows = t.rows.filter((r) => r.value === v);
            assert.equal(rows.length, 1);
            assert.equal(rows[0].amounts[i], expected);
          }
          assert.ok(close(t.monthTotals[i], m.entries.reduce((a, x) => a + x.amount, 0)));
        });
        for (const r of t.rows) assert.ok(close(r.total, r.amounts.reduce((a, b) => a + b, 0)));
        assert.ok(close(t.total, t.monthTotals.reduce((a, b) => a + b, 0)));
        // A billing group is named by at most one row.
        const named = t.rows.flatMap((r) => r.groups);
        assert.equal(new Set(named).size, named.length);
        // Unallocated is the one row of the empty value, and the last.
        t.rows.forEach((r, i) => {
          assert.equal(r.kind === 'unallocated', r.value === '');
          if (r.kind === 'unallocated') assert.equal(i, t.rows.length - 1);
          assert.equal(r.kind === 'group', r.groups.length === 1);
          assert.equal(r.kind === 'shared', r.groups.length > 1);
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });
  it('the chart shows every amount once: its stacks add up to the month totals', () => {
    fc.assert(
      fc.property(costData, knownGroups, fc.integer({ min: 0, max: 12 }), (d, groups, top) => {
        const t = buildCostTable(d, groups);
        const s = chartSeries(t, top);
        assert.ok(s.length <= top + 2);
        t.months.forEach((_, i) => assert.ok(close(s.reduce((a, x) => a + x.amounts[i], 0), t.monthTotals[i])));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
