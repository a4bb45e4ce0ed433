// Billing groups as code in the real workbench (code-server, VS Code 1.100) against moto behind the
// test suite's tag layer, which keeps tags and records every request the extension sent, and the AWS
// semantics layer in front of it (an add moves the thing, as on AWS; moto would keep it in both groups).
//   1. export, plan, apply  Export opens an untitled billing-groups.json; its Plan CodeLens says
//                           "No changes"; a manifest with a bad name gets the schema's diagnostic and
//                           Apply refuses it; Plan of a changed manifest opens the diff with the
//                           summary; Apply confirms in a modal and writes; a second Apply writes
//                           nothing; a manifest of another account is refused and then underlined
//   2. copy as code         Copy as CloudFormation (two groups selected; a tag with an empty value is
//                           left out, and the notification says so) and Copy as Terraform, pasted
//                           into an editor
//   3. Restricted Mode      Plan works, Apply refuses with its sentence and sends nothing
//   4. the plan you saw     prune's diff and notification say how many things the deleted group still
//                           holds; the account changes after the Plan, so Apply shows the new diff
//                           instead of applying; Apply again confirms with the new count; the tree's
//                           Delete says the count too; Apply from a dirty editor says it uses the
//                           unsaved text, and lists the thing it moves
// With DOCS_SCREENSHOTS=1 the plan diff, the confirmation and the diagnostic are also saved as
// docs/screenshots/manifest-*.png for the README.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { AddThingToBillingGroupCommand, ListThingsInBillingGroupCommand, TagResourceCommand, type IoTClient } from '@aws-sdk/client-iot';
import { renderManifest } from '../../src/core/manifestRender';
import { renderTerraform } from '../../src/core/terraform';
import { MotoServer, startMoto } from '../support/moto';
import { SAMPLE_GROUPS, seedSampleFleet, testClient } from '../support/seed';
import { startTagLayer, TagLayer } from '../support/tagLayer';
import { startAwsSemanticsLayer, type AwsSemanticsLayer } from '../support/awsSemanticsLayer';
import { SELECTORS, waitUntil, withWorkbench, Workbench, type ScenarioOptions } from '../support/workbench';
import { clickTreeItemWith, waitForTreeSelection } from '../support/workbenchExtras';
import { activeEditorText, openFile, problems, waitForAnyEditorText, waitForEditorText } from '../support/workbenchFoundation';

const AWS_FILES = {
  config: ['[default]', 'region = us-east-1', ''].join('\n'),
  credentials: ['[default]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'),
};

const CMD = {
  export: 'AWS IoT: Export Billing Groups as Manifest',
  plan: 'AWS IoT: Plan Billing Group Changes',
  apply: 'AWS IoT: Apply Billing Group Changes',
};
const WRITES = ['CreateBillingGroup', 'UpdateBillingGroup', 'DeleteBillingGroup', 'TagResource', 'UntagResource', 'AddThingToBillingGroup', 'RemoveThingFromBillingGroup'];

/** The account after Apply: a group created with tags and a thing, a description, a tag added, a move, a thing added. */
const PROD_MANIFEST = renderManifest({
  account: '123456789012',
  region: 'us-east-1',
  prune: false,
  groups: [
    {
      name: 'fleet-eu-west',
      tags: [{ key: 'costCenter', value: 'logistics-eu' }, { key: 'env', value: 'prod' }, { key: 'owner', value: 'ops' }],
      things: ['van-0101', 'van-0102', 'van-0103', 'van-0301'],
    },
    { name: 'fleet-us-east', things: ['van-0201', 'van-0202', 'proto-a'] },
    { name: 'lab-prototypes', description: 'Rev C boards' },
    { name: 'made-by-manifest', description: 'from the manifest', tags: [{ key: 'team', value: 'fleet' }], things: ['proto-b'] },
  ],
});
const BAD_MANIFEST = '{\n  "groups": {\n    "bad name": {}\n  }\n}\n';
/** Keeps every seeded group but fleet-eu-west, which prune deletes (it holds 3 things). */
const PRUNE_MANIFEST = renderManifest({
  account: '123456789012',
  region: 'us-east-1',
  prune: true,
  groups: SAMPLE_GROUPS.filter((g) => g.name !== 'fleet-eu-west').map((g) => ({ name: g.name })),
});
const OTHER_ACCOUNT = '{\n  "account": "111111111111",\n  "region": "us-east-1",\n  "groups": {}\n}\n';

