// Gestures and observations for the reliability and hostile-data scenarios (test/e2e/reliability.test.ts),
// in the style of workbench.ts: functions taking a Workbench, each waiting for the UI state it needs
// (never a fixed sleep) and failing with what it saw. Also a TCP gate that can be closed and opened
// again on the same port (an emulator that stops and comes back), and a watch on every notification
// the workbench shows while an operation runs.
import * as net from 'node:net';
import type { Page } from 'playwright-core';
import { freePort } from './moto';
import { BILLING_GROUPS_VIEW, SELECTORS, TIMEOUTS, TreeItem, ViewRef, waitUntil, Workbench } from './workbench';

/** The little of the DOM the page-side callbacks use (the tests compile without the DOM library). */
interface DomEl {
  readonly textContent: string | null;
  readonly className: string;
  getAttribute(name: string): string | null;
  getClientRects(): { length: number };
  querySelector(selector: string): DomEl | null;
  querySelectorAll(selector: string): ArrayLike<DomEl>;
}

// ---------------------------------------------------------------------------------------------
// The tree: rows with their position in the whole (virtual) list.

export interface PositionedRow extends TreeItem {
  /** 1-based position among the rows of its level (aria-posinset). */
  position: number;
  /** How many rows its level holds in all, rendered or not (aria-setsize). */
  setSize: number;
}

/** The rows the view renders now, with aria-posinset / aria-setsize (the tree renders only rows in sight). */
export async function positionedRows(wb: Workbench, view: ViewRef = BILLING_GROUPS_VIEW): Promise<PositionedRow[]> {
  const items = await wb.treeItems(view);
  const positions = await wb
    .viewPane(view)
    .locator(SELECTORS.treeRow)
    .evaluateAll((rows) =>
      (rows as unknown as DomEl[])
        .filter((r) => r.getClientRects().length > 0)
        .map((r) => ({ position: Number(r.getAttribute('aria-posinset') ?? '0'), setSize: Number(r.getAttribute('aria-setsize') ?? '0') })),
    );
  return items.map((it, i) => ({ ...it, ...(positions[i] ?? { position: 0, setSize: 0 }) }));
}

/**
 * Moves the tree's keyboard focus to its first (Home) or last (End) row, as a person would, and
 * waits until that row is rendered. Returns the rows in sight.
 */
export async function scrollTreeTo(wb: Workbench, where: 'Home' | 'End', view: ViewRef = BILLING_GROUPS_VIEW): Promise<PositionedRow[]> {
  const list = wb.viewPane(view).locator('.monaco-list[role="tree"]').first();
  return waitUntil(
    `the tree to show its ${where === 'Home' ? 'first' : 'last'} row`,
    async () => {
      await list.focus();
      await wb.page.keyboard.press(where);
      const rows = await positionedRows(wb, view);
      const top = rows.filter((r) => r.level === 1);
      if (top.length === 0) return undefined;
      const ok = where === 'Home' ? top.some((r) => r.position === 1) : top.some((r) => r.position === r.setSize);
      return ok ? rows : undefined;
    },
    { timeout: TIMEOUTS.ui, describe: () => wb.describeSidebar(view) },
  );
}

/** The last top-level row (after scrolling to the end). */
export async function lastTopLevelRow(wb: Workbench, view: ViewRef = BILLING_GROUPS_VIEW): Promise<PositionedRow> {
  const rows = (await scrollTreeTo(wb, 'End', view)).filter((r) => r.level === 1);
  return rows[rows.length - 1];
}

/** Waits until the last top-level row satisfies `ok` (scrolling to the end each time it looks). */
export async function waitForLastRow(wb: Workbench, what: string, ok: (row: PositionedRow) => boolean, options: { timeout?: number; view?: ViewRef } = {}): Promise<PositionedRow> {
  const view = options.view ?? BILLING_GROUPS_VIEW;
  let last: PositionedRow | undefined;
  return waitUntil(
    what,
    async () => {
      last = await lastTopLevelRow(wb, view).catch(() => undefined);
      return last && ok(last) ? last : undefined;
    },
    { timeout: options.timeout ?? TIMEOUTS.aws, describe: async () => `last row: ${JSON.stringify(last)}; ${await wb.describeSidebar(view)}` },
  );
}

/**
 * Waits until the top-level rows at the end of the tree (scrolling to the end each time it looks)
 * satisfy `ok`; returns them, the last row last.
 */
