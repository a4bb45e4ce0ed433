// Issue 12 (and issue 16's corrections) in the real workbench (code-server, VS Code 1.100) against
// moto. The extension talks to the fault proxy, in front of the thing layer (test/support/thingLayer.ts:
// AddThingToBillingGroup moves a thing out of its previous group and ListThingPrincipalsV2 gives each
// attachment's type, as AWS does and moto does not), in front of the tag layer, which records every
// request that reaches moto, so what the extension sent is checked where it arrived:
//   1. things without a billing group  the root item after the groups; expanded, it counts in
//      ⌈T/250⌉ + Σ max(1, ⌈n_g/250⌉) calls and shows "263 things"; Load more…; drag onto a group and
//      "Assign to Billing Group…" on two selected things, and Remove Thing on a group's thing, update
//      the count in place (no recount); Refresh while expanded counts again
//   2. bulk sources                     a thing type, an attribute value (and one that matches
//      nothing), a name prefix with and without "Move things that are in other billing groups",
//      a CSV file (bad line, duplicate, unknown name); the same assignment again only reports
//      "already in the group"
//   3. cancel half-way                  "Things without a billing group" of 60 things; Cancel in the
//      progress notification: no call after it, the report matches the emulator
//   4. cost attribution                 the time said first; the report per group, what it cannot see;
//      then from the palette (a group picker), a file with no valid name says why and sends nothing
//   5. group deleted meanwhile          the run stops with a sentence; nothing is reported failed
//   6. Remove Thing beyond 250          the group's things 250 at a time with Load more…, or a typed
//      name checked with DescribeThing; a thing of another group is refused and nothing is sent
//   7. the count's age                  the preview says how old the count is; a thing that joined a
//      group after the count is left there ("Move…" unticked), nothing sent for it; a count older
//      than iotBillingGroups.things.recountAfterMinutes is made again before the preview
//   8. a failed step                    the report says where each failed thing ended up, read back
// With DOCS_SCREENSHOTS=1 the item, the preview, a report and the attribution report are also saved as
// docs/screenshots/things-*.png for the README.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import {
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreateThingCommand,
  CreateThingTypeCommand,
  AddThingToBillingGroupCommand,
  CreateBillingGroupCommand,
  DeleteBillingGroupCommand,
  IoTClient,
  ListThingsInBillingGroupCommand,
} from '@aws-sdk/client-iot';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { MotoServer, startMoto } from '../support/moto';
import { seedSampleFleet, testClient } from '../support/seed';
import { RecordedRequest, startTagLayer, TagLayer } from '../support/tagLayer';
import { startThingLayer, type ThingLayer } from '../support/thingLayer';
import { ScenarioOptions, waitUntil, withWorkbench, Workbench } from '../support/workbench';
import { clickTreeItemWith, dragTreeItemOnto, treeChildren, waitForTreeSelection } from '../support/workbenchExtras';
import { scrollTreeTo, waitForEditorText } from '../support/workbenchReliability';

const AWS_FILES = {
  config: ['[default]', 'region = us-east-1', ''].join('\n'),
  credentials: ['[default]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'),
};

const UNASSIGNED = 'Things without a billing group';
const CMD = {
  assignThings: 'Assign Things to Billing Group…',
  assignTo: 'Assign to Billing Group…',
  checkAttribution: 'Check Cost Attribution',
  refresh: 'Refresh',
};
const SOURCES = ['Things without a billing group', 'Things of a thing type…', 'Things with an attribute value…', 'Things whose names start with…', 'Thing names from a file…'];
const GROUPS = ['fleet-eu-west', 'fleet-us-east', 'greenhouse-sensors', 'lab-prototypes', 'warehouse-scanners'];

let moto: MotoServer;
let layer: TagLayer;
let thingLayer: ThingLayer;
let proxy: FaultProxy;
let iot: IoTClient;
/** Through the thing layer: attachments made with a type are seen by ListThingPrincipalsV2. */
let iotAsAws: IoTClient;
let scratch: string;

before(async () => {
  moto = await startMoto();
  layer = await startTagLayer(moto.endpoint);
  thingLayer = await startThingLayer(layer.endpoint, { direct: moto.endpoint });
  proxy = await startFaultProxy(thingLayer.endpoint);
  iot = testClient(moto.endpoint);
  iotAsAws = testClient(thingLayer.endpoint);
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'things-e2e-'));
});

after(async () => {
  iot?.destroy();
  iotAsAws?.destroy();
  await proxy?.stop();
  await thingLayer?.stop();
  await layer?.stop();
  await moto?.stop();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

async function inParallel<T>(items: readonly T[], width: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await task(items[next++]);
  }));
}

/** The sample fleet (3 things in no group) and `extra` more, nothing recorded yet. */
async function freshFleet(extra: () => Promise<void> = async () => undefined): Promise<void> {
  await moto.reset();
  layer.clear();
  thingLayer.clear();
  proxy.reset();
  await seedSampleFleet(moto.endpoint);
  await extra();
  layer.requests.length = 0;
  thingLayer.requests.length = 0;
}

