// The life of a billing group from the tree, in the real workbench (code-server, VS Code 1.100)
// against moto behind the test suite's tag layer (moto has no tag operations; the layer implements
// them and records every request, so what the extension sent is checked where it arrived). The
// scenarios that move things (3 and 8) talk to a fault proxy in front of the thing layer
// (test/support/thingLayer.ts) in front of the tag layer: moto keeps a thing in both groups after an
// add, the layer moves it as AWS does (test/support/moveOnAdd.ts), so they check AWS's behaviour —
// after a move the thing is in the new group only, by the add alone.
// One scenario per capability, each from a known state: moto reset and seeded with the sample fleet
// (test/support/seed.ts), the tag layer cleared, a fresh code-server and browser:
//   1. show details     inline (i) action and context menu open a read-only JSON document; a single
//                       click only selects
//   2. edit description the input box holds the current text; a too-long one is refused and sends
//                       nothing; a valid one is saved and shown as the item's description
//   3. add things       a multi-select pick of the account's things; a thing in another group is
//                       moved after a confirmation naming that group; a typed, unlisted name that
//                       exists is accepted, one that does not exist is refused
//   4. remove a thing   a thing's context menu (Remove, Copy Name); removed from tree and emulator
//   5. edit tags        change, add and remove in one line; aws:x is refused and sends nothing
//   6. filter and clear the service filters (namePrefixFilter); the view says so; Clear restores
//   7. delete many      click, shift-click, ctrl-click; one confirmation listing the three
//   8. drag and drop    a thing dragged onto another group moves after a confirmation; a move whose
//                       add fails says where the thing is now (read back), still in its group
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateThingCommand,
  DescribeBillingGroupCommand,
  DescribeThingCommand,
  IoTClient,
  ListBillingGroupsCommand,
  ListThingsInBillingGroupCommand,
} from '@aws-sdk/client-iot';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { MotoServer, startMoto } from '../support/moto';
import { SAMPLE_GROUPS, seedSampleFleet, testClient, UNGROUPED_THINGS } from '../support/seed';
import { RecordedRequest, startTagLayer, TagLayer } from '../support/tagLayer';
import { startThingLayer, type ThingLayer } from '../support/thingLayer';
import { ScenarioOptions, waitUntil, withWorkbench, Workbench } from '../support/workbench';
import {
  checkedQuickPickLabels,
  checkQuickPickItem,
  clickQuickInputOk,
  clickTreeItemWith,
  dragTreeItemOnto,
  selectedTreeLabels,
  typeInEditor,
  viewDescription,
  waitForEditorJson,
  waitForEditorOverlayMessage,
  waitForTreeChildren,
  waitForTreeSelection,
  waitForViewMessage,
} from '../support/workbenchExtras';
import { withUnassigned } from '../support/workbenchFoundation';

const AWS_FILES = {
  config: ['[default]', 'region = us-east-1', ''].join('\n'),
  credentials: ['[default]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'),
};

/** The contract's titles (package.nls.json). */
const CMD = {
  showDetails: 'Show Billing Group Details',
  openInConsole: 'Open in AWS Console',
  editDescription: 'Edit Description',
  editTags: 'Edit Tags',
  addThing: 'Add Thing to Billing Group',
  removeThing: 'Remove Thing from Billing Group',
  copyName: 'Copy Name',
  copyArn: 'Copy ARN',
  refresh: 'Refresh',
  delete: 'Delete Billing Group',
  filter: 'Filter Billing Groups…',
  clearFilter: 'Clear Filter',
} as const;

const GROUP_MENU = [
  CMD.showDetails,
  CMD.openInConsole,
  'Check Cost Attribution', // issue 12
  'Show Billing Group Costs', // issue 11
  CMD.editDescription,
  CMD.editTags,
  CMD.addThing,
  'Assign Things to Billing Group…', // issue 12
  CMD.copyName,
  CMD.copyArn,
  'Copy as CloudFormation',
  'Copy as Terraform',
  CMD.refresh,
  CMD.delete,
];

const ALL_GROUPS = SAMPLE_GROUPS.map((g) => g.name).sort();
const ALL_THINGS = [...SAMPLE_GROUPS.flatMap((g) => g.things), ...UNGROUPED_THINGS];
const sample = (name: string) => {
  const g = SAMPLE_GROUPS.find((s) => s.name === name);
  if (!g) throw new Error(`no sample group ${name}`);
  return g;
};

