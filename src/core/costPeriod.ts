// The time period of the one Cost Explorer query: the last N full months plus the current month to
// date, in UTC (Cost Explorer's days are UTC days). Start is inclusive, End exclusive (YYYY-MM-DD).

export const COST_MONTHS_MIN = 1;
export const COST_MONTHS_MAX = 12;
export const COST_MONTHS_DEFAULT = 6;

export interface CostPeriod {
  /** First day of the oldest full month. */
  start: string;
  /**
   * The day after today. End is exclusive, so the current month always holds at least today: on the
   * 1st of a month an End of today would make the current month's period empty (Start = End, which
   * Cost Explorer rejects) and hide today's usage.
   */
  end: string;
  /** YYYY-MM of every month in the period, oldest first; the last is the current month. */
  months: string[];
}

/** The setting's value made valid: a whole number of months in 1–12 (the default when unusable). */
export function clampMonths(value: unknown): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : COST_MONTHS_DEFAULT;
  return Math.min(COST_MONTHS_MAX, Math.max(COST_MONTHS_MIN, n));
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** YYYY-MM-DD of a UTC date. */
export function isoDay(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** YYYY-MM of the UTC month `offset` months from (year, month0). */
function monthLabel(year: number, month0: number, offset: number): string {
  const d = new Date(Date.UTC(year, month0 + offset, 1));
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}`;
}

/** The period for `fullMonths` full months before the month of `today` (taken in UTC), plus that month to date. */
export function costPeriod(today: Date, fullMonths: number): CostPeriod {
  const n = clampMonths(fullMonths);
  const y = today.getUTCFullYear();
  const m = today.getUTCMonth();
  const start = new Date(Date.UTC(y, m - n, 1));
  const end = new Date(Date.UTC(y, m, today.getUTCDate() + 1));
  const months: string[] = [];
  for (let i = -n; i <= 0; i++) months.push(monthLabel(y, m, i));
  return { start: isoDay(start), end: isoDay(end), months };
}

/** YYYY-MM of a period start such as "2026-11-01" (Cost Explorer's TimePeriod.Start), or undefined. */
export function monthOf(day: string): string | undefined {
  const m = /^(\d{4})-(\d{2})(?:-\d{2})?/.exec(day);
  return m ? `${m[1]}-${m[2]}` : undefined;
}

/** The period's months as one text ("2026-06..2026-12"): part of the cache key, so a new month is a new key. */
export function periodKey(period: CostPeriod): string {
  return `${period.months[0] ?? ''}..${period.months[period.months.length - 1] ?? ''}`;
}
