// The measurements taken in the real workbench: code-server 4.100.3 (VS Code 1.100.3) with the
// packaged .vsix, driven in headless Chromium through test/support/workbench.ts, against moto.
//
// Per window load (a new browser profile loads the workbench: a new renderer and a new extension
// host, and no UI state restored, so the view starts closed):
//   - cold first page: mousedown on the activity-bar icon → the first group's row is in a frame;
//   - warm refresh: with the view open and its first page drawn once (the SDK bundle loaded),
//     mousedown on the view's Refresh button → the first frame in which the tree's rows were
//     re-rendered with the fetched page (a MutationObserver on the rows, counted only after the
//     view's progress bar has finished, then a rAF). The extension's Refresh drops its cached client
//     (Session.reset), so this also pays for re-reading the AWS files and a new client and connection;
//   - activation: "Developer: Show Running Extensions", the row of this extension ("Activation: N ms",
//     which VS Code computes as codeLoadingTime + activateCallTime).
// Then, in the last window: memory of that window's extension-host process (found through /proc as a
// descendant of this code-server) before and after "Load more…" until all groups are loaded: after
// full GCs forced through its inspector (judged), and VmRSS right after the work (shown beside).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeServer } from '../test/support/codeServer';
import { startCodeServer } from '../test/support/codeServer';
import { Workbench } from '../test/support/workbench';
import { Inspector } from './inspector';
import { median, sleep, waitFor } from './stats';

export interface WindowSample {
  window: number;
  activationMs: number;
  activationText: string;
  coldFirstPageMs: number;
  warmRefreshMs: number;
  /** False when the refresh showed no progress bar, so the first row mutation after the click was taken. */
  warmSawProgress: boolean;
  extensionHostPid?: number;
}

export interface MemoryResult {
  pid: number;
  /** Right after the work, as /proc shows it: includes garbage not yet collected and the heap V8 grew for it. */
  rssBeforeMb: number;
  rssAfterMb: number;
  rssGrowthMb: number;
  /** After two full GCs forced through the inspector: what stays. The budget is judged on `growthMb`. */
  gcRssBeforeMb: number;
  gcRssAfterMb: number;
  growthMb: number;
  gcHeapUsedBeforeMb: number;
  gcHeapUsedAfterMb: number;
  heapGrowthMb: number;
  groupsBefore: number;
  groupsAfter: number;
  loadMoreClicks: number;
  loadAllMs: number;
}

export interface WorkbenchResult {
  windows: WindowSample[];
  activationMedianMs: number;
  coldFirstPageMedianMs: number;
  warmRefreshMedianMs: number;
  memory: MemoryResult;
}

const firstRowAria = 'Billing group bench-00000';

// --- /proc ------------------------------------------------------------------------------------

function readProc(pid: number, file: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

function statFields(pid: number): string[] {
  const stat = readProc(pid, 'stat');
  const close = stat.lastIndexOf(')');
  // Fields after "pid (comm)": state is field 3, ppid 4, ..., starttime 22.
  return close < 0 ? [] : ['', '', ...stat.slice(close + 2).split(' ')];
}

/** The extension-host processes that descend from this code-server (its root path is in an ancestor's command line). */
export function extensionHostPids(server: CodeServer): number[] {
  const found: Array<{ pid: number; start: number }> = [];
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const cmd = readProc(pid, 'cmdline').split('\0');
    if (!cmd.includes('--type=extensionHost')) continue;
    let ancestor = Number(statFields(pid)[3]);
    for (let depth = 0; depth < 6 && ancestor > 1; depth++) {
      if (readProc(ancestor, 'cmdline').includes(server.root)) {
        found.push({ pid, start: Number(statFields(pid)[21]) });
        break;
      }
      ancestor = Number(statFields(ancestor)[3]);
    }
  }
  return found.sort((a, b) => b.start - a.start).map((f) => f.pid);
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readProc(pid, 'status'));
  if (!m) throw new Error(`no RSS for pid ${pid} (did the extension host exit?)`);
  return Number(m[1]) / 1024;
}

async function sampleRss(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(rssMb(pid));
    await sleep(200);
  }
  return median(samples);
}

// --- page-side probes (strings: the bench compiles without the DOM library) -------------------