let moto: MotoServer;
let layer: TagLayer;
/** In front of the tag layer: an add moves the thing, as on AWS (its own calls go straight to moto). */
let thingLayer: ThingLayer;
/** In front of the thing layer, for the scenarios that move things: faults on chosen requests. */
let proxy: FaultProxy;
/** Straight to moto: what the emulator holds, without showing up in the tag layer's record. */
let iot: IoTClient;

before(async () => {
  moto = await startMoto();
  layer = await startTagLayer(moto.endpoint);
  thingLayer = await startThingLayer(layer.endpoint, { direct: moto.endpoint });
  proxy = await startFaultProxy(thingLayer.endpoint);
  iot = testClient(moto.endpoint);
});

after(async () => {
  iot?.destroy();
  await proxy?.stop();
  await thingLayer?.stop();
  await layer?.stop();
  await moto?.stop();
});

/** The known state of every scenario: the sample fleet (tags kept by the tag layer), nothing recorded yet. */
async function freshFleet(): Promise<void> {
  await moto.reset();
  layer.clear();
  thingLayer.clear();
  proxy.reset();
  await seedSampleFleet(layer.endpoint);
  layer.requests.length = 0;
}

/**
 * code-server's settings point the extension at the tag layer (in front of moto), or, for a scenario
 * that moves things (`movesThings`), at the fault proxy in front of the thing layer, which moves a
 * thing on add as AWS does.
 */
function scenarioOptions(o: { movesThings?: boolean } = {}): ScenarioOptions {
  const endpoint = o.movesThings ? proxy.endpoint : layer.endpoint;
  return { server: { settings: { 'iotBillingGroups.endpoint': endpoint, 'iotBillingGroups.region': 'us-east-1' }, aws: AWS_FILES } };
}

/** The requests the extension made for one operation, in order. */
function sent(operation: string): RecordedRequest[] {
  return layer.requests.filter((r) => r.operation === operation);
}

async function thingsIn(group: string): Promise<string[]> {
  const out = await iot.send(new ListThingsInBillingGroupCommand({ billingGroupName: group }));
  return (out.things ?? []).sort();
}

async function groupsInEmulator(): Promise<string[]> {
  const out = await iot.send(new ListBillingGroupsCommand({}));
  return (out.billingGroups ?? []).map((g) => g.groupName ?? '').sort();
}

const byKey = (tags: Array<{ Key: string; Value?: string }>) => [...tags].sort((a, b) => a.Key.localeCompare(b.Key));

/** Opens the container from the activity bar and waits for the seeded groups. */
async function openView(wb: Workbench): Promise<void> {
  await wb.openViewContainer();
  await wb.waitForView();
  await wb.waitForTreeLabels(withUnassigned(ALL_GROUPS));
}

const detailsUri = (name: string) => `iot-billing-group:/${name}.json`;

// -------------------------------------------------------------------------------------------------

