// 00:00 UTC on the 1st, in the real workbench (code-server, VS Code 1.100) against moto behind the tag
// layer (issue 16): the costs cache key holds the period, so figures cached minutes before midnight on
// the last day of a month are never shown as "this month" after it.
//
// code-server runs at a chosen time: test/support/fakeClock.ts, loaded into each of its Node processes
// with NODE_OPTIONS=--require, adds an offset read from a file to the global Date, and the test
// rewrites the file to move the clock (timers keep their pace). libfaketime cannot serve: VS Code
// deletes LD_PRELOAD from the extension host's environment on Linux. The browser keeps the real clock;
// moto answers from results queued in order. Nothing of the extension, VS Code or the SDK is mocked.
//   1. the last day of the month, 23:50 UTC: the tree shows each group's "… this month" from one
//      query of that month's period; the panel opens from the cache
//   2. the clock passes 00:00 UTC on the 1st: within a minute the tree drops "this month" (no request)
//   3. the panel, shown again within the cache window, queries the new period (the new month is its
//      last column) instead of serving the old figures; the tree shows the new month's figures
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { costPeriod } from '../../src/core/costPeriod';
import { costMonthResult, queueCostAndUsage } from '../support/costExplorerLayer';
import { MotoServer, startMoto } from '../support/moto';
import { seedSampleFleet } from '../support/seed';
import { RecordedRequest, startTagLayer, TagLayer } from '../support/tagLayer';
import { waitUntil, withWorkbench, type Workbench } from '../support/workbench';

const AWS_FILES = {
  config: ['[default]', 'region = us-east-1', ''].join('\n'),
  credentials: ['[default]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'),
};
const PANEL_TITLE = 'Billing Group Costs';
const MONTHS = 2;

/** The clock shim, compiled beside this file's support folder (out/test/support/fakeClock.js). */
const CLOCK_SHIM = path.join(__dirname, '..', 'support', 'fakeClock.js');

let moto: MotoServer;
let layer: TagLayer;

before(async () => {
  moto = await startMoto();
  layer = await startTagLayer(moto.endpoint);
});
after(async () => {
  await layer?.stop();
  await moto?.stop();
});

const sent = (operation: string): RecordedRequest[] => layer.requests.filter((r) => r.operation === operation);

/** The first instant of the real current UTC month: the test's "midnight on the 1st". */
const realNow = new Date();
const midnight = Date.UTC(realNow.getUTCFullYear(), realNow.getUTCMonth(), 1);
const beforeMidnight = new Date(midnight - 10 * 60_000); // the last day of the month before, 23:50 UTC
const afterMidnight = new Date(midnight + 10 * 60_000); // the 1st, 00:10 UTC

/** Sets code-server's clock to `at` (from then on it runs at the real pace). */
function setClock(file: string, at: Date): void {
  fs.writeFileSync(file, `${at.getTime() - Date.now()}\n`);
}

/** The figures of the period that `at` falls in; `mtd` is fleet-eu-west's month to date. */
function resultFor(at: Date, mtd: number) {
  const p = costPeriod(at, MONTHS);
  return {
    ResultsByTime: p.months.map((m, i) =>
      costMonthResult(`${m}-01`, i + 1 < p.months.length ? `${p.months[i + 1]}-01` : p.end, 'BillingGroup', i + 1 < p.months.length ? { 'fleet-eu-west': 10 + i, '': 1 } : { 'fleet-eu-west': mtd, '': 0.25 }, {
        estimated: i + 1 === p.months.length,
      }),
    ),
    DimensionValueAttributes: [],
  };
}

async function description(wb: Workbench, name: string): Promise<string> {
  return (await wb.waitForTreeItem(name)).description ?? '';
}