let moto: MotoServer;
let layer: TagLayer;
let semantics: AwsSemanticsLayer;
let iot: IoTClient;

before(async () => {
  moto = await startMoto();
  layer = await startTagLayer(moto.endpoint);
  semantics = await startAwsSemanticsLayer(layer.endpoint, { moto: moto.endpoint });
  iot = testClient(moto.endpoint);
});

after(async () => {
  iot?.destroy();
  await semantics?.stop();
  await layer?.stop();
  await moto?.stop();
});

async function freshFleet(): Promise<void> {
  await moto.reset();
  layer.clear();
  await seedSampleFleet(layer.endpoint);
  layer.requests.length = 0;
  semantics.clear();
}

function scenarioOptions(extra: Partial<ScenarioOptions['server']> = {}): ScenarioOptions {
  return {
    server: {
      settings: { 'iotBillingGroups.endpoint': semantics.endpoint, 'iotBillingGroups.region': 'us-east-1' },
      aws: AWS_FILES,
      workspaceFiles: {
        'prod.billing-groups.json': PROD_MANIFEST,
        'bad.billing-groups.json': BAD_MANIFEST,
        'other.billing-groups.json': OTHER_ACCOUNT,
        'prune.billing-groups.json': PRUNE_MANIFEST,
      },
      ...extra,
    },
  };
}

const writes = () => layer.requests.filter((r) => r.operation !== undefined && WRITES.includes(r.operation));

async function thingsIn(group: string): Promise<string[]> {
  return ((await iot.send(new ListThingsInBillingGroupCommand({ billingGroupName: group }))).things ?? []).sort();
}

/** The CodeLens titles of the active editor. */
async function codeLenses(wb: Workbench): Promise<string[]> {
  return (await wb.page.locator(`${SELECTORS.editorPart} .editor-instance .codelens-decoration a, ${SELECTORS.editorPart} .editor-instance .codelens-decoration span`).filter({ visible: true }).allInnerTexts())
    .map((t) => t.trim())
    .filter(Boolean);
}

async function clickCodeLens(wb: Workbench, title: string): Promise<void> {
  const lens = await waitUntil(`the "${title}" CodeLens`, async () => {
    const l = wb.page.locator(`${SELECTORS.editorPart} .editor-instance .codelens-decoration a`).filter({ visible: true, hasText: new RegExp(`^${title}$`) });
    return (await l.count()) > 0 ? l.first() : undefined;
  }, { describe: async () => JSON.stringify(await codeLenses(wb)) });
  await lens.click();
}

/** A screenshot of the step (kept with the e2e artifacts), copied into docs/screenshots with DOCS_SCREENSHOTS=1. */
async function docsShot(wb: Workbench, name: string): Promise<void> {
  const file = await wb.screenshot(`docs-${name}`);
  if (process.env.DOCS_SCREENSHOTS) fs.copyFileSync(file, path.join(__dirname, '..', '..', '..', 'docs', 'screenshots', `manifest-${name}.png`));
}

/** Opens the container and waits for the seeded groups (the tree may hold more, e.g. things without a group). */
async function openView(wb: Workbench): Promise<void> {
  await wb.openViewContainer();
  await wb.waitForView();
  for (const g of SAMPLE_GROUPS) await wb.waitForTreeItem(g.name);
}

// -------------------------------------------------------------------------------------------------