test('lifecycle 1: Show Billing Group Details from the inline action and the context menu; a single click only selects', { timeout: 240_000 }, async () => {
  await freshFleet();
  await withWorkbench('lifecycle 1 show details', scenarioOptions(), async ({ wb }) => {
    await wb.step('open the Billing Groups view', () => openView(wb));

    await wb.step('a single click selects lab-prototypes, opens nothing', async () => {
      await wb.clickTreeItem('lab-prototypes');
      await waitForTreeSelection(wb, ['lab-prototypes']);
      // VS Code's default tree.expandMode (singleClick) also expands it: the click is done once its things show.
      await waitForTreeChildren(wb, 'lab-prototypes', ['proto-a']);
      assert.deepEqual(await wb.editorTabs(), []);
    });

    const expected = await iot.send(new DescribeBillingGroupCommand({ billingGroupName: 'fleet-eu-west' }));
    const doc = await wb.step('show details from the inline info action', async () => {
      await wb.clickTreeItemInlineAction('fleet-eu-west', CMD.showDetails);
      await wb.waitForEditorTab(/^fleet-eu-west\.json/);
      return waitForEditorJson(wb, detailsUri('fleet-eu-west'));
    });
    // The click on lab-prototypes came first: had it opened anything, it would be open by now.
    assert.deepEqual(
      (await wb.editorTabs()).map((t) => t.split(',')[0]),
      ['fleet-eu-west.json'],
      'only the details of fleet-eu-west are open (the single click opened nothing)',
    );
    const eu = sample('fleet-eu-west');
    assert.equal(doc.name, 'fleet-eu-west');
    assert.equal(doc.arn, expected.billingGroupArn);
    assert.equal(doc.id, expected.billingGroupId);
    assert.equal(doc.description, eu.description);
    assert.equal(doc.creationDate, expected.billingGroupMetadata?.creationDate?.toISOString());
    assert.deepEqual(doc.tags, eu.tags);
    assert.deepEqual(layer.tagsOf(expected.billingGroupArn ?? ''), Object.entries(eu.tags).map(([Key, Value]) => ({ Key, Value })));
    assert.deepEqual([...(doc.things as string[])].sort(), [...eu.things].sort());
    assert.deepEqual([...(doc.things as string[])].sort(), await thingsIn('fleet-eu-west'));
    assert.ok('version' in doc, 'the document has a version field (null: the emulator returns none)');

    await wb.step('the details are read-only', async () => {
      await typeInEditor(wb, detailsUri('fleet-eu-west'), 'x');
      await waitForEditorOverlayMessage(wb, 'Cannot edit in read-only editor');
      assert.deepEqual(await waitForEditorJson(wb, detailsUri('fleet-eu-west')), doc);
    });

    await wb.step('the context menu of a billing group', async () => {
      const labels = await wb.openTreeItemContextMenu('greenhouse-sensors');
      assert.deepEqual(labels, GROUP_MENU);
    });

    const greenhouse = await wb.step('show details from the context menu', async () => {
      await wb.clickMenuItem(CMD.showDetails);
      await wb.waitForEditorTab(/^greenhouse-sensors\.json/);
      return waitForEditorJson(wb, detailsUri('greenhouse-sensors'));
    });
    const gh = sample('greenhouse-sensors');
    assert.equal(greenhouse.name, gh.name);
    assert.equal(greenhouse.description, gh.description);
    assert.deepEqual(greenhouse.tags, gh.tags);
    assert.deepEqual([...(greenhouse.things as string[])].sort(), await thingsIn('greenhouse-sensors'));
    assert.equal(sent('UpdateBillingGroup').length + sent('TagResource').length + sent('UntagResource').length, 0, 'looking changed nothing');
  });
});

test('lifecycle 2: Edit Description: the current text, a refused one sends nothing, a valid one is saved and shown', { timeout: 240_000 }, async () => {
  await freshFleet();
  const before = sample('lab-prototypes').description;
  const tooLong = 'Boards on the bench, '.repeat(100).slice(0, 2029);
  const updated = 'Rev C boards';
  await withWorkbench('lifecycle 2 edit description', scenarioOptions(), async ({ wb }) => {
    await wb.step('open the Billing Groups view', () => openView(wb));

    await wb.step('edit description: the current text', async () => {
      await wb.runTreeItemContextMenu('lab-prototypes', CMD.editDescription);
      const s = await wb.waitForQuickInput({ title: 'Edit Description of lab-prototypes', timeout: 45_000 });
      assert.equal(s.value, before);
    });

    await wb.step('edit description: too long is refused', async () => {
      await wb.typeInQuickInput(tooLong);
      await wb.waitForQuickInputMessage('Description is 2029 characters long; the limit is 2028.', { error: true });
      await wb.pressEnterInQuickInput();
      await wb.waitForQuickInput({ title: 'Edit Description of lab-prototypes' });
    });

    await wb.step('edit description: saved and shown in the tree', async () => {
      await wb.typeInQuickInput(updated);
      await wb.waitForQuickInputMessage(/Up to 2028 printable characters/, { error: false });
      await wb.pressEnterInQuickInput();
      await wb.waitForQuickInputClosed({ timeout: 45_000 });
      await wb.waitForNotification('Updated the description of billing group lab-prototypes');
      await waitUntil('lab-prototypes to show its new description', async () => (await wb.waitForTreeItem('lab-prototypes')).description === updated, {
        describe: () => wb.describeSidebar(),
      });
    });

    const updates = sent('UpdateBillingGroup');
    assert.equal(updates.length, 1, `one update, none for the refused text: ${JSON.stringify(updates.map((u) => u.body))}`);
    assert.equal(updates[0].path, '/billing-groups/lab-prototypes');
    // moto's DescribeBillingGroup has no version, so there is none to send as expectedVersion.
    assert.deepEqual(updates[0].body, { billingGroupProperties: { billingGroupDescription: updated } });
    const now = await iot.send(new DescribeBillingGroupCommand({ billingGroupName: 'lab-prototypes' }));
    assert.equal(now.billingGroupProperties?.billingGroupDescription, updated);
  });
});

