// The "Billing Group Costs" panel inside the webview: a stacked bar chart (plain SVG) and the same
// figures as a sortable table, which is the chart's text alternative. Plain DOM: every element is
// made with createElement(NS) and every text set with textContent, so no name, tag value or message
// is ever parsed as HTML. Figures arrive formatted from the extension (src/core/costsProtocol.ts).
// The last figures and the sort order are kept with setState: a reload shows them at once.
import type { CostsHostMessage, CostsMessage, PanelModel, PanelRow } from '../../src/core/costsProtocol';

interface VsCodeApi {
  postMessage(message: CostsMessage): void;
  getState(): unknown;
  setState(state: PersistedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type SortKey = { by: 'name' } | { by: 'connection' } | { by: 'total' } | { by: 'month'; month: string };
interface PersistedState {
  model?: PanelModel;
  sort?: SortKey;
  descending?: boolean;
}

const vscode = acquireVsCodeApi();
/** When this script started (ms since the epoch), with data-drawn-at below: the benchmark's span inside the panel. */
const scriptStart = Date.now();
const SVG = 'http://www.w3.org/2000/svg';
/** Distinct series colours: the theme's chart colours, each in two strengths (CSS classes s0…s11). */
const SERIES_CLASSES = 12;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { id?: string; className?: string; text?: string; title?: string } = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.id) e.id = props.id;
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  if (props.title) e.title = props.title;
  for (const c of children) e.appendChild(c);
  return e;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

const saved = (vscode.getState() ?? {}) as PersistedState;
const state: PersistedState = {
  model: saved.model && Array.isArray(saved.model.rows) ? saved.model : undefined,
  sort: saved.sort ?? { by: 'total' },
  descending: saved.descending ?? true,
};
const persist = () => vscode.setState(state);

const app = document.getElementById('app') as HTMLElement;
const toolbar = el('div', { className: 'toolbar' });
const refresh = el('button', { id: 'refresh', text: 'Refresh Costs' });
const exportCsv = el('button', { id: 'export', text: 'Export Costs as CSV…', className: 'secondary' });
const setUp = el('button', { id: 'setUp', text: 'Set Up Cost Allocation…', className: 'secondary' });
const status = el('span', { id: 'status', className: 'status' });
status.setAttribute('role', 'status');
toolbar.append(refresh, exportCsv, setUp, status);
const problem = el('div', { id: 'problem', className: 'problem' });
problem.setAttribute('role', 'alert');
problem.hidden = true;
const notice = el('p', { id: 'notice', className: 'notice' });
notice.hidden = true;
// What the figures are: the metric, and whether credits and refunds are in them.
const basis = el('p', { id: 'basis', className: 'basis' });
const chart = el('figure', { id: 'chart', className: 'chart' });
const tableHost = el('div', { className: 'table-host' });
// What Unallocated holds, and the charges AWS never attributes through billing groups.
const unallocatedHelp = el('details', { id: 'unallocated-help', className: 'unallocated-help' });
unallocatedHelp.hidden = true;
app.append(toolbar, problem, notice, basis, chart, tableHost, unallocatedHelp);

refresh.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
exportCsv.addEventListener('click', () => vscode.postMessage({ type: 'export' }));
setUp.addEventListener('click', () => vscode.postMessage({ type: 'setUp' }));

function showProblem(message: string, actionTitle?: string): void {
  problem.replaceChildren(el('span', { text: message }));
  if (actionTitle) {
    const b = el('button', { text: actionTitle, className: 'secondary' });
    b.addEventListener('click', () => vscode.postMessage({ type: 'action' }));
    problem.append(' ', b);
  }
  problem.hidden = false;
}

function monthHeading(m: PanelModel, i: number): string {
  return m.estimated[i] ? `${m.months[i]} (estimated)` : m.months[i];
}

// ---- chart: stacked bars, credits below the axis ----
function drawChart(m: PanelModel): void {
  chart.replaceChildren();
  if (m.months.length === 0 || m.series.length === 0) {
    chart.append(el('p', { className: 'empty', text: 'No costs in this period.' }));
    return;
  }
  const W = 720;
  const H = 260;
  const left = 70;
  const bottom = 28;
  const top = 10;
  let max = 0;
  let min = 0;
  m.months.forEach((_, i) => {
    let pos = 0;
    let neg = 0;
    for (const s of m.series) {
      if (s.amounts[i] >= 0) pos += s.amounts[i];
      else neg += s.amounts[i];
    }
    max = Math.max(max, pos);
    min = Math.min(min, neg);
  });
  if (max === min) max = min + 1;
  const plotH = H - top - bottom;
  const y = (v: number) => top + ((max - v) / (max - min)) * plotH;
  const slot = (W - left) / m.months.length;
  const barW = Math.max(4, Math.min(60, slot * 0.6));
  const caption = el('figcaption', { id: 'chart-caption', text: `Costs by month (${m.metric}, ${m.currency}), stacked by billing group: the ${m.series.filter((x) => x.kind === 'row').length} largest rows${m.series.some((x) => x.kind === 'other') ? ', Other' : ''}${m.series.some((x) => x.kind === 'unallocated') ? ' and Unallocated' : ''}. The table below holds the same figures.` });
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'chart-caption', preserveAspectRatio: 'xMidYMid meet' });
  root.append(svg('line', { x1: left, x2: W, y1: y(0), y2: y(0), class: 'axis' }));
  root.append(svg('text', { x: left - 6, y: y(max) + 4, class: 'tick', 'text-anchor': 'end' }, m.rows.length ? formatTick(max, m) : ''));
  root.append(svg('text', { x: left - 6, y: y(0) + 4, class: 'tick', 'text-anchor': 'end' }, formatTick(0, m)));
  // A credit's tick only where it does not overlap the zero tick.
  if (min < 0 && y(min) - y(0) > 14) root.append(svg('text', { x: left - 6, y: y(min) + 4, class: 'tick', 'text-anchor': 'end' }, formatTick(min, m)));
  m.months.forEach((month, i) => {
    const x = left + slot * i + (slot - barW) / 2;
    let pos = 0;
    let neg = 0;
    m.series.forEach((s, k) => {
      const v = s.amounts[i];
      if (v === 0) return;
      const from = v >= 0 ? pos : neg;
      const to = from + v;
      if (v >= 0) pos = to;
      else neg = to;
      const rect = svg('rect', { x, width: barW, y: Math.min(y(from), y(to)), height: Math.max(0.5, Math.abs(y(from) - y(to))), class: `seg ${seriesClass(s.kind, k)}` });
      rect.append(svg('title', {}, `${s.label} — ${monthHeading(m, i)}: ${s.texts[i]}`));
      root.append(rect);
    });
    root.append(svg('text', { x: x + barW / 2, y: H - 8, class: 'tick', 'text-anchor': 'middle' }, m.estimated[i] ? `${month}*` : month));
  });
  const legend = el('ul', { className: 'legend' });
  m.series.forEach((s, k) => {
    const swatch = svg('svg', { width: 10, height: 10, 'aria-hidden': 'true' });
    swatch.append(svg('rect', { width: 10, height: 10, class: seriesClass(s.kind, k) }));
    legend.append(el('li', {}, swatch, document.createTextNode(` ${s.label}`)));
  });
  chart.append(root, legend, caption);
  if (m.estimated.some(Boolean)) chart.append(el('p', { className: 'footnote', text: '* estimated: the month is still open.' }));
}

