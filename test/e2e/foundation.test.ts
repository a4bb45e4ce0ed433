// The foundation in the real workbench (code-server, VS Code 1.100) against moto, driven as a person
// would: the tree, the quick-pick create (palette and title bar, idempotent and conflicting
// re-creates), the context menu, broken setups (unknown profile, stopped emulator, no credentials,
// empty account), the region picker and paging. The extension talks to moto through the tag layer,
// which keeps the tags moto drops and records every request, so each scenario checks the emulator's
// side (through the SDK and the recorded requests) as well as the screen.
//
// Each scenario starts from a known state: moto reset, the layer's records and tags cleared, a fresh
// code-server with its own HOME and settings, a fresh browser.
import * as assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { freePort, MotoServer, startMoto } from '../support/moto';
import { startTagLayer, TagLayer } from '../support/tagLayer';
import { SELECTORS, TIMEOUTS, waitUntil, withWorkbench, Workbench } from '../support/workbench';
import {
  acceptQuickInput,
  activeEditorText,
  arnOf,
  backTo,
  createGroups,
  describeInEmulator,
  describeRequests,
  queryOf,
  recorded,
  scrollTree,
  treeRows,
  waitForEditorText,
  waitForErrorItem,
  waitForMenuSettled,
  waitForNotificationGone,
  waitForQuickInputValue,
  waitForStatusBarText,
  waitForTopLevelLabels,
  waitForTreeItemSelected,
  waitForTreeSize,
  UNASSIGNED_ITEM,
  withUnassigned,
} from '../support/workbenchFoundation';

const CREATE_COMMAND = 'AWS IoT: Create Billing Group';
const WIZARD = 'Create Billing Group';
const step = (n: number) => new RegExp(`^${WIZARD} \\(${n}/4\\)$`);

/** Two profiles with static fake keys: default (us-east-1) and eu (eu-west-1). */
const AWS_FILES = {
  config: ['[default]', 'region = us-east-1', '', '[profile eu]', 'region = eu-west-1', ''].join('\n'),
  credentials: ['[default]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', '', '[eu]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'),
};

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

beforeEach(async () => {
  await moto.reset();
  layer.clear();
});

/** The extension pointed at the tag layer; the region comes from the profile unless given. */
function throughLayer(settings: Record<string, unknown> = {}) {
  return { server: { settings: { 'iotBillingGroups.endpoint': layer.endpoint, ...settings }, aws: AWS_FILES } };
}

async function openView(wb: Workbench): Promise<void> {
  await wb.openViewContainer();
  await wb.waitForView();
}

/** Walks the wizard from its first step with these values, up to (not through) the confirmation. */
async function fillWizard(wb: Workbench, values: { name: string; description: string; tags: string }): Promise<void> {
  await wb.waitForQuickInputTitle(step(1));
  await wb.typeInQuickInput(values.name);
  await acceptQuickInput(wb, step(2));
  await wb.typeInQuickInput(values.description);
  await acceptQuickInput(wb, step(3));
  await wb.typeInQuickInput(values.tags);
  await acceptQuickInput(wb, step(4));
}

// ---------------------------------------------------------------------------------------------
// 1. The tree.