test('lifecycle 3: Add Thing to Billing Group: pick several, move one from another group, type an unlisted name', { timeout: 300_000 }, async () => {
  await freshFleet();
  const title = 'Add Things to warehouse-scanners';
  await withWorkbench('lifecycle 3 add things', scenarioOptions({ movesThings: true }), async ({ wb }) => {
    await wb.step('open the Billing Groups view', () => openView(wb));

    await wb.step('add thing: a multi-select pick of the account things', async () => {
      await wb.runTreeItemContextMenu('warehouse-scanners', CMD.addThing);
      await wb.waitForQuickInput({ title });
      await waitUntil('every thing of the account to be listed', async () => {
        const labels = (await wb.quickInputItems()).map((i) => i.label);
        return ALL_THINGS.every((t) => labels.includes(t));
      }, { describe: async () => JSON.stringify((await wb.quickInputItems()).map((i) => i.label)) });
    });

    await wb.step('add thing: two things ticked', async () => {
      await checkQuickPickItem(wb, 'van-0301');
      await checkQuickPickItem(wb, 'soil-19');
      assert.deepEqual((await checkedQuickPickLabels(wb)).sort(), ['soil-19', 'van-0301']);
    });

    await wb.step('add thing: both added and listed', async () => {
      await clickQuickInputOk(wb);
      await wb.waitForQuickInputClosed();
      await wb.waitForNotification('Added 2 things to billing group warehouse-scanners');
      await wb.expandTreeItem('warehouse-scanners');
      await waitForTreeChildren(wb, 'warehouse-scanners', ['van-0301', 'soil-19']);
    });
    assert.deepEqual(await thingsIn('warehouse-scanners'), ['soil-19', 'van-0301']);
    assert.equal(sent('AddThingToBillingGroup').length, 2);
    assert.equal(sent('RemoveThingFromBillingGroup').length, 0, 'neither was in a group: nothing to leave');

    await wb.step('add thing: a move is confirmed, naming the other group', async () => {
      await wb.runTreeItemContextMenu('warehouse-scanners', CMD.addThing);
      await wb.waitForQuickInput({ title });
      await checkQuickPickItem(wb, 'proto-a');
      await clickQuickInputOk(wb);
      const dialog = await wb.waitForDialog({ timeout: 45_000 });
      assert.match(dialog.message, /proto-a is in billing group lab-prototypes\..*move it to warehouse-scanners\?/);
      assert.match(dialog.detail, /proto-a \(now in lab-prototypes\)/);
      assert.ok(dialog.buttons.includes('Move'), JSON.stringify(dialog.buttons));
    });
    assert.equal(sent('AddThingToBillingGroup').length, 2, 'nothing moves before the confirmation');

    await wb.step('add thing: moved out of lab-prototypes', async () => {
      await wb.clickDialogButton('Move');
      await wb.waitForNotification('Added thing proto-a to billing group warehouse-scanners');
      await waitForTreeChildren(wb, 'warehouse-scanners', ['van-0301', 'soil-19', 'proto-a']);
      await wb.expandTreeItem('lab-prototypes');
      await waitForTreeChildren(wb, 'lab-prototypes', ['No things in this billing group']);
    });
    // AWS's behaviour (the thing layer's): the add alone moved it; it is in the new group only.
    assert.equal(sent('AddThingToBillingGroup').length, 3, 'the move is one add');
    assert.equal(sent('RemoveThingFromBillingGroup').length, 0, 'and no remove');
    assert.deepEqual(thingLayer.moves, [{ thing: 'proto-a', from: 'lab-prototypes', to: 'warehouse-scanners' }]);
    assert.deepEqual(await thingsIn('warehouse-scanners'), ['proto-a', 'soil-19', 'van-0301']);
    assert.deepEqual(await thingsIn('lab-prototypes'), []);
    assert.equal((await iot.send(new DescribeThingCommand({ thingName: 'proto-a' }))).billingGroupName, 'warehouse-scanners');

    // A thing made after the pick loaded its list is not in it; its name can be typed.
    await wb.step('add thing: a typed name that is not listed', async () => {
      await wb.runTreeItemContextMenu('warehouse-scanners', CMD.addThing);
      await wb.waitForQuickInput({ title });
      await waitUntil('the things to be listed', async () => (await wb.quickInputItems()).some((i) => i.label === 'van-0301'));
      await iot.send(new CreateThingCommand({ thingName: 'scanner-rtm-07' }));
      await wb.typeInQuickInput('scanner-rtm-07');
      await waitUntil('the typed name to be offered', async () => {
        const item = (await wb.quickInputItems()).find((i) => i.label === 'scanner-rtm-07');
        return item?.description === 'not listed — checked before adding';
      }, { describe: async () => JSON.stringify(await wb.quickInputItems()) });
    });

    await wb.step('add thing: the typed name added', async () => {
      await wb.pressEnterInQuickInput();
      await wb.waitForQuickInputClosed();
      await wb.waitForNotification('Added thing scanner-rtm-07 to billing group warehouse-scanners');
      await waitForTreeChildren(wb, 'warehouse-scanners', ['van-0301', 'soil-19', 'proto-a', 'scanner-rtm-07']);
    });
    assert.ok(sent('DescribeThing').some((r) => r.path === '/things/scanner-rtm-07'), 'the typed name was checked with DescribeThing');
    assert.deepEqual(await thingsIn('warehouse-scanners'), ['proto-a', 'scanner-rtm-07', 'soil-19', 'van-0301']);

    await wb.step('add thing: an unknown name is refused', async () => {
      await wb.runTreeItemContextMenu('warehouse-scanners', CMD.addThing);
      await wb.waitForQuickInput({ title });
      await wb.typeInQuickInput('no-such-thing');
      await waitUntil('the typed name to be offered', async () => (await wb.quickInputItems()).some((i) => i.label === 'no-such-thing'));
      await wb.pressEnterInQuickInput();
      await wb.waitForQuickInputClosed();
      await wb.waitForNotification('There is no thing named no-such-thing in this account and region.');
    });
    assert.ok(!sent('AddThingToBillingGroup').some((r) => JSON.stringify(r.body).includes('no-such-thing')));
    assert.deepEqual(await thingsIn('warehouse-scanners'), ['proto-a', 'scanner-rtm-07', 'soil-19', 'van-0301']);
  });
});

