// Costs (issue 11) in the benchmark:
//   - sizes of the costs bundles: dist/costs.js (feature), dist/costs-aws.js (Cost Explorer client),
//     dist/webview/costs.js (panel script);
//   - Cost Explorer requests per refresh: src/aws's one query against moto with a 3-page result
//     queued (moto returns a queued NextPageToken as given): requests = pages;
//   - the panel in the real workbench (code-server + Chromium, the packaged .vsix, moto behind the
//     tag layer): "cold" = a new server (empty globalState), "warm" = the panel closed and opened
//     again within the cache window. Two spans each, from timestamps the panel's script writes on the
//     table (data-script-start, data-drawn-at; one clock, the same machine): the panel's script
//     started → the table drawn (the extension's part: ready message, figures from the cache or,
//     cold, loading dist/costs.js and dist/costs-aws.js, listing the groups and the 3-page query,
//     the message back, drawing) — the budgets are judged on this one — and the command dispatched
//     (the palette closed) → the table drawn, which adds VS Code creating the webview (about a second
//     in code-server on this machine, whatever the extension does). Also the Cost Explorer requests
//     each open sent (from the tag layer's record: every reopen must send 0).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createAwsLayer } from '../src/aws/index';
import { createCostExplorerLayer } from '../src/aws/costExplorer/index';
import { costPeriod } from '../src/core/costPeriod';
import { DEFAULT_COST_SERVICES } from '../src/core/costs';
import { makeAwsHome } from '../test/support/awsFiles';
import { startCodeServer } from '../test/support/codeServer';
import { costMonthResult, queueCostAndUsage } from '../test/support/costExplorerLayer';
import { startMoto } from '../test/support/moto';
import { seedSampleFleet } from '../test/support/seed';
import { startTagLayer, type TagLayer } from '../test/support/tagLayer';
import { Workbench } from '../test/support/workbench';
import { median, sleep } from './stats';

export interface CostsBenchResult {
  sizes: { featureBytes: number; clientBytes: number; webviewBytes: number };
  /** Pages queued for the one query, and the GetCostAndUsage requests one refresh sent. */
  pages: number;
  requestsPerRefresh: number;
  panel?: {
    coldMs: number[];
    warmMs: number[];
    coldMedianMs: number;
    warmMedianMs: number;
    /** GetCostAndUsage requests of each cold open (= pages) and of each warm open (must be 0). */
    coldRequests: number[];
    warmRequests: number[];
    /** Dispatch → the webview's frame found by the harness (an upper bound of VS Code's part, polled). */
    warmFrameMs: number[];
    /**
     * The panel's script started → the table drawn: the extension's part of an open (the webview's
     * ready message, the figures from the cache or the query, the message back, drawing), without
     * VS Code creating the webview.
     */
    coldInPanelMs: number[];
    warmInPanelMs: number[];
    coldInPanelMedianMs: number;
    warmInPanelMedianMs: number;
  };
  panelError?: string;
}

const PAGES = 3;
const TAG_KEY = 'BillingGroup';

/** The one query's answer in PAGES pages, as moto queues it (a page per group value). */
function pagedResults(months: number): unknown[] {
  const p = costPeriod(new Date(), months);
  const bounds = p.months.map((m, i) => [`${m}-01`, i + 1 < p.months.length ? `${p.months[i + 1]}-01` : p.end] as const);
  const values = [['fleet-eu-west', 'fleet-us-east'], ['greenhouse-sensors', 'lab-prototypes'], ['warehouse-scanners', '']];
  return values.map((vs, page) => ({
    ResultsByTime: bounds.map(([s, e], i) => costMonthResult(s, e, TAG_KEY, Object.fromEntries(vs.map((v, k) => [v, 1 + i + k + page])), { estimated: i === bounds.length - 1 })),
    DimensionValueAttributes: [],
    ...(page + 1 < values.length ? { NextPageToken: `page-${page + 2}` } : {}),
  }));
}

const countCe = (layer: TagLayer) => layer.requests.filter((r) => r.operation === 'GetCostAndUsage').length;

async function requestsPerRefresh(): Promise<{ pages: number; requests: number }> {
  const moto = await startMoto();
  const layer = await startTagLayer(moto.endpoint);
  const home = makeAwsHome();
  const iot = createAwsLayer({ env: home.env() });
  const ce = createCostExplorerLayer();
  try {
    await queueCostAndUsage(moto.endpoint, pagedResults(6));
    const conn = await iot.resolveConnection({ profile: 'default', region: 'us-east-1', endpoint: layer.endpoint });
    const data = await ce
      .service(conn, iot.credentials(conn))
      .getCostAndUsage({ tagKey: TAG_KEY, metric: 'UnblendedCost', services: DEFAULT_COST_SERVICES, scope: [{ account: '123456789012', regions: ['us-east-1'] }], period: costPeriod(new Date(), 6), includeCreditsAndRefunds: false });
    if (data.pages !== PAGES) throw new Error(`the query read ${data.pages} pages, ${PAGES} were queued`);
    return { pages: PAGES, requests: countCe(layer) };
  } finally {
    ce.dispose();
    iot.dispose();
    home.remove();
    await layer.stop();
    await moto.stop();
  }
}

