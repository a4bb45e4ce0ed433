// What each billing group costs when things go wrong, in the real workbench (code-server, VS Code
// 1.100) in the high-contrast theme. One scenario walks every problem in one window (each window
// costs half a minute to start): moto behind the tag layer (its Cost Explorer stand-in queues each
// error as AWS sends it, test/support/costExplorerLayer.ts), behind the fault proxy, which makes the
// endpoint unreachable for the offline step. Every request is read from the layer's record.
//   - Refresh Costs with only the tree showing costs (showInTree, no panel): one new query, the
//     tree's descriptions change
//   - Set Up: a key Billing does not know yet → "try again tomorrow"; a backfill already asked for
//     within 24 hours → "once per 24 hours … try again tomorrow"
//   - the panel in high contrast: its table's text readable (WCAG ratio), a screenshot
//   - in the panel, each a sentence with its fix, the figures kept: missing ce:GetCostAndUsage,
//     Cost Explorer not enabled, no data yet, bills expired, offline (the cached figures, their age)
// A second scenario: groups tagged another way (costCenter) are matched through the tags the
// extension already read or wrote (Show Details, Edit Tags), with no request of its own.
// With DOCS_SCREENSHOTS=1 the panel is also saved as docs/screenshots/costs-panel-high-contrast.png.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { costPeriod } from '../../src/core/costPeriod';
import { costMonthResult, queueCostAndUsage } from '../support/costExplorerLayer';
import { FaultProxy, startFaultProxy } from '../support/faultProxy';
import { MotoServer, startMoto } from '../support/moto';
import { SAMPLE_GROUPS, seedSampleFleet } from '../support/seed';
import { RecordedRequest, startTagLayer, TagLayer } from '../support/tagLayer';
import { waitUntil, withWorkbench, Workbench } from '../support/workbench';
import { checkedQuickPickLabels, clickQuickInputOk } from '../support/workbenchExtras';

const AWS_FILES = {
  config: ['[default]', 'region = us-east-1', ''].join('\n'),
  credentials: ['[default]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'),
};
const PANEL_TITLE = 'Billing Group Costs';
const ALL_GROUPS = SAMPLE_GROUPS.map((g) => g.name).sort();
const MONTHS = 2;

let moto: MotoServer;
let layer: TagLayer;
let proxy: FaultProxy;

before(async () => {
  moto = await startMoto();
  layer = await startTagLayer(moto.endpoint);
  proxy = await startFaultProxy(layer.endpoint);
});
after(async () => {
  await proxy?.stop();
  await layer?.stop();
  await moto?.stop();
});

const sent = (operation: string): RecordedRequest[] => layer.requests.filter((r) => r.operation === operation);
const queries = () => sent('GetCostAndUsage').length;

/** Three months of figures; `now` is fleet-eu-west's month to date. */
function result(now: number) {
  const p = costPeriod(new Date(), MONTHS);
  const [m0, m1, m2] = p.months;
  return {
    ResultsByTime: [
      costMonthResult(`${m0}-01`, `${m1}-01`, 'BillingGroup', { 'fleet-eu-west': 12.34, 'greenhouse-sensors': 3.5, 'old-group': 1, '': 0.75 }),
      costMonthResult(`${m1}-01`, `${m2}-01`, 'BillingGroup', { 'fleet-eu-west': 20, 'fleet-us-east': 5.25, '': 1 }),
      costMonthResult(`${m2}-01`, p.end, 'BillingGroup', { 'fleet-eu-west': now, 'greenhouse-sensors': 0.5, 'fleet-us-east': -0.25 }, { estimated: true }),
    ],
    DimensionValueAttributes: [],
  };
}

async function description(wb: Workbench, name: string): Promise<string> {
  return (await wb.waitForTreeItem(name)).description ?? '';
}

