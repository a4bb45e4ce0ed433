// The manifest's cost CodeLens in the real workbench (code-server, VS Code 1.100) against moto behind
// the tag layer, which records every request the extension sent (Cost Explorer's by X-Amz-Target).
// The costs cache is seeded as a person would: Show Billing Group Costs once, moto answering the one
// GetCostAndUsage from the result queued through its static results API. Then Export Billing Groups
// as Manifest: above each group's key the cost CodeLens shows the last full month and month to date
// from that cache, and no further Cost Explorer request is sent.
// With DOCS_SCREENSHOTS=1 the editor is also saved as docs/screenshots/manifest-cost-codelens.png.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { TagResourceCommand } from '@aws-sdk/client-iot';
import { costPeriod } from '../../src/core/costPeriod';
import { COST_EXPLORER_TARGET_PREFIX, costMonthResult, queueCostAndUsage } from '../support/costExplorerLayer';
import { MotoServer, startMoto } from '../support/moto';
import { SAMPLE_GROUPS, seedSampleFleet, testClient } from '../support/seed';
import { startTagLayer, TagLayer } from '../support/tagLayer';
import { SELECTORS, waitUntil, withWorkbench, type ScenarioOptions, type Workbench } from '../support/workbench';
import { waitForEditorText } from '../support/workbenchFoundation';

const AWS_FILES = {
  config: ['[default]', 'region = us-east-1', ''].join('\n'),
  credentials: ['[default]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'),
};
/** moto's account. */
const ACCOUNT = '123456789012';
const MONTHS = 2;
/** The groups Set Up Cost Allocation would have tagged BillingGroup=<name>; the others have no cost-allocation tag. */
const TAGGED = ['fleet-eu-west', 'fleet-us-east', 'greenhouse-sensors'];

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

/** Three months ending with this one: fleet-us-east has no usage this month, lab-prototypes' tag value is unknown to the manifest. */
function costResult() {
  const p = costPeriod(new Date(), MONTHS);
  const [m0, m1, m2] = p.months;
  return {
    ResultsByTime: [
      costMonthResult(`${m0}-01`, `${m1}-01`, 'BillingGroup', { 'fleet-eu-west': 12.34, 'greenhouse-sensors': 3.5, '': 0.75 }),
      costMonthResult(`${m1}-01`, `${m2}-01`, 'BillingGroup', { 'fleet-eu-west': 20, 'fleet-us-east': 5.25, 'old-group': 2, '': 1 }),
      costMonthResult(`${m2}-01`, p.end, 'BillingGroup', { 'fleet-eu-west': 4.5, 'greenhouse-sensors': 0.5, '': 0.1 }, { estimated: true }),
    ],
    DimensionValueAttributes: [],
  };
}

const costExplorerRequests = () => layer.requests.filter((r) => r.target?.startsWith(COST_EXPLORER_TARGET_PREFIX));

function options(): ScenarioOptions {
  return {
    server: {
      settings: {
        'iotBillingGroups.endpoint': layer.endpoint,
        'iotBillingGroups.region': 'us-east-1',
        'iotBillingGroups.costs.months': MONTHS,
        'workbench.colorTheme': 'Default Light Modern',
      },
      aws: AWS_FILES,
    },
  };
}

/**
 * Each CodeLens line of the visible editor with the text of the line right below it (a CodeLens is a
 * view zone above its line): [lens text, line text]. Separators ("|") between lenses are left out.
 */
async function lensesAboveLines(wb: Workbench): Promise<Array<[string, string]>> {
  const editor = wb.page.locator(`${SELECTORS.editorPart} .editor-instance`).filter({ visible: true }).first();
  return editor.evaluate((root) => {
    interface El {
      readonly textContent: string | null;
      getBoundingClientRect(): { top: number; bottom: number };
      querySelectorAll(s: string): ArrayLike<El>;
    }
    const r = root as unknown as El;
    const clean = (s: string | null) => (s ?? '').replace(/\u00a0/g, ' ').trim();
    const lines = Array.from(r.querySelectorAll('.view-lines .view-line')).map((l) => ({ top: l.getBoundingClientRect().top, text: clean(l.textContent) }));
    return Array.from(r.querySelectorAll('.codelens-decoration')).map((d) => {
      const text = Array.from(d.querySelectorAll('a, span'))
        .map((e) => clean(e.textContent))
        .filter((t) => t !== '' && t !== '|')
        .join(' | ');
      const bottom = d.getBoundingClientRect().bottom;
      const below = lines.filter((l) => l.top >= bottom - 2).sort((a, b) => a.top - b.top)[0];
      return [text, below?.text ?? ''] as [string, string];
    });
  });
}