/** Records every mousedown (time and the aria-label of the action it hit). Idempotent per page load. */
const INSTALL_PROBE = `(() => {
  if (window.__bench) return true;
  const b = (window.__bench = { downs: [], events: [], observers: [] });
  document.addEventListener('mousedown', (e) => {
    const a = e.target && e.target.closest ? e.target.closest('a.action-label') : null;
    b.downs.push({ t: performance.now(), label: a ? a.getAttribute('aria-label') || '' : '' });
  }, true);
  return true;
})()`;

/** performance.now() in the first animation frame in which the first group's row is in the sidebar. */
const FIRST_ROW_IN_FRAME = `(() => {
  const r = document.querySelector('.part.sidebar .monaco-list-row[aria-label=${JSON.stringify(firstRowAria)}]');
  return r && r.getClientRects().length > 0 ? performance.now() : 0;
})()`;

/** Watches the tree's rows and the sidebar's progress bar; each rows mutation is stamped with its next frame. */
const WATCH_TREE = `(() => {
  const b = window.__bench;
  for (const o of b.observers) o.disconnect();
  b.observers = [];
  b.events = [];
  const sidebar = document.querySelector('.part.sidebar');
  const row = sidebar && sidebar.querySelector('.monaco-list-row[aria-label=${JSON.stringify(firstRowAria)}]');
  const rows = row && row.closest('.monaco-list-rows');
  if (!rows) return false;
  const onRows = new MutationObserver(() => {
    const t = performance.now();
    requestAnimationFrame(() => b.events.push({ kind: 'rows', t, frame: performance.now() }));
  });
  onRows.observe(rows, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['aria-label', 'class'] });
  b.observers.push(onRows);
  for (const p of sidebar.querySelectorAll('.monaco-progress-container')) {
    const o = new MutationObserver(() => b.events.push({ kind: 'progress', t: performance.now(), active: p.classList.contains('active') && !p.classList.contains('done') }));
    o.observe(p, { attributes: true, attributeFilter: ['class'] });
    b.observers.push(o);
  }
  return true;
})()`;

interface ProbeState {
  downs: Array<{ t: number; label: string }>;
  events: Array<{ kind: 'rows' | 'progress'; t: number; frame?: number; active?: boolean }>;
}

async function probeState(wb: Workbench): Promise<ProbeState> {
  return wb.page.evaluate<ProbeState>('({ downs: window.__bench.downs, events: window.__bench.events })');
}

function lastDown(state: ProbeState, labelPrefix: string): number {
  const d = [...state.downs].reverse().find((x) => x.label.startsWith(labelPrefix));
  if (!d) throw new Error(`no mousedown on "${labelPrefix}" was recorded`);
  return d.t;
}

// --- the steps ----------------------------------------------------------------------------------

async function coldFirstPage(wb: Workbench): Promise<number> {
  await wb.page.evaluate(INSTALL_PROBE);
  const ours = wb.page.locator('.part.sidebar #workbench\\.view\\.extension\\.iotBillingGroups');
  if (await ours.isVisible().catch(() => false)) throw new Error('the view was already open when the window loaded (restored UI state): no cold first page to measure');
  await wb.openViewContainer();
  const drawnAt = (await (await wb.page.waitForFunction(FIRST_ROW_IN_FRAME, undefined, { polling: 'raf', timeout: 60_000 })).jsonValue()) as number;
  return drawnAt - lastDown(await probeState(wb), 'AWS IoT Billing Groups');
}

async function warmRefresh(wb: Workbench): Promise<{ ms: number; sawProgress: boolean }> {
  if (!(await wb.page.evaluate<boolean>(WATCH_TREE))) throw new Error('the tree rows are not in the page');
  await wb.clickViewTitleAction('Refresh');
  const result = await waitFor(
    'the refreshed first page to be drawn',
    async () => {
      const s = await probeState(wb);
      const t0 = lastDown(s, 'Refresh');
      const after = s.events.filter((e) => e.t >= t0);
      const progressOn = after.find((e) => e.kind === 'progress' && e.active);
      const progressOff = progressOn && after.find((e) => e.kind === 'progress' && !e.active && e.t >= progressOn.t);
      if (progressOff) {
        const drawn = after.find((e) => e.kind === 'rows' && e.t >= progressOff.t && e.frame !== undefined);
        return drawn ? { ms: drawn.frame! - t0, sawProgress: true } : undefined;
      }
      // No progress bar at all after a while: the first rows mutation after the click.
      const now = await wb.page.evaluate<number>('performance.now()');
      if (!progressOn && now - t0 > 5_000) {
        const drawn = after.find((e) => e.kind === 'rows' && e.frame !== undefined);
        return drawn ? { ms: drawn.frame! - t0, sawProgress: false } : undefined;
      }
      return undefined;
    },
    30_000,
  );
  // The page is there again.
  await wb.page.waitForFunction(FIRST_ROW_IN_FRAME, undefined, { polling: 'raf', timeout: 30_000 });
  return result;
}