test('costs at the month turn: figures cached before 00:00 UTC on the 1st are not "this month" after it', { timeout: 480_000 }, async () => {
  await moto.reset();
  layer.clear();
  await seedSampleFleet(layer.endpoint);
  layer.requests.length = 0;
  const oldPeriod = costPeriod(beforeMidnight, MONTHS);
  const newPeriod = costPeriod(afterMidnight, MONTHS);
  // moto answers the first query with the first result and a query with other parameters with the next.
  await queueCostAndUsage(moto.endpoint, [resultFor(beforeMidnight, 4.5), resultFor(afterMidnight, 0.75)]);
  const clockFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'costs-clock-')), 'offset-ms');
  setClock(clockFile, beforeMidnight);

  assert.ok(fs.existsSync(CLOCK_SHIM), CLOCK_SHIM);
  const env = { NODE_OPTIONS: `--require ${CLOCK_SHIM}`, IOTBG_CLOCK_OFFSET_FILE: clockFile };
  const settings = {
    'iotBillingGroups.endpoint': layer.endpoint,
    'iotBillingGroups.region': 'us-east-1',
    'iotBillingGroups.costs.months': MONTHS,
    'iotBillingGroups.costs.showInTree': true,
    'workbench.colorTheme': 'Default Light Modern',
  };
  await withWorkbench('costs month turn', { server: { settings, aws: AWS_FILES, env } }, async ({ wb, server }) => {
    await wb.step(`${beforeMidnight.toISOString()}: the tree shows this month's figures from one query of ${oldPeriod.months.join(', ')}`, async () => {
      await wb.openViewContainer();
      await wb.waitForView();
      await waitUntil('fleet-eu-west to show its month-to-date cost', async () => (await description(wb, 'fleet-eu-west')) === '$4.50 this month', {
        timeout: 90_000,
        describe: () => wb.describeSidebar(),
      });
      const reqs = sent('GetCostAndUsage');
      assert.equal(reqs.length, 1);
      assert.deepEqual((reqs[0].body as Record<string, unknown>).TimePeriod, { Start: oldPeriod.start, End: oldPeriod.end }, 'the extension host runs at the chosen time');
    });

    await wb.step('the panel opens from the cache: the old month is its last column', async () => {
      await wb.runCommand('AWS IoT: Show Billing Group Costs');
      const frame = await wb.webview(PANEL_TITLE, { timeout: 60_000 });
      await waitUntil('the cached figures', async () => /\(cached\)/.test(await frame.locator('#status').innerText().catch(() => '')), { timeout: 60_000 });
      const months = await frame.locator('thead th[data-month]').evaluateAll((ths) => ths.map((th) => (th as unknown as { getAttribute(n: string): string | null }).getAttribute('data-month')));
      assert.deepEqual(months, oldPeriod.months);
      assert.equal(sent('GetCostAndUsage').length, 1);
    });

    await wb.step(`the clock passes 00:00 UTC on the 1st (${afterMidnight.toISOString()}): the tree drops "this month" within a minute, nothing is sent`, async () => {
      setClock(clockFile, afterMidnight);
      await waitUntil('fleet-eu-west to show no "this month"', async () => !/this month/.test(await description(wb, 'fleet-eu-west')), {
        timeout: 120_000,
        describe: async () => `${await description(wb, 'fleet-eu-west')}; ${server.extensionLog().split('\n').filter((l) => /new month/.test(l)).join(' | ')}`,
      });
      assert.match(server.extensionLog(), new RegExp(`a new month \\(${newPeriod.months.at(-1)}\\) began`));
      assert.equal(sent('GetCostAndUsage').length, 1, 'no Cost Explorer request for it');
    });

    await wb.step('the panel, shown again within the cache window, queries the new period instead of serving the old figures', async () => {
      await wb.runCommand('AWS IoT: Show Billing Group Costs');
      const frame = await wb.webview(PANEL_TITLE, { timeout: 60_000 });
      await waitUntil('a second GetCostAndUsage', async () => sent('GetCostAndUsage').length === 2, { timeout: 60_000 });
      assert.deepEqual((sent('GetCostAndUsage')[1].body as Record<string, unknown>).TimePeriod, { Start: newPeriod.start, End: newPeriod.end });
      await waitUntil('the new month as the last column', async () => {
        const months = await frame.locator('thead th[data-month]').evaluateAll((ths) => ths.map((th) => (th as unknown as { getAttribute(n: string): string | null }).getAttribute('data-month')));
        return JSON.stringify(months) === JSON.stringify(newPeriod.months);
      }, { timeout: 60_000 });
      assert.doesNotMatch(await frame.locator('#status').innerText(), /cached/);
      await wb.screenshot('month-turn-panel');
      await waitUntil('the tree to show the new month to date', async () => (await description(wb, 'fleet-eu-west')) === '$0.75 this month', { timeout: 60_000, describe: () => wb.describeSidebar() });
    });
  });
});