function scenarioOptions(settings: Record<string, unknown> = {}): ScenarioOptions {
  return { server: { settings: { 'iotBillingGroups.endpoint': proxy.endpoint, 'iotBillingGroups.region': 'us-east-1', ...settings }, aws: AWS_FILES } };
}

const sent = (operation: string): RecordedRequest[] => layer.requests.filter((r) => r.operation === operation);
const addsTo = (group: string) => sent('AddThingToBillingGroup').filter((r) => (r.body as { billingGroupName?: string })?.billingGroupName === group);

async function thingsIn(group: string): Promise<string[]> {
  const all: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await iot.send(new ListThingsInBillingGroupCommand({ billingGroupName: group, nextToken, maxResults: 250 }));
    all.push(...(out.things ?? []));
    nextToken = out.nextToken;
  } while (nextToken);
  return all.sort();
}

/** A screenshot of the step (kept with the e2e artifacts), copied into docs/screenshots with DOCS_SCREENSHOTS=1. */
async function docsShot(wb: Workbench, name: string): Promise<void> {
  const file = await wb.screenshot(`docs-${name}`);
  if (process.env.DOCS_SCREENSHOTS) fs.copyFileSync(file, path.join(__dirname, '..', '..', '..', 'docs', 'screenshots', `things-${name}.png`));
}

async function openView(wb: Workbench): Promise<void> {
  await wb.openViewContainer();
  await wb.waitForView();
  await wb.waitForTreeItem('warehouse-scanners');
}

async function unassignedDescription(wb: Workbench, expected: string | RegExp): Promise<string> {
  return waitUntil(
    `"${UNASSIGNED}" to say ${String(expected)}`,
    async () => {
      const item = (await wb.treeItems()).find((i) => i.label === UNASSIGNED);
      if (!item) return undefined;
      return (typeof expected === 'string' ? item.description === expected : expected.test(item.description)) ? item.description : undefined;
    },
    { timeout: 60_000, describe: () => wb.describeSidebar() },
  );
}

/** Runs "Assign Things to Billing Group…" from a group's context menu and picks the source. */
async function startAssign(wb: Workbench, group: string, source: string): Promise<void> {
  await wb.runTreeItemContextMenu(group, CMD.assignThings);
  const first = await wb.waitForQuickInput({ title: 'Assign Things to Billing Group' });
  assert.deepEqual(first.items.map((i) => i.label), SOURCES, 'exactly the five sources');
  await wb.pickQuickInputItem(source);
}

/** The preview: its separator lines (the plan) and entries. */
async function waitForPreview(wb: Workbench, group: string, summary: RegExp): Promise<string> {
  await wb.waitForQuickInput({ title: `Assign to ${group}: preview` });
  return waitUntil(
    `the preview to say ${String(summary)}`,
    async () => {
      const text = (await wb.page.locator('.quick-input-widget .quick-input-list').innerText()).replace(/\s+/g, ' ');
      return summary.test(text) ? text : undefined;
    },
    { timeout: 60_000, describe: async () => (await wb.page.locator('.quick-input-widget .quick-input-list').innerText()).slice(0, 1000) },
  );
}

async function confirmAssign(wb: Workbench, message: string | RegExp): Promise<void> {
  await wb.pressEnterInQuickInput();
  const dialog = await wb.waitForDialog({ timeout: 60_000 });
  assert.match(dialog.message, typeof message === 'string' ? new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : message);
  assert.ok(dialog.buttons.includes('Assign'), JSON.stringify(dialog.buttons));
  await wb.clickDialogButton('Assign');
}

// -------------------------------------------------------------------------------------------------

