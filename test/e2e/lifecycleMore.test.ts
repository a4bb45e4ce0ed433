// More of the life of a billing group in the real workbench (code-server, VS Code 1.100), for what the
// emulator cannot show on its own. The extension talks to the test suite's version layer
// (test/support/versionLayer.ts: gives DescribeBillingGroup a `version`, answers chosen
// UpdateBillingGroup requests with VersionConflictException), in front of the tag layer, in front of moto.
//   1. edit description, someone else changed it: the warning offers "Reload and Retry"; the input
//      box reopens with the typed text; the retry carries the reloaded version and is saved
//   2. add thing with more than a page of things: the pick lists 250 and "Load more…"; the rest come
//      on request; a thing of the second page is added
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateBillingGroupCommand,
  CreateThingCommand,
  DescribeBillingGroupCommand,
  DescribeThingCommand,
  IoTClient,
  ListThingsCommand,
  ListThingsInBillingGroupCommand,
  UpdateBillingGroupCommand,
} from '@aws-sdk/client-iot';
import { MotoServer, startMoto } from '../support/moto';
import { SAMPLE_GROUPS, seedSampleFleet, testClient } from '../support/seed';
import { startTagLayer, TagLayer } from '../support/tagLayer';
import { startVersionLayer, VersionLayer } from '../support/versionLayer';
import { ScenarioOptions, SELECTORS, TIMEOUTS, waitUntil, withWorkbench, Workbench } from '../support/workbench';
import { checkQuickPickItem, clickQuickInputOk, waitForTreeChildren } from '../support/workbenchExtras';
import { withUnassigned } from '../support/workbenchFoundation';

const AWS_FILES = {
  config: ['[default]', 'region = us-east-1', ''].join('\n'),
  credentials: ['[default]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'),
};

const CMD = { editDescription: 'Edit Description', addThing: 'Add Thing to Billing Group' } as const;
const ALL_GROUPS = SAMPLE_GROUPS.map((g) => g.name).sort();
const LOAD_MORE = 'Load more…';

let moto: MotoServer;
let tags: TagLayer;
let versions: VersionLayer;
/** Straight to moto: what the emulator holds. */
let iot: IoTClient;

before(async () => {
  moto = await startMoto();
  tags = await startTagLayer(moto.endpoint);
  versions = await startVersionLayer(tags.endpoint);
  iot = testClient(moto.endpoint);
});

after(async () => {
  iot?.destroy();
  await versions?.stop();
  await tags?.stop();
  await moto?.stop();
});

async function reset(): Promise<void> {
  await moto.reset();
  tags.clear();
  versions.clear();
}

function scenarioOptions(): ScenarioOptions {
  return { server: { settings: { 'iotBillingGroups.endpoint': versions.endpoint, 'iotBillingGroups.region': 'us-east-1' }, aws: AWS_FILES } };
}