test('lifecycle 4: Remove Thing from Billing Group from a thing\'s context menu', { timeout: 240_000 }, async () => {
  await freshFleet();
  await withWorkbench('lifecycle 4 remove thing', scenarioOptions(), async ({ wb }) => {
    await wb.step('open the Billing Groups view', () => openView(wb));

    await wb.step('remove thing: the things of fleet-us-east', async () => {
      await wb.expandTreeItem('fleet-us-east');
      await waitForTreeChildren(wb, 'fleet-us-east', ['van-0201', 'van-0202']);
    });

    await wb.step('remove thing: the context menu of a thing', async () => {
      const labels = await wb.openTreeItemContextMenu('van-0201');
      assert.deepEqual(labels, [CMD.removeThing, CMD.copyName]);
    });

    await wb.step('remove thing: gone from the tree and the emulator', async () => {
      await wb.clickMenuItem(CMD.removeThing);
      await wb.waitForNotification('Removed thing van-0201 from billing group fleet-us-east');
      await waitForTreeChildren(wb, 'fleet-us-east', ['van-0202']);
      // AWS propagates membership with a delay: the group's things are listed right after the call
      // and again a few seconds later, and van-0201 stays gone.
      const removedAt = layer.requests.findIndex((r) => r.operation === 'RemoveThingFromBillingGroup');
      const listsSince = () =>
        layer.requests.slice(removedAt).filter((r) => r.operation === 'ListThingsInBillingGroup' && r.path.startsWith('/billing-groups/fleet-us-east/things'));
      await waitUntil('fleet-us-east to be listed again, now and a few seconds later', async () => listsSince().length >= 2, {
        timeout: 20_000,
        describe: async () => JSON.stringify(listsSince().map((r) => r.path)),
      });
      await waitForTreeChildren(wb, 'fleet-us-east', ['van-0202']);
    });
    assert.deepEqual(await thingsIn('fleet-us-east'), ['van-0202']);
    assert.deepEqual(
      sent('RemoveThingFromBillingGroup').map((r) => r.body),
      [{ billingGroupName: 'fleet-us-east', thingName: 'van-0201' }],
    );
    assert.equal((await iot.send(new DescribeThingCommand({ thingName: 'van-0201' }))).billingGroupName ?? '', '', 'the thing itself is kept, in no group');

    await wb.step('copy the name of a thing', async () => {
      await wb.runTreeItemContextMenu('van-0202', CMD.copyName);
      await wb.waitForClipboard('van-0202');
    });
  });
});