test('things 1: things without a billing group: count on expand, Load more…, drag and Assign to update it in place, Refresh recounts', { timeout: 300_000 }, async () => {
  const bulk = Array.from({ length: 260 }, (_, i) => `bulk-${String(i).padStart(3, '0')}`);
  await freshFleet(() => inParallel(bulk, 16, (thingName) => iot.send(new CreateThingCommand({ thingName }))));
  await withWorkbench('things 1 unassigned item', scenarioOptions(), async ({ wb }) => {
    await wb.step('open the view: the item comes after the groups, not counted yet', async () => {
      await openView(wb);
      await wb.waitForTreeLabels([...GROUPS, UNASSIGNED]);
      const item = (await wb.treeItems()).find((i) => i.label === UNASSIGNED);
      assert.equal(item?.expanded, false);
      assert.equal(item?.description, '');
    });
    assert.equal(sent('ListThings').length, 0, 'nothing is counted before the item is expanded');

    await wb.step('expand: counted, 250 shown', async () => {
      await wb.expandTreeItem(UNASSIGNED);
      await unassignedDescription(wb, '263 things');
      await waitUntil('the first things under the item', async () => (await treeChildren(wb, UNASSIGNED)).map((c) => c.label)[0] === 'bulk-000', { describe: () => wb.describeSidebar() });
      await docsShot(wb, 'unassigned');
    });
    // 272 things, 5 groups of at most 3: ⌈272/250⌉ + 5 × 1 calls, 250 a page; one ListBillingGroups page.
    assert.equal(sent('ListThings').length, 2, JSON.stringify(sent('ListThings').map((r) => r.path)));
    assert.equal(sent('ListThingsInBillingGroup').filter((r) => /maxResults=250/.test(r.path)).length, 5);
    assert.ok(sent('ListThings').every((r) => /maxResults=250/.test(r.path)));

    await wb.step('Load more… shows the rest', async () => {
      const rows = await scrollTreeTo(wb, 'End');
      assert.ok(rows.some((r) => r.label === 'Load more…'), JSON.stringify(rows.map((r) => r.label)));
      await wb.clickTreeItem('Load more…');
      await waitUntil('the last things after Load more…', async () => (await scrollTreeTo(wb, 'End')).some((r) => r.label === 'van-0301'), { timeout: 45_000, describe: () => wb.describeSidebar() });
      await scrollTreeTo(wb, 'Home');
    });

    const listed = sent('ListThings').length;
    await wb.step('drag a thing onto a group: assigned, the count follows without a recount', async () => {
      await dragTreeItemOnto(wb, 'bulk-000', 'warehouse-scanners');
      await wb.waitForNotification('Assigned 1 thing to billing group warehouse-scanners');
      await unassignedDescription(wb, '262 things');
      await wb.waitForTreeItemGone('bulk-000');
    });
    assert.deepEqual(await thingsIn('warehouse-scanners'), ['bulk-000']);

    await wb.step('two selected things: "Assign to Billing Group…" asks for the group', async () => {
      await wb.clickTreeItem('bulk-001');
      await clickTreeItemWith(wb, 'bulk-002', ['Control']);
      await waitForTreeSelection(wb, ['bulk-001', 'bulk-002']);
      await wb.runTreeItemContextMenu('bulk-002', CMD.assignTo);
      await wb.waitForQuickInput();
      await wb.pickQuickInputItem('lab-prototypes');
      await wb.waitForNotification('Assigned 2 things to billing group lab-prototypes');
      await unassignedDescription(wb, '260 things');
    });
    assert.deepEqual(await thingsIn('lab-prototypes'), ['bulk-001', 'bulk-002', 'proto-a']);
    await wb.step('a thing removed from its group with "Remove Thing from Billing Group" joins the count in place', async () => {
      await wb.expandTreeItem('fleet-eu-west');
      await wb.waitForTreeItem('van-0101');
      await wb.runTreeItemContextMenu('van-0101', 'Remove Thing from Billing Group');
      await wb.waitForNotification('Removed thing van-0101 from billing group fleet-eu-west');
      await unassignedDescription(wb, '261 things');
    });
    assert.equal(sent('ListThings').length, listed, 'updated in place: no recount');

    await wb.step('Refresh while expanded counts again', async () => {
      await wb.clickViewTitleAction(CMD.refresh);
      await waitUntil('a new count', async () => sent('ListThings').length > listed, { timeout: 60_000 });
      await unassignedDescription(wb, '261 things');
    });
  });
});