/** WCAG contrast ratio of two computed CSS colours (as test/e2e/form.test.ts computes it; a translucent text colour is blended over its background first). */
function contrast(fg: string, bg: string): number {
  const rgba = (c: string) => (c.match(/[\d.]+/g) ?? ['0', '0', '0']).map(Number);
  const [br, bgn, bb] = rgba(bg);
  const [fr, fgn, fb, fa = 1] = rgba(fg);
  const blended = [fr * fa + br * (1 - fa), fgn * fa + bgn * (1 - fa), fb * fa + bb * (1 - fa)];
  const lum = (c: number[]) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(blended), lum([br, bgn, bb])].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}

/** The DOM as the browser gives it (this tsconfig has no DOM lib). */
interface StyledEl {
  readonly parentElement: StyledEl | null;
}
type GetStyle = (e: StyledEl) => { color: string; backgroundColor: string };

/** The text colour of the first element matching `selector` and the background it is drawn on (the first opaque one up the tree). */
async function colours(frame: FrameLocator, selector: string): Promise<{ color: string; background: string }> {
  return frame.locator(selector).first().evaluate((e) => {
    const style = (globalThis as unknown as { getComputedStyle: GetStyle }).getComputedStyle;
    let bg = 'rgb(0, 0, 0)';
    for (let n: StyledEl | null = e as unknown as StyledEl; n; n = n.parentElement) {
      const b = style(n).backgroundColor;
      if (b && b !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(b)) {
        bg = b;
        break;
      }
    }
    return { color: style(e as unknown as StyledEl).color, background: bg };
  });
}

async function problemText(frame: FrameLocator): Promise<string> {
  return (await frame.locator('#problem').isVisible().catch(() => false)) ? await frame.locator('#problem').innerText() : '';
}

