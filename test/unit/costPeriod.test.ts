// The query's period: N full months plus the current month to date, never empty, in UTC.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { clampMonths, costPeriod, monthOf } from '../../src/core/costPeriod';
import { NUM_RUNS } from './arbitraries';

const day = (s: string) => new Date(`${s}T12:00:00Z`);

describe('costPeriod', () => {
  it('covers six full months and the current month to date (today included)', () => {
    assert.deepEqual(costPeriod(day('2026-11-30'), 6), {
      start: '2026-05-01',
      end: '2026-12-01',
      months: ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'],
    });
  });
  it('on the 1st of a month the current month is one day long, never Start = End', () => {
    const p = costPeriod(day('2026-12-01'), 1);
    assert.deepEqual(p, { start: '2026-11-01', end: '2026-12-02', months: ['2026-11', '2026-12'] });
    assert.notEqual(p.start, p.end);
  });
  it('crosses the year and February of a leap year', () => {
    assert.deepEqual(costPeriod(day('2028-02-29'), 3), {
      start: '2027-11-01',
      end: '2028-03-01',
      months: ['2027-11', '2027-12', '2028-01', '2028-02'],
    });
    assert.deepEqual(costPeriod(day('2027-01-01'), 12).start, '2026-01-01');
    assert.deepEqual(costPeriod(day('2026-12-31'), 2).end, '2027-01-01');
  });
  it('takes the day in UTC, whatever the local hour', () => {
    assert.equal(costPeriod(new Date('2026-03-31T23:59:59Z'), 1).end, '2026-04-01');
    assert.equal(costPeriod(new Date('2026-04-01T00:00:00Z'), 1).end, '2026-04-02');
  });
  it('clamps the months setting to 1–12', () => {
    assert.equal(clampMonths(0), 1);
    assert.equal(clampMonths(13), 12);
    assert.equal(clampMonths(3.7), 3);
    assert.equal(clampMonths('6'), 6);
    assert.equal(clampMonths(Number.NaN), 6);
  });
  it('any day and months: Start < End, Start the 1st, months consecutive and the last holds today', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }), fc.integer({ min: -2, max: 15 }), (today, n) => {
        const p = costPeriod(today, n);
        assert.ok(p.start < p.end, `${p.start} < ${p.end}`);
        assert.match(p.start, /^\d{4}-\d{2}-01$/);
        assert.equal(p.months.length, clampMonths(n) + 1);
        assert.equal(p.months[0], monthOf(p.start));
        const todayIso = today.toISOString().slice(0, 10);
        assert.equal(p.months[p.months.length - 1], todayIso.slice(0, 7));
        assert.ok(todayIso < p.end && p.end <= nextMonthStart(todayIso));
        for (let i = 1; i < p.months.length; i++) assert.equal(p.months[i], nextMonth(p.months[i - 1]));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

function nextMonth(ym: string): string {
  const [y, m] = ym.split('-').map(Number);
  return m === 12 ? `${String(y + 1).padStart(4, '0')}-01` : `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}`;
}
function nextMonthStart(iso: string): string {
  return `${nextMonth(iso.slice(0, 7))}-01`;
}
