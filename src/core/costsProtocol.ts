// The messages between the costs panel's webview and the extension, and the panel's model (figures
// already formatted, so the webview only places text). The webview is untrusted: the host accepts
// only the few message types below, with no payload but a bounded sort state. Pure: no vscode.
import { chartSeries, creditsNote, formatAmount, NEVER_ATTRIBUTED_CHARGES, rowLabel, rowPlace, unallocatedExplanation, type CostRow, type CostRowKind, type CostTable, type UnattributedCharge } from './costs';

export interface PanelCell {
  month: string;
  amount: number;
  text: string;
}

export interface PanelRow {
  kind: CostRowKind;
  /** data-group (group, unallocated) or data-value (shared, unmatched). */
  value: string;
  groups: string[];
  label: string;
  /** Says what the row is: a shared value names its groups, Unallocated explains itself. */
  title: string;
  cells: PanelCell[];
  total: number;
  totalText: string;
  /** Where the row is (its connection's "profile @ region", several joined), '' with one connection: data-connection and the Connection column. */
  connection: string;
  /** The Connection cell's title: the account, and why the region is not known when it is not. */
  connectionTitle: string;
  /** The ids of the row's connections (the focus of a group of one connection). */
  connectionIds: string[];
}

export interface PanelSeries {
  kind: 'row' | 'other' | 'unallocated';
  label: string;
  amounts: number[];
  texts: string[];
}

export interface PanelModel {
  tagKey: string;
  metric: string;
  currency: string;
  months: string[];
  estimated: boolean[];
  rows: PanelRow[];
  monthTotals: PanelCell[];
  total: number;
  totalText: string;
  series: PanelSeries[];
  /** e.g. "as of 30 Nov 2026, 09:12 (cached)". */
  asOf: string;
  /** What the figures are: the metric, and whether credits and refunds are in them. */
  basis: string;
  /** The charges AWS never attributes through billing groups (the Unallocated explanation lists them). */
  unattributed: UnattributedCharge[];
  /** A notice above the figures (e.g. the key is not active yet), or ''. */
  notice: string;
  /** Offer "Set Up Cost Allocation…" next to the notice. */
  offerSetUp: boolean;
  /** The group to scroll to and highlight (context menu), or ''. */
  focus: string;
  /** The id of that group's connection (several connections may hold one name), or ''. */
  focusConnection: string;
  /** The figures cover more than one connection: the table has a Connection column. */
  byConnection: boolean;
}

/** The Connection cell of a row: its connections' labels, and its title with the account. */
export function rowConnection(table: CostTable, row: CostRow): { text: string; title: string } {
  const text = rowPlace(table, row);
  if (!text) return { text: '', title: '' };
  const account = row.account ?? '';
  const title =
    row.region !== undefined
      ? `Account ${account}, region ${row.region}`
      : `Account ${account}: the region is not known — this account is connected in several regions and was asked for together with other accounts, so Cost Explorer grouped its costs by account.`;
  return { text, title };
}

export function panelModel(
  table: CostTable,
  info: { metric: string; asOf: string; notice?: string; offerSetUp?: boolean; focus?: string; focusConnection?: string; includesCreditsAndRefunds?: boolean },
): PanelModel {
  const fmt = (n: number) => formatAmount(n, table.currency);
  const byConnection = (table.connections?.length ?? 0) > 1;
  return {
    tagKey: table.tagKey,
    metric: info.metric,
    currency: table.currency,
    months: [...table.months],
    estimated: [...table.estimated],
    rows: table.rows.map((r) => ({
      kind: r.kind,
      value: r.kind === 'group' ? r.groups[0] : r.value,
      groups: [...r.groups],
      label: rowLabel(r),
      title:
        r.kind === 'shared'
          ? `Tag value "${r.value}" is shared by ${(r.groupLabels ?? r.groups).join(', ')}: their cost is shown together.`
          : r.kind === 'unmatched'
            ? `Tag value "${r.value}" matches no billing group ${r.region === undefined && r.account !== undefined ? `of account ${r.account}` : 'in this region'}.`
            : r.kind === 'unallocated'
              ? unallocatedExplanation()
              : `Billing group ${r.groups[0]} (${table.tagKey}=${r.value})`,
      cells: table.months.map((month, i) => ({ month, amount: r.amounts[i], text: fmt(r.amounts[i]) })),
      total: r.total,
      totalText: fmt(r.total),
      ...(() => {
        const where = rowConnection(table, r);
        return { connection: where.text, connectionTitle: where.title, connectionIds: byConnection ? [...(r.connections ?? [])] : [] };
      })(),
    })),
    monthTotals: table.months.map((month, i) => ({ month, amount: table.monthTotals[i], text: fmt(table.monthTotals[i]) })),
    total: table.total,
    totalText: fmt(table.total),
    series: chartSeries(table).map((s) => ({ ...s, texts: s.amounts.map(fmt) })),
    asOf: info.asOf,
    // Figures cached before the setting existed were queried without the RECORD_TYPE filter: credits in.
    basis: `${info.metric}. ${creditsNote(info.includesCreditsAndRefunds ?? true)}`,
    unattributed: NEVER_ATTRIBUTED_CHARGES.map((c) => ({ ...c })),
    notice: info.notice ?? '',
    offerSetUp: info.offerSetUp ?? false,
    focus: info.focus ?? '',
    focusConnection: byConnection ? (info.focusConnection ?? '') : '',
    byConnection,
  };
}

/** Extension → webview. */
export type CostsHostMessage =
  | { type: 'loading' }
  | { type: 'costs'; model: PanelModel }
  /** A problem as a sentence, with the title of the button that fixes it (if any); cached figures may stay shown. */
  | { type: 'problem'; message: string; actionTitle?: string; offerSetUp?: boolean };

/** Webview → extension. */
export type CostsMessage =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'export' }
  | { type: 'setUp' }
  /** The button of the problem shown. */
  | { type: 'action' };

const TYPES = new Set(['ready', 'refresh', 'export', 'setUp', 'action']);

/** Checks a message from the webview: only a known type, and nothing else is kept. */
export function parseCostsMessage(m: unknown): { ok: true; msg: CostsMessage } | { ok: false; reason: string } {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return { ok: false, reason: 'not an object' };
  const type = (m as { type?: unknown }).type;
  if (typeof type !== 'string' || !TYPES.has(type)) return { ok: false, reason: `unknown type ${typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : typeof type}` };
  return { ok: true, msg: { type } as CostsMessage };
}