test('lifecycle 5: Edit Tags: change, add and remove in one line; a reserved key is refused and sends nothing', { timeout: 240_000 }, async () => {
  await freshFleet();
  const title = 'Edit Tags of fleet-eu-west';
  const arn = (await iot.send(new DescribeBillingGroupCommand({ billingGroupName: 'fleet-eu-west' }))).billingGroupArn ?? '';
  await withWorkbench('lifecycle 5 edit tags', scenarioOptions(), async ({ wb }) => {
    await wb.step('open the Billing Groups view', () => openView(wb));

    await wb.step('edit tags: the current tags', async () => {
      await wb.runTreeItemContextMenu('fleet-eu-west', CMD.editTags);
      const s = await wb.waitForQuickInput({ title, timeout: 45_000 });
      assert.equal(s.value, 'costCenter=logistics-eu, env=prod');
    });

    await wb.step('edit tags: a reserved key is refused', async () => {
      await wb.typeInQuickInput('costCenter=logistics-eu, env=prod, aws:x=1');
      await wb.waitForQuickInputMessage('Tag key "aws:…" uses the prefix "aws:", which is reserved for AWS.', { error: true });
      await wb.pressEnterInQuickInput();
      await wb.waitForQuickInput({ title });
    });

    await wb.step('edit tags: one changed, one added, one removed', async () => {
      await wb.typeInQuickInput('costCenter=logistics-emea, owner=fleet-team');
      await wb.waitForQuickInputMessage(/key=value/, { error: false });
      await wb.pressEnterInQuickInput();
      await wb.waitForQuickInputClosed({ timeout: 45_000 });
      await wb.waitForNotification('Tags of billing group fleet-eu-west saved: 2 set, 1 removed');
    });
    assert.deepEqual(byKey(layer.tagsOf(arn)), [
      { Key: 'costCenter', Value: 'logistics-emea' },
      { Key: 'owner', Value: 'fleet-team' },
    ]);
    assert.deepEqual(sent('TagResource').map((r) => r.body), [
      { resourceArn: arn, tags: [{ Key: 'costCenter', Value: 'logistics-emea' }, { Key: 'owner', Value: 'fleet-team' }] },
    ]);
    assert.deepEqual(sent('UntagResource').map((r) => r.body), [{ resourceArn: arn, tagKeys: ['env'] }]);
    assert.ok(!layer.requests.some((r) => JSON.stringify(r.body ?? '').includes('aws:x')), 'the refused tag was never sent');

    await wb.step('edit tags: the new set when opened again', async () => {
      await wb.runTreeItemContextMenu('fleet-eu-west', CMD.editTags);
      const s = await wb.waitForQuickInput({ title, timeout: 45_000 });
      assert.equal(s.value, 'costCenter=logistics-emea, owner=fleet-team');
      await wb.pressEscapeInQuickInput();
      await wb.waitForQuickInputClosed();
    });
    assert.equal(sent('TagResource').length, 1, 'cancelling sends nothing');
  });
});

