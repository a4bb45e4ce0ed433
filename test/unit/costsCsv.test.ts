// CSV export: RFC 4180, formula cells made inert, plain numbers, a lossless round trip.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { buildCostTable, type CostData } from '../../src/core/costs';
import { costsCsv, CSV_HEADER, csvField, inertCell, parseCsv, plainNumber, uninertCell } from '../../src/core/costsCsv';
import { anyChar, NUM_RUNS } from './arbitraries';

const data = (entries: { value: string; amount: number }[][], tagKey = 'BillingGroup'): CostData => ({
  tagKey,
  metric: 'UnblendedCost',
  months: entries.map((es, i) => ({ month: `2026-${String(10 + i)}`, estimated: i === entries.length - 1, entries: es.map((x) => ({ ...x, unit: 'USD' })) })),
  fetchedAt: 0,
  pages: 1,
});

describe('CSV cells', () => {
  it('makes formula starts inert, and a leading quote too so the round trip is exact', () => {
    for (const s of ['=SUM(A1)', '+1', '-1', '@cmd', '\tx', '\rx', "'already"]) {
      assert.equal(inertCell(s), `'${s}`);
      assert.equal(uninertCell(inertCell(s)), s);
    }
    assert.equal(inertCell('Sensors'), 'Sensors');
    assert.equal(inertCell(''), '');
  });
  it('quotes fields with commas, quotes, CR or LF only', () => {
    assert.equal(csvField('a'), 'a');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('a\nb'), '"a\nb"');
    assert.equal(csvField('a\rb'), '"a\rb"');
  });
  it('writes plain numbers, negative for credits, never exponents', () => {
    assert.equal(plainNumber(12.34), '12.34');
    assert.equal(plainNumber(-0.5), '-0.5');
    assert.equal(plainNumber(1e-7), '0.0000001');
    assert.equal(plainNumber(1e21), '1000000000000000000000');
    assert.equal(plainNumber(0), '0');
    assert.equal(plainNumber(-1e-12), '0');
    assert.equal(plainNumber(Number.NaN), '0');
  });
});

describe('costsCsv', () => {
  it('writes a BOM, then one record per row and month with a header, CRLF line ends', () => {
    const t = buildCostTable(data([[{ value: 'Sensors', amount: 10 }, { value: '', amount: 1 }], [{ value: 'Sensors', amount: -2.5 }]]), [{ name: 'Sensors' }]);
    assert.equal(
      costsCsv(t),
      '\uFEFFgroup,tag value,month,amount,currency,estimated\r\n' +
        'Sensors,Sensors,2026-10,10,USD,false\r\n' +
        'Sensors,Sensors,2026-11,-2.5,USD,true\r\n' +
        ',,2026-10,1,USD,false\r\n' +
        ',,2026-11,0,USD,true\r\n',
    );
  });
  it('names every group of a shared value', () => {
    const t = buildCostTable(data([[{ value: 'fin', amount: 1 }]]), [
      { name: 'A', tags: [{ key: 'BillingGroup', value: 'fin' }] },
      { name: 'B', tags: [{ key: 'BillingGroup', value: 'fin' }] },
    ]);
    assert.equal(parseCsv(costsCsv(t))[1][0], 'A; B');
  });
  it('round-trips hostile names and values exactly, and no text cell starts a formula', () => {
    const hostile = fc.oneof(
      fc.constantFrom('=HYPERLINK("http://x")', '+1', '-2', '@SUM(1)', '\tx', '\rx', "'=1", 'a,b', '"q"', 'l1\r\nl2', '\n', ''),
      fc.array(fc.oneof(anyChar, fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '"', ',', "'")), { maxLength: 8 }).map((cs) => cs.join('')),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.record({ value: hostile, amount: fc.integer({ min: -1_000_000, max: 1_000_000 }).map((c) => c / 100) }), { maxLength: 6 }), { minLength: 1, maxLength: 3 }),
        fc.array(hostile.filter((n) => n !== ''), { maxLength: 5 }),
        (entries, names) => {
          const t = buildCostTable(data(entries), names.map((name) => ({ name })));
          const records = parseCsv(costsCsv(t));
          assert.deepEqual(records[0], [...CSV_HEADER]);
          const body = records.slice(1);
          assert.equal(body.length, t.rows.length * t.months.length);
          body.forEach((rec, k) => {
            assert.equal(rec.length, 6);
            const row = t.rows[Math.floor(k / t.months.length)];
            const i = k % t.months.length;
            for (const cell of [rec[0], rec[1], rec[4]]) assert.doesNotMatch(cell, /^[=+\-@\t\r]/);
            assert.equal(uninertCell(rec[1]), row.value);
            assert.equal(uninertCell(rec[0]), row.kind === 'group' || row.kind === 'shared' ? row.groups.join('; ') : '');
            assert.equal(rec[2], t.months[i]);
            assert.equal(Number(rec[3]), Math.abs(row.amounts[i]) < 5e-11 ? 0 : Number(row.amounts[i].toFixed(10)));
            assert.match(rec[3], /^-?\d+(\.\d+)?$/);
            assert.equal(rec[5], String(t.estimated[i]));
          });
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
