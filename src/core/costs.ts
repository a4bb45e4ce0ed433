// Cost arithmetic: Cost Explorer's TAG groups ("KEY$VALUE") mapped to billing groups, totals, the
// chart's series and the tree's month-to-date figures. Every amount lands in exactly one row.
// Across connections (issue 17) each amount is placed under its connection first: its account and
// region (src/core/costQueries.ts says how an answer tells them), and its value is matched to that
// connection's groups.
import { locateEntry, type CostScope } from './costQueries';
import type { Tag } from './types';
import { UNATTRIBUTED_CHARGES, type UnattributedCharge } from './unattributedCharges';

export const COST_METRICS = ['UnblendedCost', 'AmortizedCost', 'NetUnblendedCost', 'NetAmortizedCost', 'BlendedCost'] as const;
export type CostMetric = (typeof COST_METRICS)[number];
/**
 * One line per metric, as the setting's enumDescriptions and the README say it (after the Billing and
 * Cost Management user guide, "Understanding your AWS Cost Datasets": unblended, amortized, net, blended).
 */
export const COST_METRIC_MEANINGS: Readonly<Record<CostMetric, string>> = {
  UnblendedCost: 'What each usage was charged, at its own rate, in the month it was charged (as on the bill).',
  AmortizedCost: 'Upfront and recurring reservation and Savings Plans fees spread over the months they cover.',
  NetUnblendedCost: 'Unblended cost after the discounts AWS applies to the bill (e.g. volume or private pricing).',
  NetAmortizedCost: 'Amortized cost after the discounts AWS applies to the bill.',
  BlendedCost: "Usage priced at the average rate of the organisation's accounts under consolidated billing.",
};
/** The setting that includes credits and refunds in the figures (excluded by default). */
export const CREDITS_SETTING = 'iotBillingGroups.costs.includeCreditsAndRefunds';

/** What the panel says of credits and refunds (Cost Explorer's RECORD_TYPE values Credit and Refund). */
export function creditsNote(included: boolean): string {
  return included
    ? `Credits and refunds are included (setting ${CREDITS_SETTING}).`
    : `Credits and refunds are excluded (setting ${CREDITS_SETTING}): the figures are the charges before them.`;
}
export const DEFAULT_COST_TAG_KEY = 'BillingGroup';
export const DEFAULT_COST_SERVICES: readonly string[] = ['AWS IoT', 'AWS IoT Device Management', 'AWS IoT Device Defender'];
/** Rows the chart shows by name; the rest are summed as "Other". */
export const CHART_TOP_ROWS = 10;

export const UNALLOCATED_LABEL = 'Unallocated';
export const UNALLOCATED_EXPLANATION =
  'Usage without the tag: things in no billing group or in groups without the tag, and usage AWS could not tie to a thing ' +
  '(a client ID other than the thing name, no certificate attached to the thing, or usage from before the tag was active).';

/** The charges AWS never attributes through billing groups (src/core/unattributedCharges.ts, after the developer guide). */
export { UNATTRIBUTED_CHARGES as NEVER_ATTRIBUTED_CHARGES, type UnattributedCharge } from './unattributedCharges';

/** What Unallocated holds: usage without the tag, then each charge AWS never attributes, with why. */
export function unallocatedExplanation(charges: readonly UnattributedCharge[] = UNATTRIBUTED_CHARGES): string {
  if (charges.length === 0) return UNALLOCATED_EXPLANATION;
  return `${UNALLOCATED_EXPLANATION} AWS never attributes these charges through billing groups: ${charges.map((c) => `${c.charge}: ${c.why}`).join(' ')}`;
}

/** One Cost Explorer group of one month: the tag's value ('' for usage without the tag) and its amount. */
export interface CostEntry {
  value: string;
  amount: number;
  /** Currency, e.g. "USD". */
  unit: string;
  /** Its account, when the answer says it (a query of several accounts grouped by LINKED_ACCOUNT) or once placed (mergeCostData). */
  account?: string;
  /** Its region, when the answer says it (grouped by REGION) or once placed; absent when not known. */
  region?: string;
}

export interface CostMonth {
  /** YYYY-MM. */
  month: string;
  /** Cost Explorer's Estimated: the period is still open. */
  estimated: boolean;
  entries: CostEntry[];
}