test('lifecycle 6: Filter Billing Groups… by name prefix (applied by the service), then Clear Filter', { timeout: 240_000 }, async () => {
  await freshFleet();
  const prefixOf = (r: RecordedRequest) => new URL(r.path, 'http://tag-layer.invalid').searchParams.get('namePrefixFilter');
  await withWorkbench('lifecycle 6 filter and clear', scenarioOptions(), async ({ wb }) => {
    await wb.step('open the Billing Groups view', () => openView(wb));

    await wb.step('filter: the title-bar button asks for a prefix', async () => {
      await wb.clickViewTitleAction(CMD.filter);
      await wb.waitForQuickInput({ title: 'Filter Billing Groups' });
      await wb.typeInQuickInput('fleet');
    });

    await wb.step('filter: only the matching groups', async () => {
      await wb.pressEnterInQuickInput();
      await wb.waitForQuickInputClosed();
      await wb.waitForTreeLabels(withUnassigned(['fleet-eu-west', 'fleet-us-east']));
      await waitUntil('the view description "Filter: fleet*"', async () => (await viewDescription(wb)) === 'Filter: fleet*', { describe: () => viewDescription(wb) });
      await waitForViewMessage(wb, 'Showing billing groups whose names start with "fleet".');
      await wb.moveMouseAway();
      const actions = await wb.viewTitleActions();
      assert.ok(actions.includes(CMD.clearFilter) && !actions.includes(CMD.filter), JSON.stringify(actions));
    });
    const filtered = sent('ListBillingGroups').filter((r) => prefixOf(r) === 'fleet');
    assert.ok(filtered.length >= 1, `a ListBillingGroups with namePrefixFilter=fleet: ${JSON.stringify(sent('ListBillingGroups').map((r) => r.path))}`);

    await wb.step('clear filter: the full list again', async () => {
      const before = sent('ListBillingGroups').length;
      await wb.clickViewTitleAction(CMD.clearFilter);
      await wb.waitForTreeLabels(withUnassigned(ALL_GROUPS));
      await wb.moveMouseAway();
      await waitUntil('the view description to go', async () => (await viewDescription(wb)) === '');
      await waitForViewMessage(wb, '');
      const lists = sent('ListBillingGroups').slice(before);
      assert.ok(lists.length >= 1 && lists.every((r) => prefixOf(r) === null), JSON.stringify(lists.map((r) => r.path)));
      assert.ok((await wb.viewTitleActions()).includes(CMD.filter));
    });

    await wb.step('filter: no group matches', async () => {
      await wb.clickViewTitleAction(CMD.filter);
      await wb.waitForQuickInput({ title: 'Filter Billing Groups' });
      await wb.submitQuickInput('depot-');
      const welcome = await wb.waitForWelcomeText('No billing group names start with the filter.');
      assert.deepEqual(welcome.buttons, [CMD.clearFilter]);
      // The welcome content shows only while the view has no message: the filter's message steps aside.
      await waitForViewMessage(wb, '');
      await wb.waitForWelcomeText('No billing group names start with the filter.');
      assert.equal(await viewDescription(wb), 'Filter: depot-*');
    });
    assert.ok(sent('ListBillingGroups').some((r) => prefixOf(r) === 'depot-'));

    await wb.step('clear filter from the empty view', async () => {
      await wb.clickWelcomeButton(CMD.clearFilter);
      await wb.waitForTreeLabels(withUnassigned(ALL_GROUPS));
    });
    assert.deepEqual(await groupsInEmulator(), ALL_GROUPS, 'filtering changed nothing');
  });
});

test('lifecycle 7: delete three selected groups with one confirmation', { timeout: 240_000 }, async () => {
  await freshFleet();
  const doomed = ['fleet-eu-west', 'lab-prototypes', 'warehouse-scanners'];
  await withWorkbench('lifecycle 7 multi-select delete', scenarioOptions(), async ({ wb }) => {
    await wb.step('open the Billing Groups view', () => openView(wb));

    await wb.step('delete: three groups selected', async () => {
      await wb.clickTreeItem('warehouse-scanners');
      await waitForTreeSelection(wb, ['warehouse-scanners']);
      await clickTreeItemWith(wb, 'lab-prototypes', ['Shift']);
      await waitForTreeSelection(wb, ['lab-prototypes', 'warehouse-scanners']);
      await clickTreeItemWith(wb, 'fleet-eu-west', ['Control']);
      await waitForTreeSelection(wb, doomed);
    });

    await wb.step('delete: one confirmation listing the three', async () => {
      await wb.runTreeItemContextMenu('lab-prototypes', CMD.delete);
      const dialog = await wb.waitForDialog();
      assert.equal(dialog.message, 'Delete 3 billing groups?');
      for (const name of doomed) assert.ok(dialog.detail.includes(name), `${name} in ${JSON.stringify(dialog.detail)}`);
      assert.ok(!dialog.detail.includes('fleet-us-east') && !dialog.detail.includes('greenhouse-sensors'), dialog.detail);
      assert.ok(dialog.buttons.includes('Delete'), JSON.stringify(dialog.buttons));
    });
    assert.equal(sent('DeleteBillingGroup').length, 0, 'nothing is deleted before the confirmation');
    assert.deepEqual(await selectedTreeLabels(wb), doomed, 'the right-click kept the selection');

    await wb.step('delete: the three are gone', async () => {
      await wb.clickDialogButton('Delete');
      await wb.waitForNotification('Deleted 3 billing groups');
      await wb.waitForTreeLabels(withUnassigned(['fleet-us-east', 'greenhouse-sensors']));
    });
    assert.deepEqual(sent('DeleteBillingGroup').map((r) => r.path).sort(), doomed.map((n) => `/billing-groups/${n}`));
    assert.deepEqual(await groupsInEmulator(), ['fleet-us-east', 'greenhouse-sensors']);
  });
});