test('things 2: bulk sources, the preview and its move checkbox, and a repeated run', { timeout: 420_000 }, async () => {
  await freshFleet(async () => {
    await iot.send(new CreateThingTypeCommand({ thingTypeName: 'scanner' }));
    for (const thingName of ['scan-01', 'scan-02', 'scan-03']) await iot.send(new CreateThingCommand({ thingName, thingTypeName: 'scanner' }));
    for (const thingName of ['rot-1', 'rot-2']) await iot.send(new CreateThingCommand({ thingName, attributePayload: { attributes: { site: 'rotterdam' } } }));
  });
  const csv = path.join(scratch, 'greenhouse.csv');
  fs.writeFileSync(csv, ['serial,thingName', '1,soil-19', '2,bad name', '3,soil-19', '4,ghost-1', '5,proto-b', ''].join('\n'));

  await withWorkbench('things 2 bulk sources', scenarioOptions(), async ({ wb }) => {
    await wb.step('open the view', () => openView(wb));

    await wb.step('a thing type: its three things are added', async () => {
      await startAssign(wb, 'warehouse-scanners', 'Things of a thing type…');
      await wb.waitForQuickInput({ title: 'Things of a thing type…' });
      await wb.pickQuickInputItem('scanner');
      const text = await waitForPreview(
        wb,
        'warehouse-scanners',
        /3 things will be added to "warehouse-scanners" 0 already in it \(skipped\) 0 in other billing groups stay there 3 things to send: 6 calls, a moment at 8 things \(16 calls\) a second Per thing: a DescribeThing check, then one AddThingToBillingGroup/,
      );
      // Three things of the type, five groups: one DescribeThing each is fewer calls than a count.
      assert.match(text, /Membership looked up (just now|\d+ seconds ago); each thing is checked again just before its add/);
      await confirmAssign(wb, 'Assign 3 things to billing group warehouse-scanners?');
      await waitForEditorText(wb, /Added: +3/);
    });
    assert.ok(layer.requests.some((r) => r.operation === 'ListThings' && /thingTypeName=scanner/.test(r.path)), 'the service filters by type');
    assert.deepEqual(await thingsIn('warehouse-scanners'), ['scan-01', 'scan-02', 'scan-03']);
    assert.equal(addsTo('warehouse-scanners').length, 3);
    assert.equal(sent('ListThingsInBillingGroup').length, 0, 'no full count for three things');
    // Three lookups, then the check before each add: what the preview said, 6 calls for the run.
    assert.equal(sent('DescribeThing').length, 3 + 3);

    await wb.step('the same again: only "already in the group", nothing sent', async () => {
      await startAssign(wb, 'warehouse-scanners', 'Things of a thing type…');
      await wb.waitForQuickInput({ title: 'Things of a thing type…' });
      await wb.pickQuickInputItem('scanner');
      await waitForEditorText(wb, /Skipped: 3 \(already in the group\)/);
    });
    assert.equal(addsTo('warehouse-scanners').length, 3, 'no new call');

    await wb.step('an attribute value that matches nothing says so and assigns nothing', async () => {
      await startAssign(wb, 'lab-prototypes', 'Things with an attribute value…');
      await wb.waitForQuickInput({ title: 'Things with an attribute value…' });
      await wb.submitQuickInput('site');
      await wb.waitForQuickInput({ title: 'Things with an attribute value…' });
      await wb.submitQuickInput('nowhere');
      await wb.waitForNotification('No thing has the attribute site = nowhere: nothing to assign.');
    });
    assert.equal(addsTo('lab-prototypes').length, 0);

    await wb.step('an attribute value: filtered by the service, both added', async () => {
      await startAssign(wb, 'lab-prototypes', 'Things with an attribute value…');
      await wb.waitForQuickInput({ title: 'Things with an attribute value…' });
      await wb.submitQuickInput('site');
      await wb.waitForQuickInput({ title: 'Things with an attribute value…' });
      await wb.submitQuickInput('rotterdam');
      await waitForPreview(wb, 'lab-prototypes', /2 things will be added/);
      await confirmAssign(wb, 'Assign 2 things to billing group lab-prototypes?');
      await waitForEditorText(wb, /Added: +2/);
    });
    assert.ok(layer.requests.some((r) => r.operation === 'ListThings' && /attributeName=site/.test(r.path) && /attributeValue=rotterdam/.test(r.path)));
    assert.deepEqual(await thingsIn('lab-prototypes'), ['proto-a', 'rot-1', 'rot-2']);

    await wb.step('a name prefix, move not ticked: things of other groups stay there', async () => {
      await startAssign(wb, 'fleet-us-east', 'Things whose names start with…');
      await wb.waitForQuickInput({ title: 'Things whose names start with…' });
      await wb.submitQuickInput('van-');
      const text = await waitForPreview(wb, 'fleet-us-east', /1 thing will be added to "fleet-us-east" 2 already in it \(skipped\) 3 in other billing groups stay there/);
      assert.match(text, /Found by a full scan of 17 things \(1 ListThings calls\), filtered here\./);
      assert.match(text, /Move things that are in other billing groups/);
      assert.match(text, /They leave "fleet-eu-west" \(3\)\./);
      await confirmAssign(wb, 'Assign 1 thing to billing group fleet-us-east?');
      const report = await waitForEditorText(wb, /Left in other billing groups: 3/);
      assert.match(report, /Added: +1/);
      assert.match(report, /Skipped: 2/);
    });
    assert.deepEqual(await thingsIn('fleet-eu-west'), ['van-0101', 'van-0102', 'van-0103']);

    await wb.step('the same prefix with "Move…" ticked: the three move', async () => {
      await startAssign(wb, 'fleet-us-east', 'Things whose names start with…');
      await wb.waitForQuickInput({ title: 'Things whose names start with…' });
      await wb.submitQuickInput('van-');
      await waitForPreview(wb, 'fleet-us-east', /0 things will be added/);
      // The toggle: picking it ticks it (and the plan says they move), the preview stays open.
      await wb.pickQuickInputItem('Move things that are in other billing groups');
      await waitForPreview(wb, 'fleet-us-east', /3 in other billing groups will move 3 things to send: 6 calls/);
      await docsShot(wb, 'preview');
      await confirmAssign(wb, 'Assign 3 things to billing group fleet-us-east?');
      await waitForEditorText(wb, /Moved: +3/);
      await docsShot(wb, 'report');
    });
    // A move is the add alone: AWS (here the thing layer) takes the thing out of its previous group.
    assert.equal(sent('RemoveThingFromBillingGroup').length, 0);
    assert.deepEqual(thingLayer.moves.map((m) => `${m.thing}:${m.from}`).sort(), ['van-0101:fleet-eu-west', 'van-0102:fleet-eu-west', 'van-0103:fleet-eu-west']);
    assert.deepEqual(await thingsIn('fleet-eu-west'), []);
    assert.deepEqual(await thingsIn('fleet-us-east'), ['van-0101', 'van-0102', 'van-0103', 'van-0201', 'van-0202', 'van-0301']);

    await wb.step('a CSV file: the column by its header; a bad line, a duplicate and an unknown name', async () => {
      await startAssign(wb, 'greenhouse-sensors', 'Thing names from a file…');
      // code-server's own open dialog: a quick input that takes a path.
      await wb.waitForQuickInput();
      const input = wb.page.locator('.quick-input-widget .quick-input-box input');
      await input.fill(csv);
      await waitUntil('the open dialog to list the file', async () => (await wb.quickInputItems()).some((i) => i.label === 'greenhouse.csv'));
      await waitUntil(
        'the file to be opened (the column pick)',
        async () => {
          if ((await wb.quickInputItems()).some((i) => i.label === 'thingName')) return true;
          if ((await input.inputValue()) !== csv) await input.fill(csv);
          await input.press('Enter');
          await new Promise((r) => setTimeout(r, 1000));
          return (await wb.quickInputItems()).some((i) => i.label === 'thingName');
        },
        { timeout: 30_000, describe: async () => JSON.stringify(await wb.quickInputState()) },
      );
      await wb.pickQuickInputItem('thingName');
      await waitForPreview(wb, 'greenhouse-sensors', /2 things will be added/);
      await confirmAssign(wb, 'Assign 2 things to billing group greenhouse-sensors?');
      const report = await waitForEditorText(wb, /Not found in the account: 1/);
      assert.match(report, /Invalid lines in the file: 1 \(never sent\)/);
      assert.match(report, /line 3: bad name/);
      assert.match(report, /ghost-1/);
    });
    assert.deepEqual(await thingsIn('greenhouse-sensors'), ['humid-03', 'proto-b', 'soil-17', 'soil-18', 'soil-19']);
    assert.ok(!layer.requests.some((r) => JSON.stringify(r.body ?? '').includes('bad name')), 'a bad line is never sent');
  });
});

