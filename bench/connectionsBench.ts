// Measurement 10 (issue 17): several connections side by side in the real workbench (code-server +
// Chromium, the packaged .vsix), against moto behind the fault proxy, which counts the calls of each
// region from its SigV4 credential scope and can make one region never answer.
//   - 10 connections (the profile's regions) of 500 groups each. Each connection root is expanded in
//     turn: mousedown on its row's twistie → the first frame in which its first group's row is
//     shown; then every connection's "Load more…" until its groups are all listed, and the
//     ListBillingGroups calls per region are counted (budget: exactly Σ ⌈G_c/250⌉ = 20).
//   - The same first-page times with one of the regions never answering (its root expanded first, so
//     its call is under way while the others load), in a new window: side by side with the healthy
//     run, the slowest and the median of the other nine.
import type { CodeServer } from '../test/support/codeServer';
import { startCodeServer } from '../test/support/codeServer';
import { startFaultProxy, type FaultProxy } from '../test/support/faultProxy';
import { startMoto, type MotoServer } from '../test/support/moto';
import { createGroups } from '../test/support/workbenchFoundation';
import { Workbench } from '../test/support/workbench';
import { median, sleep, waitFor } from './stats';

/** BENCH_CONNECTIONS and BENCH_CONNECTION_GROUPS try it smaller (the budgets assume 10 and 500). */
export const CONNECTION_REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-central-1', 'eu-north-1', 'ap-south-1', 'ap-northeast-1', 'ap-southeast-2'].slice(
  0,
  Number(process.env.BENCH_CONNECTIONS ?? 10),
);
const GROUPS_PER_CONNECTION = Number(process.env.BENCH_CONNECTION_GROUPS ?? 500);
const PAGE = 250;

export interface FirstPages {
  /** Expanding a connection → its first group drawn, per region in the order expanded. */
  byRegion: Record<string, number>;
  medianMs: number;
  maxMs: number;
}

export interface ConnectionsBenchResult {
  connections: number;
  groupsPerConnection: number;
  healthy: FirstPages;
  /** With `hangingRegion` never answering: the other nine. */
  oneHanging: FirstPages & { hangingRegion: string };
  /** ListBillingGroups per region once every group of every connection is listed. */
  callsByRegion: Record<string, number>;
  calls: number;
  expectedCalls: number;
}

const label = (region: string) => `default @ ${region}`;
const groupName = (region: string, i: number) => `${region}-${String(i).padStart(4, '0')}`;

/** Records each mousedown's time and the row's label. Idempotent per page load. */
const INSTALL_PROBE = `(() => {
  if (window.__conn) return true;
  const b = (window.__conn = { downs: [] });
  document.addEventListener('mousedown', (e) => {
    const row = e.target && e.target.closest ? e.target.closest('.monaco-list-row') : null;
    b.downs.push({ t: performance.now(), label: row ? row.getAttribute('aria-label') || '' : '' });
  }, true);
  return true;
})()`;

/** performance.now() in the first frame in which the row of `aria` is shown in the sidebar. */
const rowInFrame = (aria: string) => `(() => {
  const r = document.querySelector('.part.sidebar .monaco-list-row[aria-label=${JSON.stringify(aria)}]');
  return r && r.getClientRects().length > 0 ? performance.now() : 0;
})()`;

async function expandAndTime(wb: Workbench, region: string): Promise<number> {
  const row = wb.viewPane().locator(`.monaco-list-row[aria-label=${JSON.stringify(`Connection ${label(region)}`)}]`).first();
  await row.scrollIntoViewIfNeeded();
  await row.locator('.monaco-tl-twistie').click();
  const first = `Billing group ${groupName(region, 0)}`;
  const drawnAt = (await (await wb.page.waitForFunction(rowInFrame(first), undefined, { polling: 'raf', timeout: 60_000 })).jsonValue()) as number;
  const downs = await wb.page.evaluate<Array<{ t: number; label: string }>>('window.__conn.downs');
  const down = [...downs].reverse().find((d) => d.label === `Connection ${label(region)}`);
  if (!down) throw new Error(`no mousedown on ${label(region)} was recorded`);
  // Collapsed again, so that the next root is near the top and nothing else redraws meanwhile.
  await row.locator('.monaco-tl-twistie').click();
  return drawnAt - down.t;
}

async function firstPages(wb: Workbench, regions: readonly string[]): Promise<FirstPages> {
  await wb.page.evaluate(INSTALL_PROBE);
  const byRegion: Record<string, number> = {};
  for (const r of regions) {
    try {
      byRegion[r] = await expandAndTime(wb, r);
    } catch (e) {
      await wb.screenshot(`failed-${r}`).catch(() => undefined);
      throw e;
    }
  }
  const values = Object.values(byRegion);
  return { byRegion, medianMs: median(values), maxMs: Math.max(...values) };
}

/**
 * Expands one connection and presses Enter on its "Load more…" until every page is listed (the
 * rows are virtual: the focused row is moved down one at a time and its text read). Done when the
 * proxy has seen the region's ⌈G/250⌉ calls.
 */