test('lifecycle 8: drag a thing onto another group: confirmed, then moved', { timeout: 240_000 }, async () => {
  await freshFleet();
  await withWorkbench('lifecycle 8 drag and drop', scenarioOptions({ movesThings: true }), async ({ wb }) => {
    await wb.step('open the Billing Groups view', () => openView(wb));

    await wb.step('drag and drop: the things of fleet-eu-west', async () => {
      await wb.expandTreeItem('fleet-eu-west');
      await waitForTreeChildren(wb, 'fleet-eu-west', ['van-0101', 'van-0102', 'van-0103']);
    });

    await wb.step('drag and drop: the move is confirmed', async () => {
      await dragTreeItemOnto(wb, 'van-0103', 'warehouse-scanners');
      const dialog = await wb.waitForDialog({ timeout: 45_000 });
      assert.match(dialog.message, /van-0103 is in billing group fleet-eu-west\..*move it to warehouse-scanners\?/);
      assert.ok(dialog.buttons.includes('Move'), JSON.stringify(dialog.buttons));
    });
    assert.equal(sent('AddThingToBillingGroup').length, 0, 'nothing moves before the confirmation');

    await wb.step('drag and drop: moved', async () => {
      await wb.clickDialogButton('Move');
      await wb.waitForNotification('Added thing van-0103 to billing group warehouse-scanners');
      await waitForTreeChildren(wb, 'fleet-eu-west', ['van-0101', 'van-0102']);
      await wb.expandTreeItem('warehouse-scanners');
      await waitForTreeChildren(wb, 'warehouse-scanners', ['van-0103']);
    });
    // AWS's behaviour (the thing layer's): the add alone moved it; it is in the new group only.
    assert.equal(sent('AddThingToBillingGroup').length, 1, 'the move is one add');
    assert.equal(sent('RemoveThingFromBillingGroup').length, 0, 'and no remove');
    assert.deepEqual(thingLayer.moves, [{ thing: 'van-0103', from: 'fleet-eu-west', to: 'warehouse-scanners' }]);
    assert.deepEqual(await thingsIn('warehouse-scanners'), ['van-0103']);
    assert.deepEqual(await thingsIn('fleet-eu-west'), ['van-0101', 'van-0102']);
    assert.equal((await iot.send(new DescribeThingCommand({ thingName: 'van-0103' }))).billingGroupName, 'warehouse-scanners');

    // Every add of van-0102 fails (an internal error, before it reaches AWS): the error says where the
    // thing is now, read back with DescribeThing — still in its group, not in none.
    proxy.addRule({ match: { operation: 'AddThingToBillingGroup' }, fault: 'internal500', times: Infinity });
    layer.requests.length = 0;
    await wb.step('drag and drop: a failed move says where the thing is now', async () => {
      await dragTreeItemOnto(wb, 'van-0102', 'warehouse-scanners');
      await wb.waitForDialog({ timeout: 45_000 });
      await wb.clickDialogButton('Move');
      const error = await wb.waitForNotification(/^Adding van-0102 to warehouse-scanners failed: AWS IoT had an internal error/, { timeout: 90_000 });
      assert.match(error.message, /Read back: van-0102 is still in billing group fleet-eu-west\.$/);
      await waitForTreeChildren(wb, 'fleet-eu-west', ['van-0101', 'van-0102']);
    });
    assert.equal(sent('AddThingToBillingGroup').length, 0, 'no add reached the emulator');
    assert.equal(sent('RemoveThingFromBillingGroup').length, 0, 'nothing took it out of its group');
    assert.deepEqual(sent('DescribeThing').map((r) => r.path), ['/things/van-0102'], 'read back once');
    assert.deepEqual(await thingsIn('fleet-eu-west'), ['van-0101', 'van-0102']);
    assert.deepEqual(await thingsIn('warehouse-scanners'), ['van-0103']);
  });
});