function seriesClass(kind: string, k: number): string {
  if (kind === 'other') return 'other';
  if (kind === 'unallocated') return 'unallocated';
  return `s${k % SERIES_CLASSES}`;
}

function formatTick(v: number, m: PanelModel): string {
  // The model's texts use the currency: find the symbol from a known text, else the code.
  const sample = m.totalText.replace(/[-\d.,\s]/g, '') || m.currency;
  return `${v < 0 ? '-' : ''}${sample}${Math.abs(v) >= 100 ? Math.round(Math.abs(v)).toString() : Math.abs(v).toFixed(2)}`;
}

// ---- table ----
function sortedRows(m: PanelModel): PanelRow[] {
  // Sorted by connection when the figures no longer cover several: by total.
  const sort: SortKey = state.sort?.by === 'connection' && !m.byConnection ? { by: 'total' } : (state.sort ?? { by: 'total' });
  const dir = state.descending ? -1 : 1;
  const value = (r: PanelRow): number | string => {
    if (sort.by === 'name') return r.label.toLowerCase();
    if (sort.by === 'connection') return `${(r.connection ?? '').toLowerCase()}\u0000${r.label.toLowerCase()}`;
    if (sort.by === 'total') return r.total;
    return r.cells.find((c) => c.month === sort.month)?.amount ?? 0;
  };
  const rows = m.rows.filter((r) => r.kind !== 'unallocated');
  rows.sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    return (va < vb ? -1 : va > vb ? 1 : 0) * dir;
  });
  // Unallocated is not a billing group: it stays last whatever the order.
  return [...rows, ...m.rows.filter((r) => r.kind === 'unallocated')];
}