test('manifest costs: Export shows each group\'s cached costs above its key, with no Cost Explorer request of its own', { timeout: 420_000 }, async () => {
  await moto.reset();
  layer.clear();
  await seedSampleFleet(layer.endpoint);
  // What Set Up Cost Allocation does for a group: its name as the cost-allocation tag.
  const iot = testClient(layer.endpoint);
  try {
    for (const name of TAGGED)
      await iot.send(new TagResourceCommand({ resourceArn: `arn:aws:iot:us-east-1:${ACCOUNT}:billinggroup/${name}`, tags: [{ Key: 'BillingGroup', Value: name }] }));
  } finally {
    iot.destroy();
  }
  layer.requests.length = 0;
  await queueCostAndUsage(moto.endpoint, [costResult()]);

  await withWorkbench('manifest costs codelens', options(), async ({ wb }) => {
    await wb.step('open the Billing Groups view', async () => {
      await wb.openViewContainer();
      await wb.waitForView();
      for (const g of SAMPLE_GROUPS) await wb.waitForTreeItem(g.name);
      assert.equal(costExplorerRequests().length, 0);
    });

    await wb.step('Show Billing Group Costs once: one GetCostAndUsage fills the cache', async () => {
      await wb.runCommand('AWS IoT: Show Billing Group Costs');
      const frame = await wb.webview('Billing Group Costs', { timeout: 60_000 });
      // fleet-eu-west, fleet-us-east, greenhouse-sensors, old-group, Unallocated.
      await waitUntil('the costs table', async () => (await frame.locator('table#costs tbody tr').count()) === 5, { timeout: 60_000 });
      assert.deepEqual(costExplorerRequests().map((r) => r.operation), ['GetCostAndUsage']);
      await wb.runCommand('View: Close All Editors');
    });

    await wb.step('Export Billing Groups as Manifest (without things)', async () => {
      await wb.runCommand('AWS IoT: Export Billing Groups as Manifest');
      await wb.waitForQuickInput();
      await wb.pickQuickInputItem('Groups, descriptions and tags (membership not managed)');
      await wb.waitForEditorTab(/^billing-groups\.json/);
      await waitForEditorText(wb, /"account": "123456789012"[\s\S]*"fleet-eu-west": \{/);
    });

    // Issue 16: each lens ends with the metric and the figures' "as of" (UTC, the time of the one query).
    const asOf = / · UnblendedCost, as of \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/;
    const expected: Array<[string, RegExp]> = [
      ['Plan | Apply', /^\{$/],
      ['Last month $20.00 · month to date $4.50', /^"fleet-eu-west": \{$/],
      ['Last month $5.25 · month to date $0.00', /^"fleet-us-east": \{$/],
      ['Last month $0.00 · month to date $0.50', /^"greenhouse-sensors": \{$/],
    ];
    await wb.step('the cost CodeLens above each costed group\'s key; none above groups without the tag', async () => {
      const lenses = await waitUntil('the Plan/Apply lens and three cost lenses', async () => {
        const l = await lensesAboveLines(wb);
        return l.length === expected.length && l.every(([t]) => t !== '') ? l : undefined;
      }, { timeout: 60_000, describe: async () => JSON.stringify(await lensesAboveLines(wb)) });
      assert.equal(lenses.length, expected.length, JSON.stringify(lenses));
      lenses.forEach(([text, line], i) => {
        if (i === 0) assert.equal(text, expected[i][0], JSON.stringify(lenses));
        else {
          assert.ok(text.startsWith(`${expected[i][0]} · UnblendedCost, as of `), JSON.stringify(lenses));
          assert.match(text, asOf, JSON.stringify(lenses));
        }
        assert.match(line, expected[i][1], JSON.stringify(lenses));
      });
      const shot = await wb.screenshot('docs-cost-codelens');
      if (process.env.DOCS_SCREENSHOTS) fs.copyFileSync(shot, path.join(__dirname, '..', '..', '..', 'docs', 'screenshots', 'manifest-cost-codelens.png'));
    });

    assert.deepEqual(costExplorerRequests().map((r) => r.operation), ['GetCostAndUsage'], 'the CodeLens sent no Cost Explorer request');
  });
});