test('things 3: Cancel half-way: no call after it, what was done stays done and the report says so', { timeout: 300_000 }, async () => {
  const many = Array.from({ length: 60 }, (_, i) => `dev-${String(i).padStart(2, '0')}`);
  await freshFleet(() => inParallel(many, 16, (thingName) => iot.send(new CreateThingCommand({ thingName }))));
  await withWorkbench('things 3 cancel', scenarioOptions(), async ({ wb }) => {
    await wb.step('open the view', () => openView(wb));
    await wb.step('every thing without a group, previewed', async () => {
      await startAssign(wb, 'warehouse-scanners', 'Things without a billing group');
      await waitForPreview(wb, 'warehouse-scanners', /63 things will be added/);
      await confirmAssign(wb, 'Assign 63 things to billing group warehouse-scanners?');
    });
    let atCancel = 0;
    await wb.step('Cancel in the progress notification after some are added', async () => {
      await waitUntil('ten adds', async () => addsTo('warehouse-scanners').length >= 10, { timeout: 60_000 });
      await wb.clickNotificationButton(/Assigning 63 things to warehouse-scanners/, 'Cancel');
      atCancel = addsTo('warehouse-scanners').length;
      await waitForEditorText(wb, /Cancelled: no call started after Cancel/);
    });
    const report = await waitForEditorText(wb, /Added: +\d+/);
    const added = Number(/Added: +(\d+)/.exec(report)?.[1]);
    await new Promise((r) => setTimeout(r, 2000));
    const adds = addsTo('warehouse-scanners').length;
    assert.ok(adds <= atCancel + 3, `at most the calls under way finish after Cancel: ${adds} vs ${atCancel}`);
    assert.ok(added < 63 && added >= 10, report);
    assert.equal((await thingsIn('warehouse-scanners')).length, added, 'the report matches the emulator');
    assert.equal(adds, added, 'each call is one thing, none failed');
    assert.match(report, new RegExp(`Not started: ${63 - added}`));
  });
});