async function loadAllOf(wb: Workbench, proxy: FaultProxy, region: string): Promise<void> {
  const pane = wb.viewPane();
  const calls = () => proxy.countForwarded({ operation: 'ListBillingGroups', when: (r) => r.region === region });
  const root = pane.locator(`.monaco-list-row[aria-label=${JSON.stringify(`Connection ${label(region)}`)}]`).first();
  await root.scrollIntoViewIfNeeded();
  await root.click();
  await wb.page.keyboard.press('ArrowRight'); // expand
  await wb.page.waitForFunction(rowInFrame(`Billing group ${groupName(region, 0)}`), undefined, { polling: 'raf', timeout: 60_000 });
  const pages = Math.ceil(GROUPS_PER_CONNECTION / PAGE);
  while (calls() < pages) {
    const before = calls();
    let found = false;
    for (let i = 0; i < PAGE * pages + 5 && !found; i++) {
      await wb.page.keyboard.press('ArrowDown');
      found = /Load more/.test((await pane.locator('.monaco-list-row.focused').first().innerText({ timeout: 1_000 }).catch(() => '')) ?? '');
    }
    if (!found) throw new Error(`no "Load more…" under ${label(region)} after ${before} pages`);
    await wb.page.keyboard.press('Enter');
    try {
      await waitFor(`the next page of ${region}`, () => calls() > before, 60_000, 50);
    } catch (e) {
      await wb.screenshot(`no-next-page-${region}`).catch(() => undefined);
      throw e;
    }
  }
  // Every root collapsed again (the view's Collapse All), so that the next root is in sight.
  await wb.clickViewTitleAction('Collapse All');
}

async function withWindow<T>(server: CodeServer, scenario: string, body: (wb: Workbench) => Promise<T>): Promise<T> {
  const wb = await Workbench.open(server, { scenario });
  try {
    await wb.openViewContainer();
    await waitFor('the connection roots', async () => (await wb.treeLabels()).includes(label(CONNECTION_REGIONS[CONNECTION_REGIONS.length - 1])) || undefined, 60_000, 100);
    return await body(wb);
  } finally {
    await wb.close();
  }
}

export async function measureConnections(options: { log: (line: string) => void }): Promise<ConnectionsBenchResult> {
  const moto: MotoServer = await startMoto();
  let proxy: FaultProxy | undefined;
  let server: CodeServer | undefined;
  try {
    proxy = await startFaultProxy(moto.endpoint);
    options.log(`  seeding ${CONNECTION_REGIONS.length} × ${GROUPS_PER_CONNECTION} groups`);
    for (const region of CONNECTION_REGIONS)
      await createGroups(moto.endpoint, Array.from({ length: GROUPS_PER_CONNECTION }, (_, i) => ({ name: groupName(region, i) })), { region, parallel: 10 });
    const [first, ...others] = CONNECTION_REGIONS;
    server = await startCodeServer({
      settings: {
        'iotBillingGroups.endpoint': proxy.endpoint,
        'iotBillingGroups.region': first,
        'iotBillingGroups.connections': others.map((region) => ({ profile: 'default', region, endpoint: proxy!.endpoint })),
        'workbench.tree.enableStickyScroll': false,
      },
      aws: {
        config: `[default]\nregion = ${first}\n`,
        credentials: '[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n',
      },
    });
    const s = server;
    const p = proxy;

    p.reset();
    const healthy = await withWindow(s, 'bench-connections', async (wb) => {
      options.log('  first page of each of the 10 connections, expanded in turn');
      const r = await firstPages(wb, CONNECTION_REGIONS);
      options.log('  every page of every connection (Load more…)');
      for (const region of CONNECTION_REGIONS) await loadAllOf(wb, p, region);
      return r;
    });
    const callsByRegion: Record<string, number> = {};
    for (const region of CONNECTION_REGIONS) callsByRegion[region] = p.countForwarded({ operation: 'ListBillingGroups', when: (r) => r.region === region });

    const hangingRegion = CONNECTION_REGIONS[Math.min(4, CONNECTION_REGIONS.length - 1)];
    const rule = p.addRule({ match: { when: (r) => r.region === hangingRegion }, fault: 'hang', times: Infinity });
    const oneHanging = await withWindow(s, 'bench-connections-hang', async (wb) => {
      await wb.page.evaluate(INSTALL_PROBE);
      // The hanging one first: its call is under way while the others load.
      const row = wb.viewPane().locator(`.monaco-list-row[aria-label=${JSON.stringify(`Connection ${label(hangingRegion)}`)}]`).first();
      await row.locator('.monaco-tl-twistie').click();
      await sleep(200);
      await row.locator('.monaco-tl-twistie').click(); // collapsed again: its load goes on
      return firstPages(wb, CONNECTION_REGIONS.filter((r) => r !== hangingRegion));
    });
    rule.remove();
    const calls = Object.values(callsByRegion).reduce((a, b) => a + b, 0);
    return {
      connections: CONNECTION_REGIONS.length,
      groupsPerConnection: GROUPS_PER_CONNECTION,
      healthy,
      oneHanging: { ...oneHanging, hangingRegion },
      callsByRegion,
      calls,
      expectedCalls: CONNECTION_REGIONS.length * Math.ceil(GROUPS_PER_CONNECTION / PAGE),
    };
  } finally {
    await server?.stop();
    await proxy?.stop();
    await moto.stop();
  }
}

/** For `node out/bench/connectionsBench.js` alone. */
if (require.main === module) {
  measureConnections({ log: (l) => console.log(l) }).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