function sortButton(text: string, key: SortKey, th: HTMLTableCellElement): HTMLButtonElement {
  const b = el('button', { className: 'sort', text });
  const current = state.sort;
  const active = current !== undefined && current.by === key.by && (key.by !== 'month' || (current.by === 'month' && current.month === key.month));
  th.setAttribute('aria-sort', active ? (state.descending ? 'descending' : 'ascending') : 'none');
  b.addEventListener('click', () => {
    // Text columns start ascending, figures descending.
    state.descending = active ? !state.descending : key.by !== 'name' && key.by !== 'connection';
    state.sort = key;
    persist();
    if (state.model) drawTable(state.model, false);
    (document.querySelector(`th[aria-sort="${state.descending ? 'descending' : 'ascending'}"] button`) as HTMLButtonElement | null)?.focus();
  });
  return b;
}

function drawTable(m: PanelModel, scrollToFocus: boolean): void {
  const table = el('table', { id: 'costs' });
  const byConnection = m.byConnection === true;
  table.append(el('caption', { text: `Costs by billing group${byConnection ? ', connection' : ''} and month, by tag ${m.tagKey} (${m.metric}), ${m.asOf}` }));
  const head = el('tr');
  const nameTh = el('th');
  nameTh.scope = 'col';
  nameTh.append(sortButton('Billing group', { by: 'name' }, nameTh));
  head.append(nameTh);
  // Several connections: where each row is (profile @ region; its account in the title).
  if (byConnection) {
    const th = el('th', { className: 'connection' });
    th.scope = 'col';
    th.append(sortButton('Connection', { by: 'connection' }, th));
    head.append(th);
  }
  m.months.forEach((month, i) => {
    const th = el('th', { className: 'num' });
    th.scope = 'col';
    th.dataset.month = month;
    if (m.estimated[i]) th.dataset.estimated = 'true';
    th.append(sortButton(monthHeading(m, i), { by: 'month', month }, th));
    head.append(th);
  });
  const totalTh = el('th', { className: 'num' });
  totalTh.scope = 'col';
  totalTh.append(sortButton('Total', { by: 'total' }, totalTh));
  head.append(totalTh);
  table.append(el('thead', {}, head));

  const body = el('tbody');
  let focused: HTMLTableRowElement | undefined;
  for (const r of sortedRows(m)) {
    const tr = el('tr', { className: r.kind });
    if (r.kind === 'group' || r.kind === 'unallocated') tr.dataset.group = r.kind === 'group' ? r.value : '';
    else tr.dataset.value = r.value;
    const th = el('th', { text: r.label, title: r.title });
    th.scope = 'row';
    tr.append(th);
    if (byConnection) {
      tr.dataset.connection = r.connection ?? '';
      tr.append(el('td', { className: 'connection', text: r.connection ?? '', title: r.connectionTitle ?? '' }));
    }
    r.cells.forEach((c, i) => {
      const td = el('td', { className: 'num', text: c.text });
      td.dataset.month = c.month;
      if (m.estimated[i]) {
        td.dataset.estimated = 'true';
        td.title = 'Estimated: the month is still open';
      }
      tr.append(td);
    });
    tr.append(el('td', { className: 'num total', text: r.totalText }));
    body.append(tr);
    const ofConnection = !m.focusConnection || (Array.isArray(r.connectionIds) && r.connectionIds.includes(m.focusConnection));
    if (!focused && m.focus && r.kind === 'group' && r.value === m.focus && ofConnection) focused = tr;
  }
  if (m.rows.length === 0) {
    const tr = el('tr', { className: 'empty' });
    const td = el('td', { text: 'No costs for the IoT services in this period.' });
    td.colSpan = m.months.length + (byConnection ? 3 : 2);
    tr.append(td);
    body.append(tr);
  }
  table.append(body);
  const foot = el('tr', { className: 'total' });
  const footTh = el('th', { text: 'Total' });
  footTh.scope = 'row';
  foot.append(footTh);
  if (byConnection) foot.append(el('td', { className: 'connection' }));
  for (const c of m.monthTotals) {
    const td = el('td', { className: 'num', text: c.text });
    td.dataset.month = c.month;
    foot.append(td);
  }
  foot.append(el('td', { className: 'num total', text: m.totalText }));
  table.append(el('tfoot', {}, foot));
  // When the figures were drawn (ms since the epoch): the benchmark reads it instead of polling.
  table.dataset.drawnAt = String(Date.now());
  table.dataset.scriptStart = String(scriptStart);
  tableHost.replaceChildren(table);
  if (focused) {
    focused.classList.add('focused');
    focused.tabIndex = -1;
    if (scrollToFocus) {
      focused.scrollIntoView({ block: 'center' });
      focused.focus();
    }
  }
}