test('things 4: Check Cost Attribution: the time first, then a report per group that says what it cannot see', { timeout: 240_000 }, async () => {
  await freshFleet(async () => {
    const active = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    const exclusive = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    const inactive = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: false }));
    await iotAsAws.send(new AttachThingPrincipalCommand({ thingName: 'van-0101', principal: exclusive.certificateArn, thingPrincipalType: 'EXCLUSIVE_THING' }));
    await iotAsAws.send(new AttachThingPrincipalCommand({ thingName: 'van-0102', principal: active.certificateArn }));
    await iotAsAws.send(new AttachThingPrincipalCommand({ thingName: 'van-0103', principal: inactive.certificateArn }));
  });
  await withWorkbench('things 4 attribution', scenarioOptions(), async ({ wb }) => {
    await wb.step('open the view', () => openView(wb));
    await wb.step('from the group menu: the time is said before anything starts', async () => {
      await wb.runTreeItemContextMenu('fleet-eu-west', CMD.checkAttribution);
      const dialog = await wb.waitForDialog({ timeout: 60_000 });
      assert.match(dialog.message, /^3 things, a moment: one ListThingPrincipalsV2 call per thing, 8 things a second, and one DescribeCertificate per certificate\./);
      await wb.clickDialogButton('Check');
    });
    const report = await waitForEditorText(wb, /Not attributable \(no ACTIVE certificate\): 1/);
    await docsShot(wb, 'attribution');
    assert.match(report, /Billing group "fleet-eu-west"/);
    assert.match(report, /Things: 3/);
    assert.match(report, /Attributable whatever the client ID \(an ACTIVE certificate attached exclusively\): 1/);
    assert.match(report, /Attributable only if the device connects with the thing name as its client ID: 1/);
    assert.match(report, /van-0103 — 1 certificate, none ACTIVE/);
    assert.match(report, /Attachments read with ListThingPrincipalsV2/);
    assert.match(report, /MQTT client ID/);
    assert.match(report, /necessary for attribution,\s+not sufficient/);
    assert.match(report, /Charges never attributed to a billing group/);
    assert.match(report, /Device Defender audit reports/);
    assert.match(report, /docs\.aws\.amazon\.com\/iot\/latest\/developerguide/);
    const principals = layer.requests.filter((r) => /^\/things\/[^/]+\/principals-v2/.test(r.path));
    assert.equal(principals.length, 3, 'one ListThingPrincipalsV2 per thing');
    assert.equal(layer.requests.filter((r) => /^\/things\/[^/]+\/principals(\?|$)/.test(r.path)).length, 0, 'V2 is known here: no fallback');
    assert.equal(layer.requests.filter((r) => /^\/certificates\//.test(r.path)).length, 3, 'one DescribeCertificate per certificate, cached');

    const bad = path.join(scratch, 'bad-names.txt');
    fs.writeFileSync(bad, 'van 0101\nvan/0102\n\n');
    await wb.step('from the palette, a group picker; a file with no valid name says why and sends nothing', async () => {
      await wb.runCommand(`AWS IoT: ${CMD.assignThings}`);
      await wb.waitForQuickInput();
      await wb.pickQuickInputItem('lab-prototypes');
      await wb.waitForQuickInput({ title: 'Assign Things to Billing Group' });
      await wb.pickQuickInputItem('Thing names from a file…');
      await wb.waitForQuickInput();
      const input = wb.page.locator('.quick-input-widget .quick-input-box input');
      await waitUntil(
        'the file to be read',
        async () => {
          if (!(await wb.isQuickInputOpen())) return true;
          if ((await input.inputValue()) !== bad) await input.fill(bad);
          await input.press('Enter');
          await new Promise((r) => setTimeout(r, 1000));
          return !(await wb.isQuickInputOpen());
        },
        { timeout: 30_000, describe: async () => JSON.stringify(await wb.quickInputState()) },
      );
      await wb.waitForNotification('The file bad-names.txt holds no valid thing name: 2 lines rejected (first, line 1:');
    });
    assert.equal(sent('AddThingToBillingGroup').length, 0, 'nothing is sent');
  });
});

test('things 5: the group deleted during an assignment stops the run with a sentence; nothing is reported failed', { timeout: 300_000 }, async () => {
  const many = Array.from({ length: 40 }, (_, i) => `dev-${String(i).padStart(2, '0')}`);
  await freshFleet(() => inParallel(many, 16, (thingName) => iot.send(new CreateThingCommand({ thingName }))));
  await withWorkbench('things 5 group deleted meanwhile', scenarioOptions(), async ({ wb }) => {
    await wb.step('open the view', () => openView(wb));
    await wb.step('assign every thing without a group to warehouse-scanners', async () => {
      await startAssign(wb, 'warehouse-scanners', 'Things without a billing group');
      await waitForPreview(wb, 'warehouse-scanners', /43 things will be added/);
      await confirmAssign(wb, 'Assign 43 things to billing group warehouse-scanners?');
    });
    await wb.step('someone deletes the group half-way: the run stops and says why', async () => {
      await waitUntil('five adds', async () => addsTo('warehouse-scanners').length >= 5, { timeout: 60_000 });
      await iot.send(new DeleteBillingGroupCommand({ billingGroupName: 'warehouse-scanners' }));
      await wb.waitForNotification('Billing group warehouse-scanners was deleted while things were being assigned to it.', { timeout: 60_000 });
    });
    const report = await waitForEditorText(wb, /Stopped: Billing group warehouse-scanners was deleted/);
    assert.match(report, /Failed: {2}0/);
    assert.match(report, /Not started: \d+/);
    const added = Number(/Added: +(\d+)/.exec(report)?.[1]);
    assert.ok(added >= 5 && added < 43, report);
    await new Promise((r) => setTimeout(r, 2000));
    const after = addsTo('warehouse-scanners').length;
    assert.ok(after <= added + 4, `no new call after the stop: ${after} adds, ${added} reported added`);
  });
});