async function thingsIn(group: string): Promise<string[]> {
  const out = await iot.send(new ListThingsInBillingGroupCommand({ billingGroupName: group }));
  return (out.things ?? []).sort();
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** How many entries the quick pick has in all (its list is virtual: only those in sight are in the DOM). */
async function quickPickSize(wb: Workbench): Promise<number> {
  const sizes = await wb.page
    .locator(SELECTORS.quickInputRow)
    .evaluateAll((rows) => (rows as unknown as Array<{ getAttribute(n: string): string | null; getClientRects(): { length: number } }>)
      .filter((r) => r.getClientRects().length > 0)
      .map((r) => Number(r.getAttribute('aria-setsize') ?? '-1')));
  return sizes.length === 0 ? 0 : sizes[0];
}

// -------------------------------------------------------------------------------------------------

test('lifecycle more 1: Edit Description when someone else changed the group: Reload and Retry keeps the typed text and saves', { timeout: 240_000 }, async () => {
  await reset();
  await seedSampleFleet(moto.endpoint);
  const title = 'Edit Description of lab-prototypes';
  const mine = 'Rev D boards, bench 2';
  const theirs = 'Changed by a colleague';
  // Someone else's client, through the layer so the version moves on.
  const colleague = testClient(versions.endpoint);
  try {
    await withWorkbench('lifecycle more 1 edit description conflict', scenarioOptions(), async ({ wb }) => {
      await wb.step('open the Billing Groups view', async () => {
        await wb.openViewContainer();
        await wb.waitForView();
        await wb.waitForTreeLabels(withUnassigned(ALL_GROUPS));
      });

      await wb.step('edit description: the current text, loaded at version 1', async () => {
        await wb.runTreeItemContextMenu('lab-prototypes', CMD.editDescription);
        const s = await wb.waitForQuickInput({ title, timeout: TIMEOUTS.aws });
        assert.equal(s.value, SAMPLE_GROUPS.find((g) => g.name === 'lab-prototypes')?.description);
      });

      await wb.step('someone else changes the group meanwhile', async () => {
        await colleague.send(new UpdateBillingGroupCommand({ billingGroupName: 'lab-prototypes', billingGroupProperties: { billingGroupDescription: theirs } }));
        assert.equal(versions.versionOf('lab-prototypes'), 2);
        versions.conflictNext(1); // the service refuses the stale expectedVersion
      });

      await wb.step('edit description: the conflict offers Reload and Retry', async () => {
        await wb.typeInQuickInput(mine);
        await wb.pressEnterInQuickInput();
        const n = await wb.waitForNotification(/Someone else changed billing group lab-prototypes/, { timeout: TIMEOUTS.aws });
        assert.ok(n.buttons.includes('Reload and Retry'), JSON.stringify(n));
      });

      await wb.step('reload and retry: the input box holds the typed text', async () => {
        await wb.clickNotificationButton(/Someone else changed billing group lab-prototypes/, 'Reload and Retry');
        const s = await wb.waitForQuickInput({ title, timeout: TIMEOUTS.aws });
        assert.equal(s.value, mine);
      });

      await wb.step('reload and retry: saved', async () => {
        await wb.pressEnterInQuickInput();
        await wb.waitForQuickInputClosed({ timeout: TIMEOUTS.aws });
        await wb.waitForNotification('Updated the description of billing group lab-prototypes', { timeout: TIMEOUTS.aws });
        await waitUntil('lab-prototypes to show its new description', async () => (await wb.waitForTreeItem('lab-prototypes')).description === mine, {
          describe: () => wb.describeSidebar(),
        });
      });
    });
  } finally {
    colleague.destroy();
  }

  const updates = versions.updates.map((u) => ({ expectedVersion: u.expectedVersion, conflicted: u.conflicted, status: u.status }));
  assert.deepEqual(updates, [
    { expectedVersion: undefined, conflicted: false, status: 200 }, // the colleague's
    { expectedVersion: 1, conflicted: true, status: 409 }, // the extension's, with the version it loaded
    { expectedVersion: 2, conflicted: false, status: 200 }, // after the reload
  ]);
  assert.deepEqual(versions.updates[2].body, { billingGroupProperties: { billingGroupDescription: mine }, expectedVersion: 2 });
  const now = await iot.send(new DescribeBillingGroupCommand({ billingGroupName: 'lab-prototypes' }));
  assert.equal(now.billingGroupProperties?.billingGroupDescription, mine);
});

test('lifecycle more 2: Add Thing with more than a page of things: 250 and Load more…, then the rest; one of them added', { timeout: 300_000 }, async () => {
  await reset();
  const group = 'bulk-target';
  const all = Array.from({ length: 260 }, (_, i) => `thing-${String(i).padStart(3, '0')}`);
  await iot.send(new CreateBillingGroupCommand({ billingGroupName: group }));
  await eachLimited(all, 8, async (t) => {
    await iot.send(new CreateThingCommand({ thingName: t }));
  });
  // Which things the emulator puts on the second page of 250 (its order, not ours).
  const first = await iot.send(new ListThingsCommand({ maxResults: 250 }));
  assert.equal(first.things?.length, 250);
  assert.ok(first.nextToken, 'the emulator has a second page');
  const firstPage = new Set((first.things ?? []).map((t) => t.thingName ?? ''));
  const secondPage = all.filter((t) => !firstPage.has(t));
  assert.equal(secondPage.length, 10);
  const chosen = secondPage.includes('thing-259') ? 'thing-259' : secondPage[secondPage.length - 1];
  const addTitle = `Add Things to ${group}`;

  await withWorkbench('lifecycle more 2 add thing load more', scenarioOptions(), async ({ wb }) => {
    await wb.step('open the Billing Groups view', async () => {
      await wb.openViewContainer();
      await wb.waitForView();
      await wb.waitForTreeLabels(withUnassigned([group]));
    });

    await wb.step('add thing: the first 250 things and Load more…', async () => {
      await wb.runTreeItemContextMenu(group, CMD.addThing);
      await wb.waitForQuickInput({ title: addTitle });
      await waitUntil('250 things and Load more… (251 entries)', async () => (await quickPickSize(wb)) === 251, {
        timeout: TIMEOUTS.aws,
        describe: async () => `${await quickPickSize(wb)} entries: ${JSON.stringify((await wb.quickInputItems()).map((i) => i.label))}`,
      });
      // Typing the name of a second-page thing: not listed yet (only offered as typed), Load more… stays.
      await wb.typeInQuickInput(chosen);
      await waitUntil(`${chosen} offered as not listed, and Load more…`, async () => {
        const items = await wb.quickInputItems();
        return items.some((i) => i.label === chosen && i.description === 'not listed — checked before adding') && items.some((i) => i.label.endsWith(LOAD_MORE));
      }, { describe: async () => JSON.stringify(await wb.quickInputItems()) });
    });

    await wb.step('add thing: Load more… lists the rest', async () => {
      const more = wb.page
        .locator(SELECTORS.quickInputRow)
        .filter({ has: wb.page.locator(SELECTORS.quickInputRowLabel).filter({ hasText: LOAD_MORE }) })
        .first();
      await more.locator('.monaco-checkbox').click();
      await waitUntil(`${chosen} listed, and no Load more…`, async () => {
        const items = await wb.quickInputItems();
        const row = items.find((i) => i.label === chosen);
        return row !== undefined && row.description === '' && !items.some((i) => i.label.endsWith(LOAD_MORE));
      }, { timeout: TIMEOUTS.aws, describe: async () => JSON.stringify(await wb.quickInputItems()) });
      await wb.typeInQuickInput('');
      await waitUntil('all 260 things listed, no Load more…', async () => (await quickPickSize(wb)) === 260, {
        describe: async () => `${await quickPickSize(wb)} entries`,
      });
    });
    const lists = tags.requests.filter((r) => r.operation === 'ListThings');
    assert.equal(lists.length, 2, JSON.stringify(lists.map((r) => r.path)));
    assert.ok(!lists[0].path.includes('nextToken') && lists[1].path.includes('nextToken='), JSON.stringify(lists.map((r) => r.path)));

    await wb.step(`add thing: ${chosen} from the second page is added`, async () => {
      await wb.typeInQuickInput(chosen);
      await checkQuickPickItem(wb, chosen);
      await clickQuickInputOk(wb);
      await wb.waitForQuickInputClosed();
      await wb.waitForNotification(`Added thing ${chosen} to billing group ${group}`, { timeout: TIMEOUTS.aws });
      await wb.expandTreeItem(group);
      await waitForTreeChildren(wb, group, [chosen]);
    });
  });
  assert.deepEqual(await thingsIn(group), [chosen]);
  assert.equal((await iot.send(new DescribeThingCommand({ thingName: chosen }))).billingGroupName, group);
});