function render(m: PanelModel, fresh: boolean): void {
  app.setAttribute('aria-busy', 'false');
  status.textContent = m.asOf;
  notice.replaceChildren(el('span', { text: m.notice }));
  if (m.offerSetUp) {
    const b = el('button', { text: 'Set Up Cost Allocation…', className: 'link' });
    b.addEventListener('click', () => vscode.postMessage({ type: 'setUp' }));
    notice.append(' ', b);
  }
  notice.hidden = m.notice === '';
  basis.textContent = typeof m.basis === 'string' ? m.basis : '';
  const un = m.rows.find((r) => r.kind === 'unallocated');
  const charges = Array.isArray(m.unattributed) ? m.unattributed : [];
  unallocatedHelp.replaceChildren(
    el('summary', { text: 'What Unallocated holds' }),
    el('p', { text: 'Usage without the tag: things in no billing group or in groups without the tag, and usage AWS could not tie to a thing.' }),
    ...(charges.length > 0 ? [el('p', { text: 'AWS never attributes these charges through billing groups:' }), el('ul', {}, ...charges.map((c) => el('li', { text: `${c.charge}: ${c.why}` })))] : []),
  );
  unallocatedHelp.hidden = un === undefined;
  drawChart(m);
  drawTable(m, fresh);
}

function isModel(v: unknown): v is PanelModel {
  const m = v as PanelModel;
  return typeof m === 'object' && m !== null && Array.isArray(m.rows) && Array.isArray(m.months) && Array.isArray(m.series) && Array.isArray(m.monthTotals);
}

window.addEventListener('message', (event: MessageEvent) => {
  const msg = event.data as CostsHostMessage;
  if (typeof msg !== 'object' || msg === null) return;
  if (msg.type === 'loading') {
    app.setAttribute('aria-busy', 'true');
    status.textContent = 'Loading costs…';
    refresh.disabled = true;
  } else if (msg.type === 'costs' && isModel(msg.model)) {
    refresh.disabled = false;
    problem.hidden = true;
    state.model = msg.model;
    persist();
    render(msg.model, true);
  } else if (msg.type === 'problem' && typeof msg.message === 'string') {
    refresh.disabled = false;
    app.setAttribute('aria-busy', 'false');
    status.textContent = state.model ? state.model.asOf : '';
    showProblem(msg.message, typeof msg.actionTitle === 'string' ? msg.actionTitle : undefined);
  }
});

if (state.model) render(state.model, false);
vscode.postMessage({ type: 'ready' });