/** The normalised answer of the one query, as cached. */
export interface CostData {
  tagKey: string;
  metric: string;
  /** Oldest first. */
  months: CostMonth[];
  /** When the query was answered (ms since the epoch). */
  fetchedAt: number;
  /** Pages (= requests) the query took. */
  pages: number;
  /** Whether credits and refunds were in the query (RECORD_TYPE); absent in figures cached before it was asked. */
  includesCreditsAndRefunds?: boolean;
}

/** A billing group as far as the extension knows it; tags undefined when they were never read. */
export interface KnownGroup {
  name: string;
  tags?: readonly Tag[];
}

export type CostRowKind = 'group' | 'shared' | 'unmatched' | 'unallocated';

export interface CostRow {
  kind: CostRowKind;
  /** The tag value ('' for Unallocated). */
  value: string;
  /** The billing groups this value belongs to: one for "group", several for "shared", none otherwise. */
  groups: string[];
  /** One amount per month of the table, oldest first. */
  amounts: number[];
  total: number;
  // --- across connections only (buildConnectionsCostTable) ---
  /** The account of the usage. */
  account?: string;
  /** Its region; absent when not known (an account connected in several regions, asked for with other accounts, is grouped by account). */
  region?: string;
  /**
   * The connections the row belongs to: those of its account and region (several only when
   * connections share both); for a row whose region is not known, those holding its groups, or
   * (no group) every connection of the account.
   */
  connections?: string[];
  /** Per group (the order of `groups`), the connections holding it. */
  groupConnections?: string[][];
  /** Per group, its name with its connection's label, when a value is shared by groups of several connections. */
  groupLabels?: string[];
}

/** A connection as the table names it. */
export interface CostTableConnection {
  id: string;
  /** "profile @ region", as the tree names it. */
  label: string;
  account: string;
  region: string;
}

export interface CostTable {
  tagKey: string;
  months: string[];
  estimated: boolean[];
  currency: string;
  rows: CostRow[];
  monthTotals: number[];
  total: number;
  /** The connections the figures cover (across connections only): more than one shows where each row is. */
  connections?: CostTableConnection[];
}

/** A connection with its billing groups, whose figures a table places. */
export interface CostConnection extends CostTableConnection {
  groups: readonly KnownGroup[];
}

/**
 * The tag value of a Cost Explorer group key "KEY$VALUE" ('' for "KEY$", usage without the tag).
 * Tag keys cannot hold "$", so the first "$" ends the key.
 */
export function tagValueOfKey(key: string): string {
  const i = key.indexOf('$');
  return i < 0 ? key : key.slice(i + 1);
}

/**
 * The tag value a group's usage is reported under: its known tag, or (tags never read) the convention
 * `<tagKey>=<group name>`; undefined when its known tags lack the key (its usage is Unallocated).
 */
export function effectiveValue(group: KnownGroup, tagKey: string): string | undefined {
  if (group.tags === undefined) return group.name;
  return group.tags.find((t) => t.key === tagKey)?.value;
}

/** Billing groups per tag value. */
export function groupsByValue(groups: readonly KnownGroup[], tagKey: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const g of groups) {
    const v = effectiveValue(g, tagKey);
    if (v === undefined || v === '') continue;
    const list = out.get(v) ?? [];
    if (!list.includes(g.name)) list.push(g.name);
    out.set(v, list);
  }
  for (const list of out.values()) list.sort(compareText);
  return out;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The row kind of a value, given the groups it belongs to. */
function kindOf(value: string, groups: readonly string[]): CostRowKind {
  if (value === '') return 'unallocated';
  if (groups.length === 1) return 'group';
  return groups.length > 1 ? 'shared' : 'unmatched';
}

/** Where an amount goes: its row's identity and what the row says of it. */
interface Placement {
  key: string;
  kind: CostRowKind;
  groups: string[];
  where?: Pick<CostRow, 'account' | 'region' | 'connections' | 'groupConnections' | 'groupLabels'>;
}

