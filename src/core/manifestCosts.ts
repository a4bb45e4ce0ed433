// The cost CodeLens of a manifest: from costs already cached (src/costs; no request), each group's
// last full month and month to date, with the figures' metric and "as of", as Infracost shows costs
// above Terraform resources.
import { buildCostTable, costsByGroup, formatAmount, utcMonth, type CostData } from './costs';
import type { Manifest } from './manifest';

export interface GroupCostLens {
  lastFullMonth?: number;
  monthToDate?: number;
  currency: string;
  title: string;
}

const yyyymm = utcMonth;

/** "as of 2026-11-30 09:12 UTC": when the figures were queried, in UTC like Cost Explorer's months. */
export function asOfUtc(fetchedAt: number): string {
  const iso = new Date(fetchedAt).toISOString();
  return `as of ${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** As the costs panel writes amounts ("$12.34", a credit "-$0.25"); no currency given means USD. */
export function money(amount: number, currency: string): string {
  return formatAmount(amount, currency || 'USD');
}

/**
 * Per group of the manifest that the cached costs attribute to it: the amounts of the month before
 * `now` and of `now`'s month, then the metric and "as of". Figures whose last month is not `now`'s
 * (cached before 00:00 UTC on the 1st) give no lens: their month to date is last month's. A group
 * without `tags` in the manifest is matched by its name, as the costs panel matches groups whose tags
 * it never read.
 */
export function manifestCostLenses(manifest: Manifest, data: CostData, now: Date = new Date()): Map<string, GroupCostLens> {
  if (data.months.at(-1)?.month !== yyyymm(now)) return new Map();
  const table = buildCostTable(data, manifest.groups.map((g) => ({ name: g.name, tags: g.tags })));
  const current = yyyymm(now);
  const previous = yyyymm(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)));
  const out = new Map<string, GroupCostLens>();
  for (const [group, cost] of costsByGroup(table)) {
    const at = (month: string) => {
      const i = cost.months.indexOf(month);
      return i >= 0 ? cost.amounts[i] : undefined;
    };
    const lastFullMonth = at(previous);
    const monthToDate = at(current);
    if (lastFullMonth === undefined && monthToDate === undefined) continue;
    const parts = [
      ...(lastFullMonth !== undefined ? [`Last month ${money(lastFullMonth, cost.currency)}`] : []),
      ...(monthToDate !== undefined ? [`month to date ${money(monthToDate, cost.currency)}`] : []),
    ];
    const shared = cost.sharedWith.length > 0 ? ` (shared with ${cost.sharedWith.join(', ')})` : '';
    const title = `${parts.join(' · ').replace(/^m/, 'M')}${shared} · ${data.metric}, ${asOfUtc(data.fetchedAt)}`;
    out.set(group, { lastFullMonth, monthToDate, currency: cost.currency, title });
  }
  return out;
}