/**
 * Opens the panel through the palette: ms from the command's dispatch (the palette closed) to the
 * moment the webview drew the table (its `data-drawn-at`, same clock), and from the dispatch to the
 * webview's frame being there (VS Code's own part: creating the webview).
 */
async function timedOpen(wb: Workbench, rows: number): Promise<{ total: number; frame: number; inPanel: number }> {
  await wb.runCommand('AWS IoT: Show Billing Group Costs');
  const t0 = Date.now();
  const frameLocator = await wb.webview('Billing Group Costs', { timeout: 60_000 });
  const frameAt = Date.now();
  for (;;) {
    const table = frameLocator.locator('table#costs');
    if ((await table.locator('tbody tr').count()) === rows) {
      const drawnAt = Number(await table.getAttribute('data-drawn-at'));
      const scriptStart = Number(await table.getAttribute('data-script-start'));
      return { total: drawnAt - t0, frame: frameAt - t0, inPanel: drawnAt - scriptStart };
    }
    if (Date.now() - t0 > 60_000) throw new Error('the costs table did not show within 60 s');
    await sleep(20);
  }
}

async function measurePanel(vsix: string, servers: number, warmOpens: number, log: (l: string) => void): Promise<NonNullable<CostsBenchResult['panel']>> {
  const moto = await startMoto();
  const layer = await startTagLayer(moto.endpoint);
  const out = { coldMs: [] as number[], warmMs: [] as number[], coldRequests: [] as number[], warmRequests: [] as number[], warmFrameMs: [] as number[], coldInPanelMs: [] as number[], warmInPanelMs: [] as number[] };
  try {
    for (let s = 0; s < servers; s++) {
      await moto.reset();
      layer.clear();
      await seedSampleFleet(layer.endpoint);
      await queueCostAndUsage(moto.endpoint, pagedResults(6));
      const server = await startCodeServer({
        vsix: [vsix],
        settings: { 'iotBillingGroups.endpoint': layer.endpoint, 'iotBillingGroups.region': 'us-east-1' },
        aws: {
          config: '[default]\nregion = us-east-1\n',
          credentials: '[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n',
        },
      });
      let wb: Workbench | undefined;
      try {
        wb = await Workbench.open(server, { scenario: 'bench costs' });
        await wb.openViewContainer();
        await wb.waitForTreeItem('warehouse-scanners', { timeout: 60_000 });
        let before = countCe(layer);
        const cold = await timedOpen(wb, 6);
        out.coldMs.push(cold.total);
        out.coldInPanelMs.push(cold.inPanel);
        out.coldRequests.push(countCe(layer) - before);
        for (let i = 0; i < warmOpens; i++) {
          await wb.runCommand('View: Close All Editors');
          before = countCe(layer);
          const warm = await timedOpen(wb, 6);
          out.warmMs.push(warm.total);
          out.warmFrameMs.push(warm.frame);
          out.warmInPanelMs.push(warm.inPanel);
          out.warmRequests.push(countCe(layer) - before);
        }
        log(
          `  costs panel, server ${s + 1}: cold ${Math.round(out.coldMs.at(-1) ?? 0)} ms (in the panel ${Math.round(out.coldInPanelMs.at(-1) ?? 0)} ms), ` +
            `warm ${out.warmMs.slice(-warmOpens).map(Math.round).join(', ')} ms (in the panel ${out.warmInPanelMs.slice(-warmOpens).map(Math.round).join(', ')} ms)`,
        );
      } finally {
        await wb?.close();
        await server.stop();
      }
    }
  } finally {
    await layer.stop();
    await moto.stop();
  }
  return { ...out, coldMedianMs: median(out.coldMs), warmMedianMs: median(out.warmMs), coldInPanelMedianMs: median(out.coldInPanelMs), warmInPanelMedianMs: median(out.warmInPanelMs) };
}

export async function measureCosts(options: { repo: string; vsix: string; withWorkbench: boolean; log: (l: string) => void }): Promise<CostsBenchResult> {
  const size = (f: string) => fs.statSync(path.join(options.repo, f)).size;
  const sizes = { featureBytes: size('dist/costs.js'), clientBytes: size('dist/costs-aws.js'), webviewBytes: size('dist/webview/costs.js') };
  const refresh = await requestsPerRefresh();
  const result: CostsBenchResult = { sizes, pages: refresh.pages, requestsPerRefresh: refresh.requests };
  if (options.withWorkbench) {
    try {
      result.panel = await measurePanel(options.vsix, Number(process.env.COSTS_BENCH_SERVERS ?? 3), 5, options.log);
    } catch (e) {
      result.panelError = e instanceof Error ? (e.stack ?? e.message) : String(e);
    }
  }
  return result;
}