/** Rows from placed amounts: amounts per month, totals; largest first, Unallocated last (then by value and place). */
function tabulate(data: CostData, place: (e: CostEntry) => Placement, order: (r: CostRow) => string = () => ''): Omit<CostTable, 'connections'> {
  const months = data.months.map((m) => m.month);
  const rows = new Map<string, CostRow>();
  let currency = '';
  data.months.forEach((m, i) => {
    for (const e of m.entries) {
      if (!currency && e.unit) currency = e.unit;
      const p = place(e);
      let row = rows.get(p.key);
      if (!row) {
        row = { kind: p.kind, value: e.value, groups: [...p.groups], amounts: months.map(() => 0), total: 0, ...(p.where ?? {}) };
        rows.set(p.key, row);
      }
      row.amounts[i] += e.amount;
    }
  });
  for (const r of rows.values()) r.total = sum(r.amounts);
  const sorted = [...rows.values()].sort(
    (a, b) => Number(a.kind === 'unallocated') - Number(b.kind === 'unallocated') || b.total - a.total || compareText(a.value, b.value) || compareText(order(a), order(b)),
  );
  const monthTotals = months.map((_, i) => sum(sorted.map((r) => r.amounts[i])));
  return {
    tagKey: data.tagKey,
    months,
    estimated: data.months.map((m) => m.estimated),
    currency: currency || 'USD',
    rows: sorted,
    monthTotals,
    total: sum(monthTotals),
  };
}

/** The table of one connection's figures: one row per tag value seen (an entry's account and region are not looked at). */
export function buildCostTable(data: CostData, groups: readonly KnownGroup[]): CostTable {
  const byValue = groupsByValue(groups, data.tagKey);
  return tabulate(data, (e) => {
    const g = e.value === '' ? [] : (byValue.get(e.value) ?? []);
    return { key: e.value, kind: kindOf(e.value, g), groups: g };
  });
}

/**
 * The answers of several queries as one: each entry placed (its account and region from the answer's
 * second key, else from its query's scope: locateEntry), the months joined (estimated when any answer
 * says so), the oldest "as of", every page counted. Queries of one load share tag key, metric, period
 * and credits (they are in every cache key).
 */
export function mergeCostData(parts: readonly { data: CostData; scope: CostScope }[]): CostData {
  if (parts.length === 0) throw new Error('No cost answers to merge');
  const byMonth = new Map<string, CostMonth>();
  for (const { data, scope } of parts)
    for (const m of data.months) {
      const month = byMonth.get(m.month) ?? { month: m.month, estimated: false, entries: [] };
      month.estimated ||= m.estimated;
      for (const e of m.entries) month.entries.push({ value: e.value, amount: e.amount, unit: e.unit, ...locateEntry(scope, e) });
      byMonth.set(m.month, month);
    }
  const credits = parts.map((p) => p.data.includesCreditsAndRefunds);
  return {
    tagKey: parts[0].data.tagKey,
    metric: parts[0].data.metric,
    months: [...byMonth.values()].sort((a, b) => compareText(a.month, b.month)),
    fetchedAt: Math.min(...parts.map((p) => p.data.fetchedAt)),
    pages: sum(parts.map((p) => p.data.pages)),
    ...(credits.every((c) => c === credits[0]) && credits[0] !== undefined ? { includesCreditsAndRefunds: credits[0] } : {}),
  };
}

/**
 * The table across connections (issue 17). Each amount is placed under the connections of its account
 * and region and its value matched to their groups as for one connection (the convention
 * `<key>=<group name>`, or the tags known). When the region is not known (grouped by account, the
 * account connected in several regions), the value is matched against the groups of each of the
 * account's connections: one connection has it → that connection's row; several → one shared row
 * naming them with their connections; none → a row of the account. Unallocated is per connection, or
 * per account when the region is not known. Connections of one account and region are one place.
 */