export async function waitForEndRows(wb: Workbench, what: string, ok: (rows: PositionedRow[]) => boolean, options: { timeout?: number; view?: ViewRef } = {}): Promise<PositionedRow[]> {
  const view = options.view ?? BILLING_GROUPS_VIEW;
  let end: PositionedRow[] = [];
  return waitUntil(
    what,
    async () => {
      end = ((await scrollTreeTo(wb, 'End', view).catch(() => undefined)) ?? []).filter((r) => r.level === 1);
      return end.length > 0 && ok(end) ? end : undefined;
    },
    { timeout: options.timeout ?? TIMEOUTS.aws, describe: async () => `end rows: ${JSON.stringify(end.slice(-3))}; ${await wb.describeSidebar(view)}` },
  );
}

/** Scrolls the tree with the mouse wheel (the selection stays as it is) until a row with this label is in sight. */
export async function wheelTreeTo(wb: Workbench, label: string, view: ViewRef = BILLING_GROUPS_VIEW): Promise<void> {
  const box = await wb.viewPane(view).locator('.monaco-list[role="tree"]').first().boundingBox();
  if (!box) throw new Error('the tree is not in sight');
  await waitUntil(
    `row "${label}" in sight after scrolling with the wheel`,
    async () => {
      await wb.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await wb.page.mouse.wheel(0, 2_000);
      return (await wb.treeItems(view)).some((i) => i.label === label);
    },
    { timeout: TIMEOUTS.ui, describe: () => wb.describeSidebar(view) },
  );
}

/** The tree's rows and its "no data provider" placeholder aside, waits for a row matching `label`; returns it. */
export async function waitForRow(wb: Workbench, label: string | RegExp, options: { timeout?: number; view?: ViewRef } = {}): Promise<TreeItem> {
  return wb.waitForTreeItem(label, { timeout: options.timeout ?? TIMEOUTS.aws, view: options.view });
}

/** The top-level labels in sight (the view shows every one when they fit). */
export async function topLevelLabels(wb: Workbench, view: ViewRef = BILLING_GROUPS_VIEW): Promise<string[]> {
  return (await wb.treeItems(view)).filter((i) => i.level === 1).map((i) => i.label);
}

// ---------------------------------------------------------------------------------------------
// Notifications: a record of every notification shown while it runs.

export interface NotificationSnapshot {
  /** ms since the watch began. */
  at: number;
  items: Array<{ message: string; severity: 'info' | 'warning' | 'error' | 'unknown'; buttons: string[]; progress: boolean }>;
}

export interface NotificationWatch {
  /** Every distinct state of the visible notifications (toasts and the center), in order. */
  snapshots(): Promise<NotificationSnapshot[]>;
  stop(): Promise<void>;
}

/**
 * Starts recording the visible notifications: a MutationObserver in the page takes a snapshot
 * whenever the notification DOM changes, so even a toast that shows briefly is seen.
 */