test('costs problems (high contrast): tree-only Refresh, Set Up "try again tomorrow", each Cost Explorer problem in the panel, offline', { timeout: 600_000 }, async () => {
  await moto.reset();
  layer.clear();
  await seedSampleFleet(layer.endpoint);
  layer.requests.length = 0;
  await queueCostAndUsage(moto.endpoint, [result(4.5)]);
  const settings = {
    'iotBillingGroups.endpoint': proxy.endpoint,
    'iotBillingGroups.region': 'us-east-1',
    'iotBillingGroups.costs.months': MONTHS,
    'iotBillingGroups.costs.showInTree': true,
    'workbench.colorTheme': 'Default High Contrast',
  };
  await withWorkbench('costs problems high contrast', { server: { settings, aws: AWS_FILES } }, async ({ wb, server }) => {
    await wb.step('the tree shows month-to-date costs from one query', async () => {
      await wb.openViewContainer();
      await wb.waitForView();
      await waitUntil('fleet-eu-west to show $4.50', async () => (await description(wb, 'fleet-eu-west')) === '$4.50 this month', {
        timeout: 60_000,
        describe: () => wb.describeSidebar(),
      });
      assert.equal(queries(), 1);
    });

    await wb.step('Refresh Costs with only the tree: one new query, the tree\'s descriptions change, no panel', async () => {
      layer.costExplorer.answerNext('GetCostAndUsage', result(7.25));
      await wb.runCommand('AWS IoT: Refresh Costs');
      await waitUntil('fleet-eu-west to show $7.25', async () => (await description(wb, 'fleet-eu-west')) === '$7.25 this month', {
        timeout: 60_000,
        describe: async () => `${await description(wb, 'fleet-eu-west')}; ${queries()} queries`,
      });
      assert.equal(queries(), 2, 'one new Cost Explorer request');
      assert.equal(await description(wb, 'greenhouse-sensors'), '$0.50 this month', 'the other figures stay');
      assert.equal(await wb.page.locator('.tabs-container .tab', { hasText: PANEL_TITLE }).count(), 0, 'Refresh did not open the panel');
    });

    await wb.step('Set Up: a key Billing does not know yet says "try again tomorrow"', async () => {
      await wb.runCommand('AWS IoT: Set Up Cost Allocation…');
      await wb.waitForQuickInput({ title: /\(1\/3\)/, timeout: 60_000 });
      await wb.pickQuickInputItem('BillingGroup');
      await wb.waitForQuickInput({ title: /\(2\/3\): tag 5 billing groups/, timeout: 30_000 });
      assert.deepEqual((await checkedQuickPickLabels(wb)).sort(), ALL_GROUPS);
      await clickQuickInputOk(wb);
      await wb.waitForNotification('Tagged 5 billing groups with BillingGroup=<group name>.', { timeout: 60_000 });
      await wb.waitForNotification(/Billing does not know the tag key "BillingGroup" yet: a key applied minutes ago is unknown to Billing for up to 24 hours\. Try again tomorrow/, { timeout: 30_000 });
      assert.equal(sent('UpdateCostAllocationTagsStatus').length, 0, 'nothing activated');
      assert.equal(sent('ListCostAllocationTags').length, 1);
    });

    await wb.step('Set Up again the next day: active; a backfill asked for within 24 hours says so', async () => {
      await wb.clearNotifications();
      layer.costExplorer.tags.push({ key: 'BillingGroup', status: 'Active' });
      layer.costExplorer.backfills.push('2026-01-01T00:00:00Z'); // asked for earlier today
      await wb.runCommand('AWS IoT: Set Up Cost Allocation…');
      await wb.waitForQuickInput({ title: /\(1\/3\)/, timeout: 60_000 });
      await wb.pickQuickInputItem('BillingGroup');
      // Every group has the key now: no tagging step; straight to Billing.
      await wb.clickNotificationButton(/"BillingGroup" is active/, 'Backfill 12 Months', { timeout: 60_000 });
      // The backfill concerns every key of the organisation: a modal first (test/e2e/costs.test.ts reads it).
      assert.match((await wb.waitForDialog({ timeout: 30_000 })).detail, /every cost-allocation tag key of the organisation/);
      await wb.clickDialogButton('Backfill 12 Months');
      await wb.waitForNotification(/A backfill of cost-allocation tags can be asked for once per 24 hours, and one was asked for already\. Try again tomorrow\./, { timeout: 30_000 });
      assert.equal(sent('StartCostAllocationTagBackfill').length, 1);
      assert.equal(layer.costExplorer.backfills.length, 1, 'no second backfill');
      assert.equal(sent('TagResource').length, 5, 'no group tagged twice');
      assert.match(server.extensionLog(), /BackfillLimitExceeded/);
    });

    const frame = await wb.step('the panel in high contrast: from the cache, its table readable', async () => {
      await wb.clearNotifications();
      await wb.runCommand('AWS IoT: Show Billing Group Costs');
      const f = await wb.webview(PANEL_TITLE, { timeout: 60_000 });
      await waitUntil('the table', async () => (await f.locator('table#costs tbody tr').count()) === 5, { timeout: 60_000 });
      assert.equal(queries(), 2, 'the panel opened from the cache');
      assert.equal(await f.locator('tr[data-group="fleet-eu-west"] td').last().innerText(), '$39.59');
      for (const [what, selector] of [
        ['a column header', 'table#costs thead th button'],
        ['a group name', 'table#costs tbody th'],
        ['an amount', 'table#costs tbody td'],
        ['an estimated amount', 'table#costs tbody td[data-estimated="true"]'],
        ['a total', 'table#costs tfoot td'],
        ['the Refresh button', '#refresh'],
      ] as const) {
        const c = await colours(f, selector);
        const ratio = contrast(c.color, c.background);
        assert.ok(ratio >= 7, `high contrast: ${what} ${c.color} on ${c.background} has contrast ${ratio.toFixed(2)}, below 7`);
      }
      const file = await wb.screenshot('panel-high-contrast');
      if (process.env.DOCS_SCREENSHOTS) fs.copyFileSync(file, path.join(__dirname, '..', '..', '..', 'docs', 'screenshots', 'costs-panel-high-contrast.png'));
      return f;
    });

    /** Refresh in the panel with the next query failing: the sentence shown, one request, the figures kept. */
    const problem = async (type: string, message: string, expected: RegExp[]) => {
      const before = queries();
      layer.costExplorer.failNext('GetCostAndUsage', type, message);
      await frame.locator('#refresh').click();
      await waitUntil(`the ${type} sentence`, async () => expected[0].test(await problemText(frame)), { timeout: 60_000, describe: () => problemText(frame) });
      const text = await problemText(frame);
      for (const re of expected) assert.match(text, re);
      assert.equal(queries() - before, 1, `${type}: one request, not retried`);
      assert.equal(await frame.locator('table#costs tbody tr').count(), 5, `${type}: the figures are still shown`);
      return text;
    };

    await wb.step('problem: missing ce:GetCostAndUsage names the IAM action', async () => {
      await problem('AccessDeniedException', 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ce:GetCostAndUsage on resource: arn:aws:ce:us-east-1:123456789012:/GetCostAndUsage', [
        /not allowed ce:GetCostAndUsage/,
        /profile "default"/,
      ]);
      assert.match(server.extensionLog(), /Costs: CostAccessDenied/);
    });

    await wb.step('problem: Cost Explorer not enabled / IAM access to billing off (told apart by the message)', async () => {
      const text = await problem('AccessDeniedException', 'User not enabled for cost explorer access', [/Cost Explorer is not enabled for this account/, /IAM user and role access to Billing information/]);
      assert.doesNotMatch(text, /ce:GetCostAndUsage/);
    });

    await wb.step('problem: no data yet (DataUnavailableException)', async () => {
      await problem('DataUnavailableException', 'Data is not available. Please try to adjust the time period.', [/Cost Explorer has no data for this account yet/, /Try again tomorrow/]);
    });

    await wb.step('problem: bills expired (BillExpirationException) offers the months setting', async () => {
      await problem('BillExpirationException', 'The requested bill has expired.', [/no longer has the bills of the oldest months/, /iotBillingGroups\.costs\.months/]);
      assert.equal(await frame.locator('#problem button').count(), 1, 'the fix is a button');
    });

    await wb.step('offline: the endpoint unreachable: the cached figures with their age, no problem box', async () => {
      const rule = proxy.addRule({ fault: 'reset', times: Infinity });
      try {
        await frame.locator('#refresh').click();
        await waitUntil('the cached-figures notice', async () => /Showing the cached figures: Cannot reach/.test(await frame.locator('#notice').innerText().catch(() => '')), {
          timeout: 120_000,
          describe: async () => `notice: ${await frame.locator('#notice').innerText().catch(() => '')}; problem: ${await problemText(frame)}`,
        });
        assert.ok(rule.hits > 0, 'the requests were cut');
        assert.match(await frame.locator('#status').innerText(), /^as of .+\(cached\)/);
        assert.equal(await problemText(frame), '');
        assert.equal(await frame.locator('table#costs tbody tr').count(), 5);
        assert.equal(await frame.locator('tr[data-group="fleet-eu-west"] td').last().innerText(), '$39.59', 'the figures of the last query');
      } finally {
        rule.remove();
      }
    });

    await wb.step('back online: Refresh gets new figures; the tree follows', async () => {
      layer.costExplorer.answerNext('GetCostAndUsage', result(9));
      await frame.locator('#refresh').click();
      await waitUntil('fresh figures', async () => !/cached/.test(await frame.locator('#status').innerText()) && (await frame.locator('tr[data-group="fleet-eu-west"] td').last().innerText()) === '$41.34', {
        timeout: 60_000,
      });
      assert.equal(await frame.locator('#notice').isVisible(), false);
      await waitUntil('the tree to show $9.00', async () => (await description(wb, 'fleet-eu-west')) === '$9.00 this month', { describe: () => wb.describeSidebar() });
    });
  });
});