async function activationFromRunningExtensions(wb: Workbench): Promise<{ ms: number; text: string }> {
  await wb.runCommand('Developer: Show Running Extensions');
  const row = wb.page.locator('.part.editor .monaco-list-row').filter({ hasText: 'AWS IoT Billing Groups' }).first();
  const text = await waitFor(
    'the extension\'s row in Running Extensions to show its activation time',
    async () => {
      const t = (await row.innerText({ timeout: 1_000 }).catch(() => '')).replace(/\s+/g, ' ').trim();
      return /Activation: \d+\s*ms/.test(t) ? t : undefined;
    },
    30_000,
    100,
  );
  const ms = Number(/Activation: (\d+)\s*ms/.exec(text)![1]);
  await wb.runCommand('View: Close All Editors');
  return { ms, text };
}

/**
 * Focuses the tree and presses End, then Up to "Load more…" (the root item "Things without a
 * billing group" is the last row) and Enter, until the tree holds every group.
 */
async function loadAll(wb: Workbench, total: number): Promise<{ clicks: number; before: number; after: number }> {
  const pane = wb.viewPane();
  const list = pane.locator('.monaco-list[role="tree"]').first();
  const setSize = async () => Number((await pane.locator('.monaco-list-row[role="treeitem"]').first().getAttribute('aria-setsize', { timeout: 5_000 })) ?? '0');
  const before = await setSize();
  let clicks = 0;
  let size = before;
  while (size < total + 1 && clicks < 100) {
    await list.focus();
    await wb.page.keyboard.press('End');
    await wb.page.keyboard.press('ArrowUp');
    await waitFor(
      'the "Load more…" row to be focused',
      async () => /Load more/.test((await pane.locator('.monaco-list-row.focused').first().innerText({ timeout: 1_000 }).catch(() => '')) ?? ''),
      10_000,
    );
    await wb.page.keyboard.press('Enter');
    clicks++;
    const was = size;
    size = await waitFor('the next page in the tree', async () => {
      const s = await setSize().catch(() => was);
      return s > was ? s : undefined;
    }, 60_000);
  }
  // The last page: no "Load more…" row any more; the groups and the root item of things without one.
  const rows = await waitFor('every group in the tree', async () => {
    const s = await setSize();
    return s === total + 1 ? s : undefined;
  }, 30_000);
  return { clicks, before: before - 2, after: rows - 1 };
}

export interface WorkbenchOptions {
  endpoint: string;
  vsix: string;
  windows: number;
  totalGroups: number;
  artifactsDir: string;
  /** Called with the live server, so that the caller can stop it on a signal. */
  onServer?: (server: CodeServer, close: () => Promise<void>) => void;
  log: (line: string) => void;
}