test('1. the activity-bar icon opens the tree: groups sorted by name, status bar, lazy tooltip and description', { timeout: 300_000 }, async () => {
  // Created out of order, straight into moto (the layer records only what the extension sends).
  const groups = [
    { name: 'warehouse-scanners', description: 'Handheld scanners, Rotterdam' },
    { name: 'fleet-us-east', description: 'Delivery vans, Newark depot' },
    { name: 'greenhouse-sensors', description: 'Soil and humidity sensors, site B' },
    { name: 'fleet-eu-west', description: 'Delivery vans, Dublin depot' },
    { name: 'lab-prototypes', description: 'Boards on the bench' },
  ];
  await createGroups(moto.endpoint, groups);
  const sorted = groups.map((g) => g.name).sort();

  await withWorkbench('1 tree: groups, status bar, tooltip', throughLayer(), async ({ wb }) => {
    await wb.step('click the AWS IoT Billing Groups activity-bar icon', () => wb.openViewContainer());

    const rows = await wb.step('the tree lists the groups sorted by name', async () => {
      await wb.waitForView();
      return waitForTopLevelLabels(wb, withUnassigned(sorted));
    });
    const unassigned = rows[rows.length - 1];
    assert.equal(unassigned.label, UNASSIGNED_ITEM);
    assert.equal(unassigned.icon, 'circle-slash', 'the unassigned item is no billing group');
    for (const r of rows.slice(0, -1)) {
      assert.equal(r.description, '', `${r.label}: no description before it is described`);
      assert.equal(r.icon, 'credit-card', `${r.label}: the billing-group codicon`);
      assert.equal(r.ariaLabel.startsWith(`Billing group ${r.label}`), true, r.ariaLabel);
    }
    assert.equal(recorded(layer, 'ListBillingGroups').length, 1, `one list call draws the tree:\n${describeRequests(layer)}`);
    assert.equal(recorded(layer, 'DescribeBillingGroup').length, 0, `no call per group to draw the list:\n${describeRequests(layer)}`);
    assert.equal(queryOf(recorded(layer, 'ListBillingGroups')[0]).get('maxResults'), '250');

    await wb.step('the status bar shows "default @ us-east-1"', () => waitForStatusBarText(wb, 'default @ us-east-1'));

    const tooltip = await wb.step('hover fleet-eu-west: the tooltip shows its ARN and description', async () => {
      const text = await wb.treeItemTooltip('fleet-eu-west');
      assert.ok(text.includes(arnOf('fleet-eu-west')), text);
      assert.ok(text.includes('Description: Delivery vans, Dublin depot'), text);
      return text;
    });
    assert.match(tooltip, /Created: /);
    assert.equal(recorded(layer, 'DescribeBillingGroup', 'fleet-eu-west').length >= 1, true, 'the tooltip described the group');

    await wb.step('once described, fleet-eu-west shows its description in the tree', async () => {
      await wb.moveMouseAway();
      await waitUntil('the description of fleet-eu-west in the tree', async () => (await treeRows(wb)).find((r) => r.label === 'fleet-eu-west' && r.description === 'Delivery vans, Dublin depot'), {
        timeout: TIMEOUTS.aws,
        describe: () => wb.describeSidebar(),
      });
    });
    const others = (await treeRows(wb)).filter((r) => r.label !== 'fleet-eu-west');
    assert.deepEqual(others.map((r) => r.description), others.map(() => ''), 'only the described group shows a description');
    assert.deepEqual(
      recorded(layer, 'DescribeBillingGroup').map((r) => r.path),
      recorded(layer, 'DescribeBillingGroup').map(() => '/billing-groups/fleet-eu-west'),
      'only the hovered group was described',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Create from the command palette.

test('2. "AWS IoT: Create Billing Group" from the palette: steps, a rejected name, back and forth, create', { timeout: 300_000 }, async () => {
  const name = 'fleet-palette';
  const description = 'Made from the palette';
  await withWorkbench('2 create from the palette', throughLayer(), async ({ wb }) => {
    await wb.step('open the view: an empty account', async () => {
      await openView(wb);
      await wb.welcomeView();
    });

    await wb.step('run "AWS IoT: Create Billing Group" from the palette: step 1 of 4', async () => {
      await wb.runCommand(CREATE_COMMAND);
      const s = await wb.waitForQuickInput({ title: step(1) });
      assert.equal(s.title, 'Create Billing Group (1/4)');
      assert.match(s.placeholder, /Name/);
    });

    await wb.step('type the rejected name "bad name!": the validation message shows', async () => {
      await wb.typeInQuickInput('bad name!');
      const message = await wb.waitForQuickInputMessage(/may contain only letters/, { error: true });
      assert.match(message, /U\+0020 is not allowed/);
    });

    await wb.step('Enter on the rejected name: the wizard stays on step 1 and nothing is sent', async () => {
      await wb.pressEnterInQuickInput();
      // A value typed after the Enter is validated by the extension after it handled that Enter
      // (one ordered channel): once its message shows, the Enter was handled, and refused.
      await wb.typeInQuickInput('');
      await wb.waitForQuickInputMessage('Name is required.', { error: true });
      const s = await wb.quickInputState();
      assert.equal(s.title, 'Create Billing Group (1/4)');
      await wb.typeInQuickInput('bad name!');
      await wb.waitForQuickInputMessage(/may contain only letters/, { error: true });
    });
    assert.equal(recorded(layer, 'CreateBillingGroup').length, 0, `nothing sent for the rejected name:\n${describeRequests(layer)}`);

    await wb.step(`fix the name to ${name}: the message goes, Enter moves to step 2`, async () => {
      await wb.typeInQuickInput(name);
      await waitUntil('the validation message to go', async () => !(await wb.quickInputState()).hasError);
      await acceptQuickInput(wb, step(2));
    });

    await wb.step('step 2: the description', async () => {
      await wb.typeInQuickInput(description);
      await acceptQuickInput(wb, step(3));
    });

    await wb.step('step 3: tags "team=iot, env=dev"', async () => {
      await wb.typeInQuickInput('team=iot, env=dev');
      await acceptQuickInput(wb, step(4));
    });

    await wb.step('back to step 2: the description is kept', async () => {
      await backTo(wb, step(3));
      await waitForQuickInputValue(wb, 'team=iot, env=dev');
      await backTo(wb, step(2));
      await waitForQuickInputValue(wb, description);
    });

    const confirm = await wb.step('forward again: tags kept, then the confirmation whose first item is Create', async () => {
      await acceptQuickInput(wb, step(3));
      await waitForQuickInputValue(wb, 'team=iot, env=dev');
      await acceptQuickInput(wb, step(4));
      return waitUntil('the confirmation items', async () => {
        const s = await wb.quickInputState();
        return s.items.length >= 2 ? s : undefined;
      });
    });
    assert.equal(confirm.items[0].label, 'Create');
    assert.equal(confirm.items[0].description, name);
    assert.equal(confirm.items[0].focused, true, 'Enter picks Create');
    assert.match(confirm.items[0].ariaLabel, /Description: Made from the palette/);
    assert.match(confirm.items[0].ariaLabel, /Tags: team=iot, env=dev/);
    assert.equal(recorded(layer, 'CreateBillingGroup').length, 0, 'nothing sent before the confirmation');

    await wb.step(`Enter: the notification "Created billing group ${name}" with Copy ARN and Reveal`, async () => {
      await wb.pressEnterInQuickInput();
      await wb.waitForQuickInputClosed();
      const n = await wb.waitForNotification(`Created billing group ${name}`);
      assert.deepEqual(n.buttons, ['Copy ARN', 'Reveal']);
      await waitForNotificationGone(wb, `Creating billing group ${name}`); // the progress notification closes
    });

    await wb.step('the tree shows the group, selected', () => waitForTreeItemSelected(wb, name));

    await wb.step('Copy ARN puts its ARN on the clipboard', async () => {
      await wb.clickNotificationButton(`Created billing group ${name}`, 'Copy ARN');
      await wb.waitForClipboard(arnOf(name));
    });

    const inMoto = await describeInEmulator(moto.endpoint, name);
    assert.deepEqual(inMoto, { name, arn: arnOf(name), description });
    assert.deepEqual(layer.tagsOf(arnOf(name)), [
      { Key: 'team', Value: 'iot' },
      { Key: 'env', Value: 'dev' },
    ]);
    const creates = recorded(layer, 'CreateBillingGroup');
    assert.equal(creates.length, 1, describeRequests(layer));
    assert.deepEqual(creates[0].body, {
      billingGroupProperties: { billingGroupDescription: description },
      tags: [
        { Key: 'team', Value: 'iot' },
        { Key: 'env', Value: 'dev' },
      ],
    });
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Create from the title bar; idempotent and conflicting re-creates.

test('3. the title-bar "+" creates; the same again says it exists unchanged; a different one says what differs', { timeout: 360_000 }, async () => {
  const name = 'fleet-title';
  const first = { name, description: 'Made from the title bar', tags: 'team=iot' };
  const conflicting = { name, description: 'Another description', tags: 'team=iot' };
  await createGroups(moto.endpoint, [{ name: 'alpha-existing', description: 'Already there' }]);

  await withWorkbench('3 title bar create and re-create', throughLayer(), async ({ wb }) => {
    await wb.step('open the view', async () => {
      await openView(wb);
      await wb.waitForTreeItem('alpha-existing');
    });
    const buttons = await wb.viewTitleActions();
    assert.ok(buttons.includes('Create Billing Group'), JSON.stringify(buttons));

    await wb.step('click "+" (Create Billing Group) in the view title bar and fill the steps', async () => {
      await wb.clickViewTitleAction('Create Billing Group');
      await fillWizard(wb, first);
    });

    await wb.step(`Create: "Created billing group ${name}", the tree shows it`, async () => {
      await wb.pressEnterInQuickInput();
      await wb.waitForNotification(`Created billing group ${name}`);
      await waitForTreeItemSelected(wb, name);
    });
    assert.equal(recorded(layer, 'CreateBillingGroup').length, 1);
    await wb.clearNotifications();

    await wb.step('the same configuration again: "already exists with the same configuration"', async () => {
      await wb.clickViewTitleAction('Create Billing Group');
      await fillWizard(wb, first);
      await wb.pressEnterInQuickInput();
      const n = await wb.waitForNotification(`Billing group ${name} already exists with the same configuration; nothing was changed.`);
      assert.deepEqual(n.buttons, ['Copy ARN', 'Reveal']);
    });
    const creates = recorded(layer, 'CreateBillingGroup');
    assert.deepEqual(creates.map((r) => r.status), [200, 409], describeRequests(layer));
    assert.ok(recorded(layer, 'DescribeBillingGroup', name).length >= 1, 'decided with DescribeBillingGroup');
    assert.ok(recorded(layer, 'ListTagsForResource', name).length >= 1, 'and the tags');
    assert.deepEqual(await describeInEmulator(moto.endpoint, name), { name, arn: arnOf(name), description: first.description });
    await wb.clearNotifications();

    const conflictMessage = `Billing group "${name}" already exists with another configuration: description is "${first.description}", not "${conflicting.description}".`;
    await wb.step('another description: an error saying what differs, with Show Existing and Edit and Retry', async () => {
      await wb.clickViewTitleAction('Create Billing Group');
      await fillWizard(wb, conflicting);
      await wb.pressEnterInQuickInput();
      const n = await wb.waitForNotification(conflictMessage);
      assert.deepEqual(n.buttons, ['Edit and Retry', 'Show Existing', 'Show Log']);
      await waitForNotificationGone(wb, `Creating billing group ${name}`);
      assert.equal(
        await wb.page.locator(`${SELECTORS.toast} .notification-list-item`).filter({ hasText: conflictMessage }).locator('.codicon-error').count(),
        1,
        'an error notification',
      );
    });
    assert.deepEqual(await describeInEmulator(moto.endpoint, name), { name, arn: arnOf(name), description: first.description }, 'the conflict changed nothing');

    await wb.step('Show Existing: the details document of the existing group opens', async () => {
      await wb.clickNotificationButton(conflictMessage, 'Show Existing');
      await wb.waitForEditorTab(new RegExp(`^${name}\\.json`));
      await waitForEditorText(wb, /"description": "Made from the title bar"/);
    });
    const details = await activeEditorText(wb);
    assert.match(details, new RegExp(`"arn": "${arnOf(name)}"`));
    assert.match(details, /"team": "iot"/);

    await wb.step('the conflicting create again, then Edit and Retry: the wizard reopens with the typed values', async () => {
      await wb.clickViewTitleAction('Create Billing Group');
      await fillWizard(wb, conflicting);
      await wb.pressEnterInQuickInput();
      await wb.clickNotificationButton(conflictMessage, 'Edit and Retry');
      await wb.waitForQuickInputTitle(step(1));
      await waitForQuickInputValue(wb, name);
    });

    await wb.step('the reopened wizard keeps the description and the tags', async () => {
      await acceptQuickInput(wb, step(2));
      await waitForQuickInputValue(wb, conflicting.description);
      await acceptQuickInput(wb, step(3));
      await waitForQuickInputValue(wb, conflicting.tags);
    });

    await wb.step('Escape closes it without a call', async () => {
      await wb.pressEscapeInQuickInput();
      await wb.waitForQuickInputClosed();
    });
    assert.deepEqual(recorded(layer, 'CreateBillingGroup').map((r) => r.status), [200, 409, 409, 409], describeRequests(layer));
    assert.deepEqual(layer.tagsOf(arnOf(name)), [{ Key: 'team', Value: 'iot' }]);
  });
});

// ---------------------------------------------------------------------------------------------
// 4. The context menu.

test('4. right-click a group: the menu, Copy Name, Copy ARN, Delete asks (Cancel keeps it) and removes it', { timeout: 300_000 }, async () => {
  await createGroups(moto.endpoint, [
    { name: 'doomed-group', description: 'To be deleted' },
    { name: 'keeper-group', description: 'Stays' },
  ]);
  await withWorkbench('4 context menu and delete', throughLayer(), async ({ wb }) => {
    await wb.step('open the view', async () => {
      await openView(wb);
      await waitForTopLevelLabels(wb, withUnassigned(['doomed-group', 'keeper-group']));
    });

    const menu = await wb.step('right-click doomed-group: its context menu', async () => {
      const labels = await wb.openTreeItemContextMenu('doomed-group');
      await waitForMenuSettled(wb);
      return labels;
    });
    for (const item of ['Copy Name', 'Copy ARN', 'Delete Billing Group', 'Refresh', 'Show Billing Group Details', 'Edit Description', 'Edit Tags', 'Add Thing to Billing Group', 'Open in AWS Console']) {
      assert.ok(menu.includes(item), `menu has "${item}": ${JSON.stringify(menu)}`);
    }
    assert.equal(menu[menu.length - 1], 'Delete Billing Group', `Delete is last: ${JSON.stringify(menu)}`);
    assert.ok(menu.indexOf('Copy Name') < menu.indexOf('Copy ARN') && menu.indexOf('Copy ARN') < menu.indexOf('Refresh'), JSON.stringify(menu));

    await wb.step('Copy Name: the name is on the clipboard', async () => {
      await wb.clickMenuItem('Copy Name');
      await wb.waitForClipboard('doomed-group');
    });

    await wb.step('Copy ARN: the ARN is on the clipboard', async () => {
      await wb.runTreeItemContextMenu('doomed-group', 'Copy ARN');
      await wb.waitForClipboard(arnOf('doomed-group'));
    });

    const dialog = await wb.step('Delete Billing Group: a modal names the group', async () => {
      await wb.runTreeItemContextMenu('doomed-group', 'Delete Billing Group');
      return wb.waitForDialog();
    });
    assert.equal(dialog.message, 'Delete billing group doomed-group?');
    assert.match(dialog.detail, /things in it are not deleted/);
    assert.ok(dialog.buttons.includes('Delete') && dialog.buttons.includes('Cancel'), JSON.stringify(dialog.buttons));

    await wb.step('Cancel: the group stays', async () => {
      await wb.clickDialogButton('Cancel');
      await wb.waitForTreeItem('doomed-group');
    });
    assert.ok(await describeInEmulator(moto.endpoint, 'doomed-group'), 'still in the emulator');

    await wb.step('Delete again and confirm: the group leaves the tree', async () => {
      await wb.runTreeItemContextMenu('doomed-group', 'Delete Billing Group');
      await wb.clickDialogButton('Delete');
      await wb.waitForNotification('Deleted billing group doomed-group');
      await wb.waitForTreeItemGone('doomed-group');
    });
    await waitForTopLevelLabels(wb, withUnassigned(['keeper-group']));
    assert.equal(await describeInEmulator(moto.endpoint, 'doomed-group'), undefined, 'gone from the emulator');
    assert.ok(await describeInEmulator(moto.endpoint, 'keeper-group'), 'the other group stays');
    const deletes = recorded(layer, 'DeleteBillingGroup');
    assert.deepEqual(deletes.map((r) => `${r.path} ${r.status}`), ['/billing-groups/doomed-group 200'], 'one delete, none for the cancelled one');
  });
});

// ---------------------------------------------------------------------------------------------
// 5. Broken setups.

test('5a. an unknown profile: the error item says so; "Select AWS Profile" lists the files\' profiles; picking default recovers', { timeout: 300_000 }, async () => {
  await createGroups(moto.endpoint, [{ name: 'recovered-group' }]);
  await withWorkbench('5a unknown profile', throughLayer({ 'iotBillingGroups.profile': 'nope' }), async ({ wb }) => {
    await wb.step('open the view', () => wb.openViewContainer());

    const item = await wb.step('the error item: profile "nope" was not found, with Select AWS Profile', () => waitForErrorItem(wb, 'AWS profile "nope" was not found'));
    assert.equal(item.description, 'Select AWS Profile');
    // The label is the first sentence, so that the fix beside it stays visible; the tooltip has the rest.
    assert.doesNotMatch(item.label, /Select another profile/);
    assert.equal((await treeRows(wb)).length, 1, 'one item says what went wrong');
    assert.equal(layer.requests.length, 0, 'nothing was sent');

    await wb.step('hover it: the tooltip gives the whole message', async () => {
      const text = await wb.treeItemTooltip(/AWS profile "nope" was not found/);
      assert.match(text, /AWS profile "nope" was not found in .*\.aws\/config or .*\.aws\/credentials/);
      assert.match(text, /Select another profile, or add it with "aws configure --profile nope"/);
    });

    const picker = await wb.step('click it: the profile picker lists the profiles of the AWS files', async () => {
      await wb.clickTreeItem(/AWS profile "nope" was not found/);
      return wb.waitForQuickInput({ title: 'Select AWS Profile' });
    });
    assert.deepEqual(picker.items.map((i) => i.label), ['default', 'eu']);

    await wb.step('pick default: the tree recovers without a reload', async () => {
      await wb.pickQuickInputItem('default');
      await wb.waitForQuickInputClosed();
      await waitForTopLevelLabels(wb, withUnassigned(['recovered-group']));
    });
    await waitForStatusBarText(wb, 'default @ us-east-1');
  });
});

test('5b. a stopped emulator: the error item says it cannot reach the endpoint; with moto back, Retry shows the groups', { timeout: 300_000 }, async () => {
  const port = await freePort();
  let own: MotoServer | undefined = await startMoto({ port });
  try {
    await createGroups(own.endpoint, [{ name: 'before-the-outage' }]);
    await own.stop(); // stopped before the view opens
    own = undefined;
    const endpoint = `http://127.0.0.1:${port}`;
    await withWorkbench('5b stopped emulator', { server: { settings: { 'iotBillingGroups.endpoint': endpoint }, aws: AWS_FILES } }, async ({ wb }) => {
      await wb.step('open the view', () => wb.openViewContainer());

      const item = await wb.step('the error item: cannot reach the endpoint, with Retry', () => waitForErrorItem(wb, `Cannot reach ${endpoint}`));
      assert.equal(item.description, 'Retry');
      assert.match(item.label, /ECONNREFUSED/);

      await wb.step('hover it: the tooltip gives the whole message', async () => {
        const text = await wb.treeItemTooltip(/^Cannot reach/);
        assert.ok(text.includes(`Cannot reach ${endpoint} (ECONNREFUSED)`), text);
        assert.match(text, /iotBillingGroups\.endpoint/);
      });

      await wb.step('start moto on that port again, with a group in it', async () => {
        own = await startMoto({ port });
        await createGroups(own.endpoint, [{ name: 'after-the-outage' }]);
      });

      await wb.step('click the error item (Retry): the groups show', async () => {
        await wb.clickTreeItem(new RegExp(`^Cannot reach ${endpoint.replace(/[.:/]/g, '\\$&')}`));
        await waitForTopLevelLabels(wb, withUnassigned(['after-the-outage']));
      });
    });
  } finally {
    await own?.stop();
  }
});

test('5c. no credentials at all: the welcome view offers "Select AWS Profile"', { timeout: 300_000 }, async () => {
  await withWorkbench('5c no credentials', { server: { settings: { 'iotBillingGroups.endpoint': layer.endpoint } } }, async ({ wb }) => {
    await wb.step('open the view', () => wb.openViewContainer());

    const welcome = await wb.step('the welcome view: no AWS credentials, Select AWS Profile', () => wb.waitForWelcomeText(/No AWS credentials were found/));
    assert.deepEqual(welcome.buttons, ['Select AWS Profile']);
    assert.equal(layer.requests.length, 0, 'nothing was sent');

    await wb.step('Select AWS Profile: there are no profiles, it says how to make one', async () => {
      await wb.clickWelcomeButton('Select AWS Profile');
      const n = await wb.waitForNotification(/No AWS profiles were found/);
      assert.deepEqual(n.buttons, ['Open Settings']);
    });
  });
});

test('5d. an empty account: the welcome view offers "Create Billing Group", which opens the wizard', { timeout: 300_000 }, async () => {
  await withWorkbench('5d empty account', throughLayer(), async ({ wb }) => {
    await wb.step('open the view', () => wb.openViewContainer());

    const welcome = await wb.step('the welcome view: no billing groups yet, Create Billing Group', () => wb.waitForWelcomeText(/There are no billing groups in this account and region yet/));
    assert.ok(welcome.buttons.includes('Create Billing Group'), JSON.stringify(welcome.buttons));

    await wb.step('Create Billing Group opens the wizard at step 1', async () => {
      await wb.clickWelcomeButton('Create Billing Group');
      await wb.waitForQuickInputTitle(step(1));
    });
    await wb.pressEscapeInQuickInput();
    await wb.waitForQuickInputClosed();
    assert.equal(recorded(layer, 'CreateBillingGroup').length, 0);
  });
});

// ---------------------------------------------------------------------------------------------
// 6. The region picker.

test('6. Select AWS Region from the view\'s "…" menu: the current region is marked; eu-west-1 reloads the tree and the status bar', { timeout: 300_000 }, async () => {
  await createGroups(moto.endpoint, [{ name: 'virginia-group' }], { region: 'us-east-1' });
  await createGroups(moto.endpoint, [{ name: 'dublin-group' }], { region: 'eu-west-1' });

  await withWorkbench('6 region picker', throughLayer(), async ({ wb }) => {
    await wb.step('open the view: the us-east-1 groups', async () => {
      await openView(wb);
      await waitForTopLevelLabels(wb, withUnassigned(['virginia-group']));
      await waitForStatusBarText(wb, 'default @ us-east-1');
    });

    const more = await wb.viewTitleMoreActions();
    assert.ok(more.includes('Select AWS Region'), JSON.stringify(more));

    const picker = await wb.step('"…" → Select AWS Region: the picker marks us-east-1 as current', async () => {
      await wb.clickViewTitleAction('Select AWS Region');
      return wb.waitForQuickInput({ title: 'Select AWS Region' });
    });
    const current = picker.items.filter((i) => /current/.test(i.description));
    assert.deepEqual(current.map((i) => `${i.label} ${i.description}`), ['us-east-1 US East (N. Virginia) — current']);

    await wb.step('pick eu-west-1: the tree reloads with the eu-west-1 groups', async () => {
      await wb.typeInQuickInput('eu-west-1');
      await wb.pickQuickInputItem('eu-west-1');
      await wb.waitForQuickInputClosed();
      await waitForTopLevelLabels(wb, withUnassigned(['dublin-group']));
    });
    await wb.step('the status bar follows: default @ eu-west-1', () => waitForStatusBarText(wb, 'default @ eu-west-1'));
  });
});

// ---------------------------------------------------------------------------------------------
// 7. Paging.

test('7. 260 groups: the first 250, "Load more…" and the unassigned item; clicking it shows all 260 with one more list call', { timeout: 420_000 }, async () => {
  const names = Array.from({ length: 260 }, (_, i) => `page-${String(i).padStart(3, '0')}`);
  await createGroups(moto.endpoint, names.map((name) => ({ name })), { parallel: 10 });

  await withWorkbench('7 paging', throughLayer(), async ({ wb }) => {
    await wb.step('open the view: the first page', async () => {
      await openView(wb);
      // 250 groups, "Load more…", then the unassigned item (issue 12).
      const rows = await waitForTreeSize(wb, 252);
      assert.equal(rows[0].label, 'page-000');
    });

    await wb.step('scroll to the end: 250 groups, then "Load more…", then the unassigned item', async () => {
      const rows = await scrollTree(wb, 'End');
      const last = rows[rows.length - 1];
      assert.equal(last.label, UNASSIGNED_ITEM);
      assert.deepEqual([last.posInSet, last.setSize], [252, 252]);
      const more = rows[rows.length - 2];
      assert.equal(more.label, 'Load more…');
      assert.equal(more.icon, 'ellipsis');
      assert.deepEqual([more.posInSet, more.setSize], [251, 252]);
      assert.equal(rows[rows.length - 3].label, 'page-249');
      assert.equal(rows[rows.length - 3].posInSet, 250);
    });
    assert.equal(recorded(layer, 'ListBillingGroups').length, 1, describeRequests(layer));

    await wb.step('click "Load more…": all 260 groups', async () => {
      await wb.clickTreeItem('Load more…');
      await waitForTreeSize(wb, 261);
      const rows = await scrollTree(wb, 'End');
      const last = rows[rows.length - 1];
      assert.equal(last.label, UNASSIGNED_ITEM);
      assert.deepEqual([last.posInSet, last.setSize], [261, 261]);
      const lastGroup = rows[rows.length - 2];
      assert.equal(lastGroup.label, 'page-259');
      assert.deepEqual([lastGroup.posInSet, lastGroup.setSize], [260, 261]);
      assert.ok(!rows.some((r) => r.label === 'Load more…'));
    });

    const lists = recorded(layer, 'ListBillingGroups');
    assert.equal(lists.length, 2, describeRequests(layer));
    assert.deepEqual(lists.map((r) => queryOf(r).get('maxResults')), ['250', '250']);
    assert.equal(queryOf(lists[0]).get('nextToken'), null);
    assert.ok(queryOf(lists[1]).get('nextToken'), 'the second call asks for the next page');
    assert.equal(recorded(layer, 'DescribeBillingGroup').length, 0, 'no call per group');
  });
});