test('costs by tags known from details and Edit Tags: a value becomes its group, then a value two groups share', { timeout: 420_000 }, async () => {
  await moto.reset();
  layer.clear();
  proxy.reset();
  await seedSampleFleet(layer.endpoint);
  layer.requests.length = 0;
  const p = costPeriod(new Date(), MONTHS);
  await queueCostAndUsage(moto.endpoint, [
    {
      ResultsByTime: p.months.map((m, i) =>
        costMonthResult(`${m}-01`, i + 1 < p.months.length ? `${p.months[i + 1]}-01` : p.end, 'costCenter', i === 0 ? { 'logistics-eu': 10, 'ops-nl': 4, '': 1 } : {}),
      ),
      DimensionValueAttributes: [],
    },
  ]);
  const settings = {
    'iotBillingGroups.endpoint': proxy.endpoint,
    'iotBillingGroups.region': 'us-east-1',
    'iotBillingGroups.costs.months': MONTHS,
    'iotBillingGroups.costs.tagKey': 'costCenter',
    'workbench.colorTheme': 'Default Light Modern',
  };
  const rows = async (frame: FrameLocator) =>
    frame.locator('table#costs tbody tr').evaluateAll((trs) =>
      (trs as unknown as Array<{ getAttribute(n: string): string | null; querySelector(s: string): { textContent: string | null } | null }>).map((r) => [
        r.getAttribute('data-group'),
        r.getAttribute('data-value'),
        (r.querySelector('th')?.textContent ?? '').trim(),
      ]),
    );
  const showCosts = async (wb: Workbench, expected: Array<Array<string | null>>) => {
    await wb.runCommand('AWS IoT: Show Billing Group Costs');
    const frame = await wb.webview(PANEL_TITLE, { timeout: 60_000 });
    await waitUntil('the rows', async () => JSON.stringify(await rows(frame)) === JSON.stringify(expected), { timeout: 60_000, describe: async () => JSON.stringify(await rows(frame)) });
  };
  await withWorkbench('costs known tags', { server: { settings, aws: AWS_FILES } }, async ({ wb }) => {
    await wb.step('the panel: no group\'s tags known yet, so each value is a row of its own', async () => {
      await wb.openViewContainer();
      await wb.waitForView();
      await wb.waitForTreeItem('fleet-eu-west', { timeout: 45_000 });
      await showCosts(wb, [
        [null, 'logistics-eu', 'logistics-eu (no billing group)'],
        [null, 'ops-nl', 'ops-nl (no billing group)'],
        ['', null, 'Unallocated'],
      ]);
      assert.equal(queries(), 1);
      assert.equal(sent('ListTagsForResource').length, 0, 'costs read no tags of their own');
    });

    await wb.step('Show Details of fleet-eu-west reads its tags: logistics-eu is now its row, from the cache', async () => {
      await wb.runTreeItemContextMenu('fleet-eu-west', 'Show Billing Group Details');
      await wb.waitForEditorTab(/^fleet-eu-west\.json/);
      await showCosts(wb, [
        ['fleet-eu-west', null, 'fleet-eu-west'],
        [null, 'ops-nl', 'ops-nl (no billing group)'],
        ['', null, 'Unallocated'],
      ]);
      assert.equal(queries(), 1, 'no new Cost Explorer request');
    });

    await wb.step('Edit Tags puts warehouse-scanners on logistics-eu too: one row naming both; ops-nl matches no group', async () => {
      await wb.runTreeItemContextMenu('warehouse-scanners', 'Edit Tags');
      await wb.waitForQuickInput({ title: 'Edit Tags of warehouse-scanners', timeout: 45_000 });
      await wb.typeInQuickInput('costCenter=logistics-eu');
      await wb.pressEnterInQuickInput();
      await wb.waitForNotification('Tags of billing group warehouse-scanners saved: 1 set, 0 removed', { timeout: 45_000 });
      await showCosts(wb, [
        [null, 'logistics-eu', 'logistics-eu (shared by fleet-eu-west, warehouse-scanners)'],
        [null, 'ops-nl', 'ops-nl (no billing group)'],
        ['', null, 'Unallocated'],
      ]);
      assert.equal(queries(), 1, 'no new Cost Explorer request');
      assert.match(await (await wb.webview(PANEL_TITLE)).locator('#notice').innerText(), /shared by several billing groups/);
    });
  });
});