export async function measureWorkbench(options: WorkbenchOptions): Promise<WorkbenchResult> {
  process.env.E2E_ARTIFACTS_DIR ??= options.artifactsDir;
  const server = await startCodeServer({
    vsix: [options.vsix],
    settings: { 'iotBillingGroups.endpoint': options.endpoint, 'iotBillingGroups.profile': 'default', 'iotBillingGroups.region': 'us-east-1' },
    aws: {
      config: '[default]\nregion = us-east-1\n',
      credentials: '[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n',
    },
  });
  let wb: Workbench | undefined;
  const close = async () => {
    await wb?.close();
    await server.stop();
  };
  options.onServer?.(server, close);
  try {
    wb = await Workbench.open(server, { scenario: 'bench', viewport: { width: 1280, height: 900 } });
    const windows: WindowSample[] = [];
    for (let i = 0; i < options.windows; i++) {
      if (i > 0) {
        // A new window: leaving the page ends its extension host (the server is told), then a new
        // browser profile loads the workbench, so that no UI state (an open view) is restored.
        await wb.page.goto('about:blank').catch(() => undefined);
        await wb.close();
        wb = undefined;
        wb = await Workbench.open(server, { scenario: 'bench', viewport: { width: 1280, height: 900 } });
      }
      await wb.activityItem().waitFor({ state: 'visible', timeout: 60_000 });
      // Let the built-in extensions' startup activations finish first: this is the view opened by a
      // person a moment after the window came up, not a race with the workbench's own startup.
      await sleep(2_000);
      const cold = await coldFirstPage(wb);
      await sleep(1_000);
      const warm = await warmRefresh(wb);
      const act = await activationFromRunningExtensions(wb);
      const pid = extensionHostPids(server)[0];
      windows.push({
        window: i + 1,
        activationMs: act.ms,
        activationText: act.text,
        coldFirstPageMs: cold,
        warmRefreshMs: warm.ms,
        warmSawProgress: warm.sawProgress,
        extensionHostPid: pid,
      });
      options.log(
        `  window ${i + 1}/${options.windows}: activation ${act.ms} ms, first page (cold) ${Math.round(cold)} ms, refresh → first page (warm) ${Math.round(warm.ms)} ms, extension host pid ${pid ?? '?'}`,
      );
    }

    // Memory, in the last window: its extension host has shown the first page (and refreshed once).
    const pid = extensionHostPids(server)[0];
    if (!pid) throw new Error(`no extension host process of this code-server found under /proc`);
    await wb.openViewContainer();
    // The inspector is opened before the first sample, so its own memory is in both.
    const inspector = await Inspector.attach(pid);
    let memory: MemoryResult;
    try {
      await sleep(1_000);
      const gcBefore = await inspector.memoryAfterGc();
      await sleep(1_000);
      const rssBefore = await sampleRss(pid);
      const started = Date.now();
      const loaded = await loadAll(wb, options.totalGroups);
      const loadAllMs = Date.now() - started;
      await sleep(1_000);
      const rssAfter = await sampleRss(pid);
      const gcAfter = await inspector.memoryAfterGc();
      if (extensionHostPids(server)[0] !== pid) throw new Error('the extension host changed while memory was measured');
      await wb.screenshot('all groups loaded').catch(() => undefined);
      const mb = (n: number) => Math.round(n * 10) / 10;
      memory = {
        pid,
        rssBeforeMb: mb(rssBefore),
        rssAfterMb: mb(rssAfter),
        rssGrowthMb: mb(rssAfter - rssBefore),
        gcRssBeforeMb: mb(gcBefore.rssMb),
        gcRssAfterMb: mb(gcAfter.rssMb),
        growthMb: mb(gcAfter.rssMb - gcBefore.rssMb),
        gcHeapUsedBeforeMb: mb(gcBefore.heapUsedMb),
        gcHeapUsedAfterMb: mb(gcAfter.heapUsedMb),
        heapGrowthMb: mb(gcAfter.heapUsedMb - gcBefore.heapUsedMb),
        groupsBefore: loaded.before,
        groupsAfter: loaded.after,
        loadMoreClicks: loaded.clicks,
        loadAllMs,
      };
    } finally {
      inspector.close();
    }
    options.log(
      `  memory: extension host ${pid}, ${memory.groupsBefore} → ${memory.groupsAfter} groups (${memory.loadMoreClicks} × Load more…, ${memory.loadAllMs} ms): ` +
        `after full GC RSS ${memory.gcRssBeforeMb} → ${memory.gcRssAfterMb} MB (+${memory.growthMb}), heap used ${memory.gcHeapUsedBeforeMb} → ${memory.gcHeapUsedAfterMb} MB (+${memory.heapGrowthMb}); ` +
        `RSS right after the work ${memory.rssBeforeMb} → ${memory.rssAfterMb} MB (+${memory.rssGrowthMb})`,
    );
    return {
      windows,
      activationMedianMs: median(windows.map((w) => w.activationMs)),
      coldFirstPageMedianMs: median(windows.map((w) => w.coldFirstPageMs)),
      warmRefreshMedianMs: median(windows.map((w) => w.warmRefreshMs)),
      memory,
    };
  } catch (e) {
    if (wb) {
      const shot = await wb.screenshot('bench failure').catch(() => undefined);
      if (shot) options.log(`  screenshot at the failure: ${shot}`);
    }
    options.log(server.diagnostics().split('\n').slice(-60).join('\n'));
    throw e;
  } finally {
    await close();
  }
}

export const artifactsDirFor = (repoRoot: string) =>
  path.join(repoRoot, '.e2e-artifacts', `bench-${new Date().toISOString().replace(/[:]/g, '-').replace(/\..*$/, '')}`);