test('things 6: Remove Thing from a group of more than 250 things: Load more…, or a typed name checked first', { timeout: 300_000 }, async () => {
  const big = Array.from({ length: 260 }, (_, i) => `big-${String(i).padStart(4, '0')}`);
  await freshFleet(async () => {
    await iot.send(new CreateBillingGroupCommand({ billingGroupName: 'big-fleet' }));
    await inParallel(big, 16, (thingName) => iot.send(new CreateThingCommand({ thingName })));
    await inParallel(big, 16, (thingName) => iot.send(new AddThingToBillingGroupCommand({ billingGroupName: 'big-fleet', thingName })));
  });
  // Which ten are beyond the first page of 250 (moto lists in the order the adds arrived).
  const firstPage = (await iot.send(new ListThingsInBillingGroupCommand({ billingGroupName: 'big-fleet', maxResults: 250 }))).things ?? [];
  const beyond = big.filter((t) => !firstPage.includes(t)).sort();
  assert.equal(beyond.length, 10);
  const removeTitle = 'Remove a Thing from big-fleet';

  await withWorkbench('things 6 remove beyond 250', scenarioOptions(), async ({ wb }) => {
    await wb.step('open the view', async () => {
      await wb.openViewContainer();
      await wb.waitForView();
      await wb.waitForTreeItem('big-fleet');
    });

    await wb.step('Remove Thing from the palette: the group, then its first 250 things and Load more…', async () => {
      await wb.runCommand('AWS IoT: Remove Thing from Billing Group');
      await wb.waitForQuickInput();
      await wb.pickQuickInputItem('big-fleet');
      await wb.waitForQuickInput({ title: removeTitle });
      // A thing of the first page is listed; one beyond it is not (yet): typed, it is offered as "not listed".
      await wb.typeInQuickInput(firstPage[249]);
      await waitUntil('the 250th thing to be listed', async () => (await wb.quickInputItems()).some((i) => i.label === firstPage[249] && i.description === ''), {
        describe: async () => JSON.stringify(await wb.quickInputItems()),
      });
      await wb.typeInQuickInput(beyond[9]);
      await waitUntil('the typed name beyond the first page, and Load more…', async () => {
        const items = await wb.quickInputItems();
        return items.some((i) => i.label === beyond[9] && /not listed/.test(i.description)) && items.some((i) => /Load more…/.test(i.label));
      }, { describe: async () => JSON.stringify(await wb.quickInputItems()) });
    });
    const listed = sent('ListThingsInBillingGroup').filter((r) => r.path.startsWith('/billing-groups/big-fleet/things'));
    assert.ok(listed.length >= 1 && listed.every((r) => /maxResults=250/.test(r.path)));
    assert.ok(!listed.some((r) => /nextToken=/.test(r.path)), 'only the first page so far');

    await wb.step('Load more… lists the rest; the last thing is picked and removed', async () => {
      await wb.pickQuickInputItem(/Load more…/);
      await waitUntil('the thing beyond 250 to be listed', async () => (await wb.quickInputItems()).some((i) => i.label === beyond[9] && i.description === ''), {
        timeout: 30_000,
        describe: async () => JSON.stringify(await wb.quickInputItems()),
      });
      await wb.pickQuickInputItem(beyond[9]);
      await wb.waitForNotification(`Removed thing ${beyond[9]} from billing group big-fleet`);
    });
    assert.ok(sent('ListThingsInBillingGroup').some((r) => r.path.startsWith('/billing-groups/big-fleet/things') && /nextToken=/.test(r.path)), 'the second page was read');
    assert.ok(!(await thingsIn('big-fleet')).includes(beyond[9]));
    assert.deepEqual(sent('RemoveThingFromBillingGroup').map((r) => r.body), [{ billingGroupName: 'big-fleet', thingName: beyond[9] }]);

    await wb.step('a typed name beyond the first page: checked with DescribeThing, then removed', async () => {
      await wb.runCommand('AWS IoT: Remove Thing from Billing Group');
      await wb.waitForQuickInput();
      await wb.pickQuickInputItem('big-fleet');
      await wb.waitForQuickInput({ title: removeTitle });
      await wb.typeInQuickInput(beyond[8]);
      await waitUntil('the typed name to be offered', async () => (await wb.quickInputItems()).some((i) => i.label === beyond[8] && /not listed — checked before removing/.test(i.description)));
      await wb.pressEnterInQuickInput();
      await wb.waitForNotification(`Removed thing ${beyond[8]} from billing group big-fleet`);
    });
    assert.ok(sent('DescribeThing').some((r) => r.path === `/things/${beyond[8]}`), 'checked first');
    assert.ok(!(await thingsIn('big-fleet')).includes(beyond[8]));

    await wb.step('a typed name of a thing in another group is refused; nothing is sent', async () => {
      await wb.runCommand('AWS IoT: Remove Thing from Billing Group');
      await wb.waitForQuickInput();
      await wb.pickQuickInputItem('big-fleet');
      await wb.waitForQuickInput({ title: removeTitle });
      await wb.typeInQuickInput('van-0101');
      await waitUntil('the typed name to be offered', async () => (await wb.quickInputItems()).some((i) => i.label === 'van-0101'));
      await wb.pressEnterInQuickInput();
      await wb.waitForNotification('Thing van-0101 is not in billing group big-fleet (it is in fleet-eu-west): nothing was removed.');
    });
    assert.equal(sent('RemoveThingFromBillingGroup').length, 2);
    assert.deepEqual(await thingsIn('fleet-eu-west'), ['van-0101', 'van-0102', 'van-0103']);
  });
});