export async function watchNotifications(page: Page): Promise<NotificationWatch> {
  const key = `__relNotes${Date.now()}`;
  await page.evaluate((k) => {
    const g = globalThis as unknown as Record<string, unknown> & {
      document: { body: unknown; querySelectorAll(s: string): ArrayLike<DomEl> };
      MutationObserver: new (cb: () => void) => { observe(n: unknown, o: unknown): void; disconnect(): void };
      queueMicrotask(cb: () => void): void;
    };
    const start = Date.now();
    const snaps: NotificationSnapshot[] = [];
    let last = '';
    let queued = false;
    const take = () => {
      queued = false;
      const els = Array.from(
        g.document.querySelectorAll('.notifications-toasts .notification-list-item, .notifications-center .notification-list-item'),
      ).filter((e) => e.getClientRects().length > 0);
      const items = els.map((e) => {
        const icon = e.querySelector('.notification-list-item-icon')?.className ?? '';
        const severity = /codicon-error\b/.test(icon) ? 'error' : /codicon-warning\b/.test(icon) ? 'warning' : /codicon-info\b/.test(icon) ? 'info' : 'unknown';
        const progress = e.querySelector('.monaco-progress-container.active, .monaco-progress-container.infinite, .monaco-progress-container.discrete') !== null;
        return {
          message: (e.querySelector('.notification-list-item-message')?.textContent ?? '').trim(),
          severity: severity as NotificationSnapshot['items'][number]['severity'],
          buttons: Array.from(e.querySelectorAll('.notification-list-item-buttons-container .monaco-button')).map((b) => (b.textContent ?? '').trim()),
          progress,
        };
      });
      const sig = JSON.stringify(items);
      if (sig === last) return;
      last = sig;
      snaps.push({ at: Date.now() - start, items });
    };
    const observer = new g.MutationObserver(() => {
      if (queued) return;
      queued = true;
      g.queueMicrotask(take);
    });
    observer.observe(g.document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class', 'style'] });
    take();
    g[k] = { snaps, observer };
  }, key);
  const read = () => page.evaluate((k) => (globalThis as unknown as Record<string, { snaps: NotificationSnapshot[] }>)[k].snaps, key);
  return {
    snapshots: read,
    stop: () =>
      page.evaluate((k) => {
        (globalThis as unknown as Record<string, { observer: { disconnect(): void } }>)[k].observer.disconnect();
      }, key),
  };
}

/**
 * How many separate notifications whose message matches `pattern` were shown: the most at once,
 * and how many times one appeared after none was shown.
 */
export function countShown(snaps: NotificationSnapshot[], pattern: RegExp): { maxAtOnce: number; appearances: number; messages: string[] } {
  let maxAtOnce = 0;
  let appearances = 0;
  let shownBefore = false;
  const messages: string[] = [];
  for (const s of snaps) {
    const hits = s.items.filter((i) => pattern.test(i.message));
    maxAtOnce = Math.max(maxAtOnce, hits.length);
    if (hits.length > 0 && !shownBefore) appearances++;
    shownBefore = hits.length > 0;
    for (const h of hits) if (!messages.includes(h.message)) messages.push(h.message);
  }
  return { maxAtOnce, appearances, messages };
}

// ---------------------------------------------------------------------------------------------
// Hostile text: what must never happen in the page.

export interface HostileGuard {
  /** Messages of alert/confirm/prompt dialogs the page opened (none expected). */
  readonly dialogs: string[];
  /** Elements made from hostile text, links made of it, terminals opened: [] when none. */
  injected(): Promise<string[]>;
}

/** Records dialogs from now on; injected() looks through the page and all its frames. */
export function guardAgainstHostileText(wb: Workbench): HostileGuard {
  const dialogs: string[] = [];
  wb.page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  });
  return {
    dialogs,
    async injected() {
      const found: string[] = [];
      for (const frame of wb.page.frames()) {
        const hits = await frame
          .evaluate(() => {
            const d = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<DomEl> } }).document;
            const out: string[] = [];
            for (const e of Array.from(d.querySelectorAll('img[src="x"], img[onerror]'))) out.push(`element <img src="${e.getAttribute('src')}">`);
            for (const e of Array.from(d.querySelectorAll('a[href^="command:"], a[data-href^="command:"]')))
              out.push(`link to ${e.getAttribute('href') ?? e.getAttribute('data-href')}`);
            return out;
          })
          .catch(() => [] as string[]);
        found.push(...hits);
      }
      const terminals = await wb.page.locator('.terminal-wrapper, .xterm, .terminal-tabs-entry').count();
      if (terminals > 0) found.push(`${terminals} terminal element(s)`);
      return found;
    },
  };
}

/** The text of the visible editor (its rendered lines, joined), once it holds `expected`. */
export async function waitForEditorText(wb: Workbench, expected: string | RegExp, options: { timeout?: number } = {}): Promise<string> {
  const lines = wb.page.locator(`${SELECTORS.editorPart} .editor-instance .monaco-editor .view-lines`).filter({ visible: true }).first();
  let last = '';
  return waitUntil(
    `the editor to show ${String(expected)}`,
    async () => {
      last = (await lines.innerText()).replace(/\u00a0/g, ' ');
      return (typeof expected === 'string' ? last.includes(expected) : expected.test(last)) ? last : undefined;
    },
    { timeout: options.timeout ?? TIMEOUTS.aws, describe: async () => JSON.stringify(last.slice(0, 2000)) },
  );
}

/** How the visible editor line holding `text` is drawn: its spans' classes and texts (a control character drawn as a marker has class mtkcontrol, a link detected-link). */
export async function editorLineTokens(wb: Workbench, text: string): Promise<Array<{ className: string; text: string }>> {
  return wb.page
    .locator(`${SELECTORS.editorPart} .editor-instance .monaco-editor .view-line`)
    .filter({ visible: true })
    .filter({ hasText: text })
    .first()
    .locator('span span')
    .evaluateAll((spans) => (spans as unknown as DomEl[]).map((e) => ({ className: e.className, text: (e.textContent ?? '').replace(/\u00a0/g, ' ') })));
}