export function buildConnectionsCostTable(data: CostData, connections: readonly CostConnection[]): CostTable {
  const placeKey = (account: string, region: string) => JSON.stringify([account, region]);
  const places = new Map<string, { account: string; region: string; conns: CostConnection[]; byValue?: Map<string, string[]> }>();
  const accountPlaces = new Map<string, string[]>();
  for (const c of connections) {
    const k = placeKey(c.account, c.region);
    const p = places.get(k);
    if (p) p.conns.push(c);
    else {
      places.set(k, { account: c.account, region: c.region, conns: [c] });
      accountPlaces.set(c.account, [...(accountPlaces.get(c.account) ?? []), k]);
    }
  }
  const valuesAt = (k: string) => {
    const p = places.get(k);
    if (!p) return new Map<string, string[]>();
    p.byValue ??= groupsByValue(
      p.conns.flatMap((c) => c.groups),
      data.tagKey,
    );
    return p.byValue;
  };
  const ids = (k: string) => places.get(k)?.conns.map((c) => c.id) ?? [];
  const labelOf = (k: string) => places.get(k)?.conns.map((c) => c.label).join(', ') ?? '';
  const atPlace = (value: string, k: string, account: string, region: string): Placement => {
    const g = value === '' ? [] : (valuesAt(k).get(value) ?? []);
    return {
      key: JSON.stringify(['place', k, value]),
      kind: kindOf(value, g),
      groups: g,
      where: { account, region, connections: ids(k), ...(g.length > 0 ? { groupConnections: g.map(() => ids(k)) } : {}) },
    };
  };
  const memo = new Map<string, Placement>();
  const place = (e: CostEntry): Placement => {
    const account = e.account ?? '';
    const memoKey = JSON.stringify([e.value, account, e.region ?? null]);
    const known = memo.get(memoKey);
    if (known) return known;
    let p: Placement;
    if (e.region !== undefined) p = atPlace(e.value, placeKey(account, e.region), account, e.region);
    else {
      const own = accountPlaces.get(account) ?? [];
      const all = own.flatMap(ids);
      const hits = e.value === '' ? [] : own.filter((k) => (valuesAt(k).get(e.value) ?? []).length > 0);
      if (hits.length === 1) p = atPlace(e.value, hits[0], account, places.get(hits[0])?.region ?? '');
      else if (hits.length > 1) {
        const members = hits.flatMap((k) => (valuesAt(k).get(e.value) ?? []).map((g) => ({ g, k })));
        p = {
          key: JSON.stringify(['account', account, e.value]),
          kind: 'shared',
          groups: members.map((m) => m.g),
          where: {
            account,
            connections: hits.flatMap(ids),
            groupConnections: members.map((m) => ids(m.k)),
            groupLabels: members.map((m) => `${m.g} (${labelOf(m.k)})`),
          },
        };
      } else p = { key: JSON.stringify(['account', account, e.value]), kind: e.value === '' ? 'unallocated' : 'unmatched', groups: [], where: { account, connections: all } };
    }
    memo.set(memoKey, p);
    return p;
  };
  const label = new Map(connections.map((c) => [c.id, c.label]));
  const order = (r: CostRow) => (r.connections ?? []).map((id) => label.get(id) ?? '').join(', ') || (r.account ?? '');
  return {
    ...tabulate(data, place, order),
    connections: connections.map((c) => ({ id: c.id, label: c.label, account: c.account, region: c.region })),
  };
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** The row's name as people read it. */
export function rowLabel(row: CostRow): string {
  switch (row.kind) {
    case 'group':
      return row.groups[0];
    case 'shared':
      return `${row.value} (shared by ${(row.groupLabels ?? row.groups).join(', ')})`;
    case 'unmatched':
      return `${row.value} (no billing group)`;
    case 'unallocated':
      return UNALLOCATED_LABEL;
  }
}

export interface ChartSeries {
  kind: 'row' | 'other' | 'unallocated';
  label: string;
  amounts: number[];
}

/**
 * Where a row is, for people, when the table covers several connections: its connections' labels
 * ("dev @ eu-west-1", several joined), or its account when no connection holds it; '' with one connection.
 */
export function rowPlace(table: CostTable, row: CostRow): string {
  const conns = table.connections ?? [];
  if (conns.length <= 1) return '';
  const label = new Map(conns.map((c) => [c.id, c.label]));
  const names = (row.connections ?? []).map((id) => label.get(id) ?? id);
  return names.length > 0 ? names.join(', ') : `Account ${row.account ?? ''}`;
}

/**
 * The chart's stacks: the `top` largest rows, "Other" for the rest (if any), "Unallocated" (if any,
 * all its rows together). With several connections a row's label names its connection, since one
 * group name may be a group of several accounts.
 */
export function chartSeries(table: CostTable, top = CHART_TOP_ROWS): ChartSeries[] {
  const allocated = table.rows.filter((r) => r.kind !== 'unallocated').sort((a, b) => b.total - a.total || compareText(a.value, b.value));
  const labelOf = (r: CostRow) => {
    const place = r.kind === 'shared' && r.groupLabels ? '' : rowPlace(table, r);
    return place ? `${rowLabel(r)} (${place})` : rowLabel(r);
  };
  const out: ChartSeries[] = allocated.slice(0, top).map((r) => ({ kind: 'row', label: labelOf(r), amounts: [...r.amounts] }));
  const rest = allocated.slice(top);
  if (rest.length > 0) out.push({ kind: 'other', label: `Other (${rest.length})`, amounts: table.months.map((_, i) => sum(rest.map((r) => r.amounts[i]))) });
  const un = table.rows.filter((r) => r.kind === 'unallocated');
  if (un.length > 0) out.push({ kind: 'unallocated', label: UNALLOCATED_LABEL, amounts: table.months.map((_, i) => sum(un.map((r) => r.amounts[i]))) });
  return out;
}

/** True when some usage carries a value of the key: false means the key is not active (or not applied) yet. */
export function hasTaggedUsage(data: CostData): boolean {
  return data.months.some((m) => m.entries.some((e) => e.value !== ''));
}

export interface GroupCost {
  /** The current month to date. */
  monthToDate: number;
  /** The row's amounts, oldest first, matching `months`. */
  amounts: number[];
  months: string[];
  currency: string;
  /** Other groups that share the same tag value (the cost is theirs together). */
  sharedWith: string[];
}

/** What each billing group costs (for the tree and the manifest's CodeLens): groups of "group" and "shared" rows. */
export function costsByGroup(table: CostTable): Map<string, GroupCost> {
  const out = new Map<string, GroupCost>();
  for (const r of table.rows) {
    if (r.kind !== 'group' && r.kind !== 'shared') continue;
    for (const g of r.groups)
      out.set(g, {
        monthToDate: r.amounts[r.amounts.length - 1] ?? 0,
        amounts: [...r.amounts],
        months: [...table.months],
        currency: table.currency,
        sharedWith: r.groups.filter((o) => o !== g),
      });
  }
  return out;
}

/**
 * What each billing group of each connection costs (the tree across connections): connection id →
 * group name → its figures. A group of two connections of one account and region is in both.
 */
export function costsByConnection(table: CostTable): Map<string, Map<string, GroupCost>> {
  const out = new Map<string, Map<string, GroupCost>>();
  for (const r of table.rows) {
    if (r.kind !== 'group' && r.kind !== 'shared') continue;
    const names = r.groupLabels ?? r.groups;
    r.groups.forEach((g, k) => {
      for (const id of r.groupConnections?.[k] ?? []) {
        const mine = out.get(id) ?? new Map<string, GroupCost>();
        mine.set(g, {
          monthToDate: r.amounts[r.amounts.length - 1] ?? 0,
          amounts: [...r.amounts],
          months: [...table.months],
          currency: table.currency,
          sharedWith: names.filter((_, j) => j !== k),
        });
        out.set(id, mine);
      }
    });
  }
  return out;
}

/** YYYY-MM of an instant's UTC month (Cost Explorer's months are UTC months). */
export function utcMonth(d: Date): string {
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * Each group's figures, for the tree's "this month", only when the figures' last month is the current
 * UTC month at `now`: after 00:00 UTC on the 1st, last month's month to date is not this month's.
 */
export function currentMonthCosts(data: CostData, table: CostTable, now: Date): Map<string, GroupCost> {
  return data.months.at(-1)?.month === utcMonth(now) ? costsByGroup(table) : new Map();
}

/** currentMonthCosts per connection (the tree across connections): nothing once the figures' last month is past. */
export function currentMonthCostsByConnection(data: CostData, table: CostTable, now: Date): Map<string, Map<string, GroupCost>> {
  return data.months.at(-1)?.month === utcMonth(now) ? costsByConnection(table) : new Map();
}

/** An amount in a currency, e.g. "$12.34" or "-$0.50"; an unknown currency code is written after the number. */
export function formatAmount(amount: number, currency: string): string {
  const value = Object.is(amount, -0) ? 0 : amount;
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
  } catch {
    return `${value.toFixed(2)} ${currency}`;
  }
}