test('manifest 1: export, schema diagnostic, plan diff, apply through the modal, a second apply writes nothing, another account refused', { timeout: 420_000 }, async () => {
  await freshFleet();
  await withWorkbench('manifest 1 export plan apply', scenarioOptions(), async ({ wb }) => {
    // The palette lists an extension's commands once the workbench has read its contributions.
    await wb.step('open the Billing Groups view', () => openView(wb));
    await wb.step('export: an untitled billing-groups.json with account, region and every group', async () => {
      await wb.runCommand(CMD.export);
      await wb.waitForQuickInput();
      await wb.pickQuickInputItem('Groups, descriptions, tags and things');
      await wb.waitForEditorTab(/^billing-groups\.json/);
      const text = await waitForEditorText(wb, /"account": "123456789012"/);
      assert.match(text, /"region": "us-east-1"/);
      assert.match(text, /"fleet-eu-west": \{/);
      assert.equal(text.includes('$schema'), false);
    });

    await wb.step('the Plan and Apply CodeLens; Plan of the export says no changes', async () => {
      await waitUntil('Plan and Apply lenses', async () => {
        const l = await codeLenses(wb);
        return l.includes('Plan') && l.includes('Apply') ? l : undefined;
      }, { describe: async () => JSON.stringify(await codeLenses(wb)) });
      await clickCodeLens(wb, 'Plan');
      await wb.waitForNotification('Plan: No changes.');
      await wb.waitForEditorTab(/Account 123456789012 \(us-east-1\) ↔ billing-groups\.json — No changes\./);
    });
    assert.deepEqual(writes(), []);

    await wb.step('a bad name: the schema underlines it; Apply refuses and sends nothing', async () => {
      await openFile(wb, 'bad.billing-groups.json');
      await problems(wb, /A billing group name may contain only letters A–Z and a–z, digits, ":", "_" and "-"\./);
      await docsShot(wb, 'schema-diagnostic');
      layer.requests.length = 0;
      await wb.runCommand(CMD.apply);
      await wb.waitForNotification('bad.billing-groups.json has an error: fix it first (it is underlined, and listed in the Problems view). Nothing was sent.');
      assert.deepEqual(layer.requests, [], 'nothing sent at all');
    });

    await wb.step('plan of a changed manifest: the diff and its summary', async () => {
      await openFile(wb, 'prod.billing-groups.json');
      await wb.clearNotifications();
      await wb.runCommand(CMD.plan);
      const summary = '1 to create, 2 to update, 0 to delete; things: 2 to add, 0 to remove, 1 to move.';
      await wb.waitForNotification(`Plan: ${summary}`);
      await wb.waitForEditorTab(`Account 123456789012 (us-east-1) ↔ prod.billing-groups.json — ${summary}`);
      await docsShot(wb, 'plan-diff');
      assert.deepEqual(writes(), [], 'a plan writes nothing');
    });

    await wb.step('apply through the modal: counts, then the report', async () => {
      await openFile(wb, 'prod.billing-groups.json');
      await wb.runCommand(CMD.apply);
      const dialog = await wb.waitForDialog({ timeout: 45_000 });
      assert.equal(dialog.message, 'Apply prod.billing-groups.json to account 123456789012 in us-east-1? 1 to create, 2 to update, 0 to delete.');
      assert.match(dialog.detail, /things: 2 to add, 0 to remove, 1 to move\./);
      // What changes, by name: the thing moves as well as the groups.
      for (const line of [
        'Create: made-by-manifest',
        'Update: fleet-eu-west (tags), lab-prototypes (description)',
        'Move: proto-a from lab-prototypes to fleet-us-east',
        'Add: van-0301 to fleet-eu-west, proto-b to made-by-manifest',
      ])
        assert.ok(dialog.detail.split('\n').includes(line), `${line} in ${JSON.stringify(dialog.detail)}`);
      assert.doesNotMatch(dialog.detail, /unsaved/, 'the file is saved');
      assert.ok(dialog.buttons.includes('Apply'), JSON.stringify(dialog.buttons));
      await docsShot(wb, 'apply-confirm');
      assert.deepEqual(writes(), [], 'nothing before the confirmation');
      await wb.clickDialogButton('Apply');
      await wb.waitForNotification(/^Applied: \d+ steps done\.$/);
      await waitForAnyEditorText(wb, /done\s+"made-by-manifest": create/);
    });
    const create = writes().filter((r) => r.operation === 'CreateBillingGroup');
    assert.equal(create.length, 1);
    assert.deepEqual(create[0].body, { billingGroupProperties: { billingGroupDescription: 'from the manifest' }, tags: [{ Key: 'team', Value: 'fleet' }] });
    assert.deepEqual(await thingsIn('made-by-manifest'), ['proto-b']);
    assert.deepEqual(await thingsIn('fleet-us-east'), ['proto-a', 'van-0201', 'van-0202']);
    assert.deepEqual(await thingsIn('lab-prototypes'), [], 'the add moved proto-a out of its group');
    assert.equal(writes().filter((r) => r.operation === 'RemoveThingFromBillingGroup').length, 0, 'a move is the add alone');
    assert.deepEqual(semantics.moves, [{ thing: 'proto-a', from: 'lab-prototypes', to: 'fleet-us-east' }]);
    assert.deepEqual(await thingsIn('fleet-eu-west'), ['van-0101', 'van-0102', 'van-0103', 'van-0301']);
    assert.deepEqual(layer.tagsOf('arn:aws:iot:us-east-1:123456789012:billinggroup/fleet-eu-west').map((t) => t.Key).sort(), ['costCenter', 'env', 'owner']);

    await wb.step('a second apply writes nothing', async () => {
      layer.requests.length = 0;
      await openFile(wb, 'prod.billing-groups.json');
      await wb.runCommand(CMD.apply);
      await wb.waitForNotification('No changes: account 123456789012 in us-east-1 already matches prod.billing-groups.json.');
      assert.deepEqual(writes(), []);
    });

    await wb.step('another account: refused in a sentence, then underlined as a warning', async () => {
      await openFile(wb, 'other.billing-groups.json');
      await wb.runCommand(CMD.plan);
      await wb.waitForNotification(
        'The manifest is for account 111111111111, but you are connected to account 123456789012. Connect with a profile of account 111111111111, or change the manifest\'s "account". Nothing was changed.',
      );
      await problems(wb, /This manifest is for account 111111111111; you are connected to account 123456789012\. Plan and Apply refuse it\./);
      assert.deepEqual(writes(), []);
    });
  });
});

test('manifest 2: Copy as CloudFormation (two groups) and Copy as Terraform, pasted into an editor', { timeout: 240_000 }, async () => {
  await freshFleet();
  // A tag with an empty value: the IoT API takes it, a CloudFormation template cannot.
  const tagging = testClient(layer.endpoint);
  await tagging.send(new TagResourceCommand({ resourceArn: 'arn:aws:iot:us-east-1:123456789012:billinggroup/lab-prototypes', tags: [{ Key: 'owner', Value: '' }] }));
  tagging.destroy();
  layer.requests.length = 0;
  await withWorkbench('manifest 2 copy as code', scenarioOptions(), async ({ wb }) => {
    await wb.step('open the Billing Groups view', () => openView(wb));

    const yaml = await wb.step('select two groups, Copy as CloudFormation: the empty tag is left out, and the notification says so', async () => {
      await wb.clickTreeItem('fleet-eu-west');
      await clickTreeItemWith(wb, 'lab-prototypes', ['Control']);
      await waitForTreeSelection(wb, ['fleet-eu-west', 'lab-prototypes']);
      await wb.runTreeItemContextMenu('lab-prototypes', 'Copy as CloudFormation');
      await wb.waitForNotification(
        'Copied 2 billing groups as CloudFormation. Left out: 1 tag with an empty value (CloudFormation needs at least one character). See the comments in the copy.',
      );
      return wb.waitForClipboard(/AWS::IoT::BillingGroup/);
    });
    assert.match(yaml, /^ {6}# Tag "owner" left out: its value is empty, and CloudFormation needs a tag value of at least one character\.$/m);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const doc = (require('js-yaml') as { load(t: string): unknown }).load(yaml) as { Resources: Record<string, { Properties: Record<string, unknown> }> };
    const byName = new Map(Object.values(doc.Resources).map((r) => [r.Properties.BillingGroupName, r.Properties]));
    assert.deepEqual([...byName.keys()].sort(), ['fleet-eu-west', 'lab-prototypes']);
    assert.deepEqual(byName.get('lab-prototypes'), {
      BillingGroupName: 'lab-prototypes',
      BillingGroupProperties: { BillingGroupDescription: 'Boards on the bench; not billed to customers' },
      Tags: [{ Key: 'env', Value: 'dev' }],
    });

    await wb.step('paste the CloudFormation into an editor', async () => {
      await wb.runCommand('File: New Untitled Text File');
      await wb.page.keyboard.press('Control+V');
      await waitForEditorText(wb, /Type: AWS::IoT::BillingGroup/);
      assert.match(await activeEditorText(wb), /BillingGroupName: "fleet-eu-west"/);
    });

    const greenhouse = SAMPLE_GROUPS.find((g) => g.name === 'greenhouse-sensors')!;
    const expected = renderTerraform([{ name: greenhouse.name, description: greenhouse.description, tags: Object.entries(greenhouse.tags).map(([key, value]) => ({ key, value })) }]);
    await wb.step('Copy as Terraform on one group: exactly the rendered HCL', async () => {
      await wb.clickTreeItem('greenhouse-sensors');
      await waitForTreeSelection(wb, ['greenhouse-sensors']);
      await wb.runTreeItemContextMenu('greenhouse-sensors', 'Copy as Terraform');
      await wb.waitForNotification('Copied billing group greenhouse-sensors as Terraform.');
      await wb.waitForClipboard(expected);
    });

    await wb.step('paste the Terraform into an editor', async () => {
      await wb.runCommand('File: New Untitled Text File');
      await wb.page.keyboard.press('Control+V');
      await waitForEditorText(wb, /resource "aws_iot_billing_group" "greenhouse-sensors" \{/);
    });
    assert.deepEqual(writes(), [], 'copying wrote nothing');
  });
});

test('manifest 3: in Restricted Mode, Plan works and Apply refuses with its sentence', { timeout: 240_000 }, async () => {
  await freshFleet();
  await withWorkbench('manifest 3 restricted mode', scenarioOptions({ restrictedMode: true }), async ({ wb }) => {
    await wb.step('open the Billing Groups view', () => openView(wb));
    await wb.step('plan works in Restricted Mode', async () => {
      await openFile(wb, 'prod.billing-groups.json');
      await wb.runCommand(CMD.plan);
      await wb.waitForNotification('Plan: 1 to create, 2 to update, 0 to delete; things: 2 to add, 0 to remove, 1 to move.');
    });
    await wb.step('apply refuses and sends nothing', async () => {
      layer.requests.length = 0;
      await wb.runCommand(CMD.apply);
      const n = await wb.waitForNotification('Apply changes your AWS account, which Restricted Mode does not allow: trust this workspace to apply a manifest. Plan works without trust.');
      assert.deepEqual(n.buttons, ['Manage Workspace Trust']);
      assert.deepEqual(layer.requests, []);
    });
  });
});

test('manifest 4: the plan you saw — prune counts the things it leaves without a group; a changed account is shown again, not applied; the tree\'s Delete counts too; a dirty editor is said', { timeout: 420_000 }, async () => {
  await freshFleet();
  // VS Code in the browser saves after a delay by default: off here, so the editor stays dirty.
  const options = scenarioOptions();
  options.server.settings = { ...options.server.settings, 'files.autoSave': 'off' };
  await withWorkbench('manifest 4 plan you saw', options, async ({ wb }) => {
    await wb.step('open the Billing Groups view', () => openView(wb));

    await wb.step('plan with prune: the diff and the notification say how many things the deleted group holds', async () => {
      await openFile(wb, 'prune.billing-groups.json');
      await wb.runCommand(CMD.plan);
      await wb.waitForNotification(/^Plan: 0 to create, 0 to update, 1 to delete; .* Billing group "fleet-eu-west" is deleted: 3 things will be left without a billing group\.$/);
      await waitForAnyEditorText(wb, /\/\/ Deleted by prune: 3 things will be left without a billing group\.\s+"fleet-eu-west": \{/);
      await docsShot(wb, 'prune-diff');
    });
    assert.deepEqual(writes(), []);

    await wb.step('someone adds a thing to that group after the plan; Apply shows the new diff instead of applying', async () => {
      await iot.send(new AddThingToBillingGroupCommand({ billingGroupName: 'fleet-eu-west', thingName: 'van-0301' }));
      await wb.clearNotifications();
      await openFile(wb, 'prune.billing-groups.json');
      await wb.runCommand(CMD.apply);
      await wb.waitForNotification(
        'The account changed since the plan you saw. Nothing was applied: the new plan is open — 0 to create, 0 to update, 1 to delete; things: 0 to add, 0 to remove, 0 to move. Apply again to apply it.',
      );
      await waitForAnyEditorText(wb, /\/\/ Deleted by prune: 4 things will be left without a billing group\./);
      assert.equal(await wb.page.locator(SELECTORS.dialog).filter({ visible: true }).count(), 0, 'no confirmation: nothing is applied');
    });
    assert.deepEqual(writes(), []);

    await wb.step('Apply again: the modal names the group to delete and the things it leaves; Cancel', async () => {
      await openFile(wb, 'prune.billing-groups.json');
      await wb.runCommand(CMD.apply);
      const dialog = await wb.waitForDialog({ timeout: 45_000 });
      assert.equal(dialog.message, 'Apply prune.billing-groups.json to account 123456789012 in us-east-1? 0 to create, 0 to update, 1 to delete.');
      assert.ok(dialog.detail.split('\n').includes('Delete: fleet-eu-west (4 things will be left without a billing group)'), dialog.detail);
      assert.match(dialog.detail, /⚠ Billing group "fleet-eu-west" is deleted: 4 things will be left without a billing group\./);
      await docsShot(wb, 'prune-confirm');
      await wb.clickDialogButton('Cancel');
    });
    assert.deepEqual(writes(), []);

    await wb.step('the tree\'s Delete Billing Group says how many things the group still holds; Cancel', async () => {
      await wb.runTreeItemContextMenu('fleet-eu-west', 'Delete Billing Group');
      const dialog = await wb.waitForDialog({ timeout: 45_000 });
      assert.equal(dialog.message, 'Delete billing group fleet-eu-west?');
      assert.match(dialog.detail, /The things in it are not deleted; they no longer belong to a billing group\.\s+4 things will be left without a billing group\./);
      await wb.clickDialogButton('Cancel');
    });
    assert.deepEqual(writes(), []);
    assert.equal(layer.requests.filter((r) => r.operation === 'ListThingsInBillingGroup' && r.path.includes('maxResults=250')).length > 0, true, 'counted with a page of 250');

    await wb.step('Apply from a dirty editor: the modal says it applies the unsaved text, and lists the move', async () => {
      await openFile(wb, 'prod.billing-groups.json');
      const editor = wb.page.locator(`${SELECTORS.editorPart} .editor-instance .monaco-editor`).filter({ visible: true }).first();
      await editor.locator('.view-lines').click();
      await waitUntil('the editor to have the focus', async () => /\bfocused\b/.test((await editor.getAttribute('class')) ?? ''), { timeout: 10_000 });
      await wb.page.keyboard.press('Control+End');
      await wb.page.keyboard.press('Enter');
      await waitUntil('the editor to be dirty', async () => (await wb.page.locator(`${SELECTORS.editorTab}.dirty`).filter({ visible: true }).count()) > 0);
      await wb.runCommand(CMD.apply);
      const dialog = await wb.waitForDialog({ timeout: 45_000 });
      assert.match(dialog.detail, /This applies the unsaved text in the editor, not prod\.billing-groups\.json as saved on disk\./);
      assert.ok(dialog.detail.split('\n').includes('Move: proto-a from lab-prototypes to fleet-us-east'), dialog.detail);
      await docsShot(wb, 'apply-dirty');
      await wb.clickDialogButton('Cancel');
      await wb.page.keyboard.press('Control+Z');
    });
    assert.deepEqual(writes(), []);
  });
});