/** The control characters (other than line feeds) and bidirectional marks in `text`, as U+XXXX. */
export function rawMarks(text: string): string[] {
  const out: string[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    const control = (c < 0x20 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f);
    const bidi = c === 0x061c || c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    if (control || bidi) out.push(`U+${c.toString(16).toUpperCase().padStart(4, '0')}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Keyboard.

/**
 * Holds a key down the way a keyboard does: a keydown, then auto-repeated keydowns every
 * `intervalMs` (a typical repeat rate), then the keyup. Held until `until()` says the UI has moved
 * on (as a person keeps a key down until something happens), then `extra` repeats more, so that
 * repeats also land after it did; at most `max` repeats. The pacing is the gesture itself (a key
 * held), not a wait for the application. Returns the number of repeats.
 */
export async function holdKey(
  page: Page,
  key: string,
  options: { until?: () => Promise<boolean>; extra?: number; max?: number; intervalMs?: number } = {},
): Promise<number> {
  const { extra = 15, max = 600, intervalMs = 33 } = options;
  let repeats = 0;
  let after = -1;
  await page.keyboard.down(key);
  try {
    while (repeats < max && (after < 0 || after < extra)) {
      await new Promise<void>((r) => setTimeout(r, intervalMs));
      await page.keyboard.down(key); // a second down without an up is an auto-repeat (repeat: true)
      repeats++;
      if (after >= 0) after++;
      else if (!options.until || (await options.until())) after = 0;
    }
  } finally {
    await page.keyboard.up(key);
  }
  if (after < 0) throw new Error(`held ${key} for ${repeats} repeats and the UI did not move on`);
  return repeats;
}

// ---------------------------------------------------------------------------------------------
// A TCP gate: a relay on a fixed port that can be closed (connections refused, as when the
// emulator is stopped) and opened again on the same port. It can also tell whether some bytes
// went through it (e.g. that a session token was sent on the wire).

export interface TcpGate {
  readonly endpoint: string;
  readonly port: number;
  /** Closes the port: new connections are refused, open ones are cut. */
  close(): Promise<void>;
  /** Listens again on the same port. */
  open(): Promise<void>;
  /** Whether `text` went from a client to the upstream through the gate. */
  sawFromClient(text: string): boolean;
  stop(): Promise<void>;
}

export async function startTcpGate(upstream: string, options: { record?: boolean } = {}): Promise<TcpGate> {
  const up = new URL(upstream);
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  let recorded = '';
  let server: net.Server | undefined;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        const target = net.connect(Number(up.port), up.hostname);
        sockets.add(client);
        sockets.add(target);
        client.on('close', () => sockets.delete(client));
        target.on('close', () => sockets.delete(target));
        if (options.record) client.on('data', (b: Buffer) => (recorded = (recorded + b.toString('latin1')).slice(-2_000_000)));
        client.pipe(target);
        target.pipe(client);
        client.on('error', () => target.destroy());
        target.on('error', () => client.destroy());
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        resolve();
      });
    });
  const close = async () => {
    const s = server;
    server = undefined;
    for (const so of sockets) so.destroy();
    sockets.clear();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };
  await listen();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close,
    open: async () => {
      if (!server) await listen();
    },
    sawFromClient: (text) => recorded.includes(text),
    stop: close,
  };
}

// ---------------------------------------------------------------------------------------------
// Observing that something stays true.

/**
 * Checks `probe` again and again for `ms` and fails at the first observation that breaks it: an
 * observation over a window (e.g. after a late answer arrived, the tree never shows it), not a
 * wait for the application. Returns how many observations were made.
 */
export async function holdsFor(what: string, ms: number, probe: () => Promise<true | string>): Promise<number> {
  const end = Date.now() + ms;
  let n = 0;
  do {
    const r = await probe();
    n++;
    if (r !== true) throw new Error(`${what} broke after ${n} observation(s): ${r}`);
    await new Promise<void>((res) => setTimeout(res, 100));
  } while (Date.now() < end);
  return n;
}

/**
 * Selects every row of the tree with its keyboard shortcut (Ctrl+A in the focused tree), pressing
 * it again until every row in sight shows as selected (a press that lands while the tree is still
 * taking the focus does nothing). Clicking a row first would also expand it.
 */
export async function selectAllInTree(wb: Workbench, view: ViewRef = BILLING_GROUPS_VIEW): Promise<void> {
  const list = wb.viewPane(view).locator('.monaco-list[role="tree"]').first();
  await waitUntil(
    'every row in sight to be selected (Ctrl+A)',
    async () => {
      await list.focus();
      await wb.page.keyboard.press('Control+a');
      const items = await wb.treeItems(view);
      return items.length > 1 && items.every((i) => i.selected);
    },
    { timeout: TIMEOUTS.ui, describe: () => wb.describeSidebar(view) },
  );
}
