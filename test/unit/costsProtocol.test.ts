// The costs panel's messages and model: only known messages pass, figures arrive formatted.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildCostTable } from '../../src/core/costs';
import { panelModel, parseCostsMessage } from '../../src/core/costsProtocol';

describe('parseCostsMessage', () => {
  it('accepts the known types and keeps nothing else', () => {
    for (const type of ['ready', 'refresh', 'export', 'setUp', 'action']) assert.deepEqual(parseCostsMessage({ type, extra: 1, __proto__: { x: 1 } }), { ok: true, msg: { type } });
  });
  it('refuses anything else', () => {
    for (const m of [null, 1, 'ready', [], {}, { type: 'run' }, { type: 1 }, { type: 'constructor' }, { type: 'toString' }]) assert.equal(parseCostsMessage(m).ok, false, JSON.stringify(m));
  });
});

describe('panelModel', () => {
  it('names each row for its data- attribute and formats every figure', () => {
    const t = buildCostTable(
      {
        tagKey: 'BillingGroup',
        metric: 'UnblendedCost',
        months: [
          { month: '2026-10', estimated: false, entries: [{ value: 'Sensors', amount: 12.345, unit: 'USD' }, { value: 'fin', amount: 2, unit: 'USD' }, { value: '', amount: 1, unit: 'USD' }] },
          { month: '2026-11', estimated: true, entries: [{ value: 'gone', amount: -0.5, unit: 'USD' }] },
        ],
        fetchedAt: 0,
        pages: 1,
      },
      [{ name: 'Sensors' }, { name: 'A', tags: [{ key: 'BillingGroup', value: 'fin' }] }, { name: 'B', tags: [{ key: 'BillingGroup', value: 'fin' }] }],
    );
    const m = panelModel(t, { metric: 'UnblendedCost', asOf: 'as of now', focus: 'Sensors' });
    assert.deepEqual(
      m.rows.map((r) => [r.kind, r.value, r.cells.map((c) => c.text), r.totalText]),
      [
        ['group', 'Sensors', ['$12.35', '$0.00'], '$12.35'],
        ['shared', 'fin', ['$2.00', '$0.00'], '$2.00'],
        ['unmatched', 'gone', ['$0.00', '-$0.50'], '-$0.50'],
        ['unallocated', '', ['$1.00', '$0.00'], '$1.00'],
      ],
    );
    assert.match(m.rows[1].title, /shared by A, B/);
    assert.match(m.rows[3].title, /without the tag/);
    assert.deepEqual(m.monthTotals.map((c) => c.text), ['$15.35', '-$0.50']);
    assert.equal(m.totalText, '$14.85');
    assert.deepEqual(m.estimated, [false, true]);
    assert.equal(m.focus, 'Sensors');
    assert.deepEqual(m.series.map((s) => s.kind), ['row', 'row', 'row', 'unallocated']);
  });
});