test('things 7: the preview says how old the count is; a thing that joined a group since is left there; an old count is made again', { timeout: 360_000 }, async () => {
  await freshFleet();
  await withWorkbench('things 7 count age', scenarioOptions({ 'iotBillingGroups.things.recountAfterMinutes': 1 }), async ({ wb }) => {
    await wb.step('open the view', () => openView(wb));
    let countedBy = 0;
    await wb.step('expand "Things without a billing group": counted', async () => {
      await wb.expandTreeItem(UNASSIGNED);
      await unassignedDescription(wb, '3 things');
      countedBy = Date.now();
    });
    const countsSoFar = sent('ListThings').length;

    // After the count, behind the extension's back: van-0301 joins a group.
    await iot.send(new AddThingToBillingGroupCommand({ billingGroupName: 'fleet-eu-west', thingName: 'van-0301' }));

    await wb.step('the preview is made from the count (no recount) and says how old it is', async () => {
      await startAssign(wb, 'warehouse-scanners', 'Things without a billing group');
      const text = await waitForPreview(wb, 'warehouse-scanners', /3 things will be added/);
      assert.match(text, /Membership counted (just now|\d+ seconds ago); each thing is checked again just before its add/);
      await confirmAssign(wb, 'Assign 3 things to billing group warehouse-scanners?');
    });
    assert.equal(sent('ListThings').length, countsSoFar, 'a young count is used as it is');
    const report = await waitForEditorText(wb, /Changed since the preview: 1/);
    assert.match(report, /Added: +2/);
    assert.match(report, /van-0301 — now in "fleet-eu-west" \(the preview said: in no billing group\)/);
    assert.ok(!addsTo('warehouse-scanners').some((r) => (r.body as { thingName?: string }).thingName === 'van-0301'), 'nothing was sent for it');
    assert.deepEqual(await thingsIn('fleet-eu-west'), ['van-0101', 'van-0102', 'van-0103', 'van-0301'], '"Move…" was not ticked: it stays where it went');
    assert.deepEqual(await thingsIn('warehouse-scanners'), ['proto-b', 'soil-19']);
    assert.equal(sent('DescribeThing').length, 3, 'one check per thing sent');

    await iot.send(new CreateThingCommand({ thingName: 'late-1' }));
    const waitMs = countedBy + 62_000 - Date.now();
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));

    await wb.step('a count older than the limit (1 minute here) is made again before the preview', async () => {
      await startAssign(wb, 'lab-prototypes', 'Things without a billing group');
      const text = await waitForPreview(wb, 'lab-prototypes', /1 thing will be added to "lab-prototypes"/);
      assert.match(text, /Membership counted (just now|\d+ seconds ago)/);
      await wb.pressEscapeInQuickInput();
      await wb.waitForQuickInputClosed();
    });
    assert.ok(sent('ListThings').length > countsSoFar, 'counted again');
    assert.equal(addsTo('lab-prototypes').length, 0, 'nothing sent: the preview was dismissed');
  });
});

test('things 8: a failed step: the report says where the thing ended up, read back after the failure', { timeout: 300_000 }, async () => {
  await freshFleet();
  const addOf = (thing: string) => ({ operation: 'AddThingToBillingGroup', when: (r: { body: unknown }) => (r.body as { thingName?: string })?.thingName === thing });
  // soil-19's add reaches moto and is carried out, but its answer never comes back; proto-b's add fails before reaching it.
  proxy.addRule({ match: addOf('soil-19'), fault: 'lostResponse', times: Infinity });
  proxy.addRule({ match: addOf('proto-b'), fault: 'internal500', times: Infinity });
  await withWorkbench('things 8 failed step', scenarioOptions(), async ({ wb }) => {
    await wb.step('open the view', () => openView(wb));
    await wb.step('assign the things without a group: two steps fail', async () => {
      await startAssign(wb, 'warehouse-scanners', 'Things without a billing group');
      await waitForPreview(wb, 'warehouse-scanners', /3 things will be added/);
      await confirmAssign(wb, 'Assign 3 things to billing group warehouse-scanners?');
    });
    const report = await waitForEditorText(wb, /Failed: {2}2/, { timeout: 120_000 });
    assert.match(report, /Added: +1/);
    assert.match(report, /\n {2}soil-19 — [^\n]+ Now in "warehouse-scanners" \(read back after the failure\)\./);
    assert.match(report, /\n {2}proto-b — AWS IoT had an internal error[^\n]* Now in no billing group \(read back after the failure\)\./);
  });
  assert.deepEqual(await thingsIn('warehouse-scanners'), ['soil-19', 'van-0301']);
  // The three checks, one read-back per failed step.
  assert.equal(proxy.countForwarded({ operation: 'DescribeThing' }), 3 + 2);
});
