// Manifests with several connections (issue 17), in the real workbench (code-server) against moto
// behind the fault proxy (which tells the regions apart by their SigV4 credential scope), the AWS
// semantics layer (an add moves the thing, as on AWS) and the tag layer (the tag operations moto lacks):
// two connections, two regions of the profile — us-east-1 (the first) and eu-west-1.
//   - a manifest naming eu-west-1 plans against that connection (its groups in the diff, nothing asked
//     of us-east-1) and applies there (the group is created in moto's eu-west-1, not in us-east-1);
//     the modal and the notifications name the connection; only that connection's tree reloads;
//   - a manifest naming a region no connection is in is refused, the sentence naming the connections
//     and their accounts, nothing sent, and the editor warns of it without a call;
//   - a manifest without a region fits both: Plan asks which connection;
//   - Export from the eu-west-1 connection's context menu writes that region and its groups.
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { renderManifest } from '../../src/core/manifestRender';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { MotoServer, startMoto } from '../support/moto';
import { SAMPLE_GROUPS, seedSampleFleet } from '../support/seed';
import { startTagLayer, type TagLayer } from '../support/tagLayer';
import { startAwsSemanticsLayer, type AwsSemanticsLayer } from '../support/awsSemanticsLayer';
import { waitUntil, withWorkbench } from '../support/workbench';
import { waitForTreeChildren } from '../support/workbenchExtras';
import { createGroups, describeInEmulator, openFile, problems, waitForAnyEditorText, waitForEditorText, waitForTopLevelLabels, withUnassigned } from '../support/workbenchFoundation';

const AWS_FILES = {
  config: ['[default]', 'region = us-east-1', ''].join('\n'),
  credentials: ['[default]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'),
};
const ACCOUNT = '123456789012';
const US = 'default @ us-east-1';
const EU = 'default @ eu-west-1';
const CMD = {
  plan: 'AWS IoT: Plan Billing Group Changes',
  apply: 'AWS IoT: Apply Billing Group Changes',
};
const WRITES = ['CreateBillingGroup', 'UpdateBillingGroup', 'DeleteBillingGroup', 'TagResource', 'UntagResource', 'AddThingToBillingGroup', 'RemoveThingFromBillingGroup'];

/** The groups of eu-west-1 (us-east-1 holds the sample fleet). */
const EU_GROUPS = [
  { name: 'dublin-vans', description: 'Vans, Dublin depot', tags: { env: 'prod' } },
  { name: 'dublin-lab', description: 'Bench boards, Dublin' },
];
/** For eu-west-1: one description changed, one group created. */
const WEST = renderManifest({
  account: ACCOUNT,
  region: 'eu-west-1',
  prune: false,
  groups: [
    { name: 'dublin-vans', description: 'Vans, Dublin and Cork' },
    { name: 'made-in-west', description: 'from the manifest', tags: [{ key: 'team', value: 'eu' }] },
  ],
});
const NOWHERE = '{\n  "region": "ap-south-1",\n  "groups": {}\n}\n';
/** No account, no region: both connections fit. */
const ANYWHERE = '{\n  "groups": {\n    "dublin-lab": {}\n  }\n}\n';

let moto: MotoServer;
let layer: TagLayer;
let semantics: AwsSemanticsLayer;
let proxy: FaultProxy;

before(async () => {
  moto = await startMoto();
  layer = await startTagLayer(moto.endpoint);
  semantics = await startAwsSemanticsLayer(layer.endpoint, { moto: moto.endpoint });
  proxy = await startFaultProxy(semantics.endpoint);
});

after(async () => {
  await proxy?.stop();
  await semantics?.stop();
  await layer?.stop();
  await moto?.stop();
});

const writes = () => proxy.forwarded().filter((r) => r.operation !== undefined && WRITES.includes(r.operation));
const sentTo = (region: string) => proxy.forwarded().filter((r) => r.region === region);

test('manifests with two connections: the region picks the connection (plan, apply there), an unconnected region is refused naming the connections, no region asks, Export from a connection\'s menu', { timeout: 540_000 }, async () => {
  await moto.reset();
  layer.clear();
  semantics.clear();
  await seedSampleFleet(layer.endpoint);
  await createGroups(layer.endpoint, EU_GROUPS, { region: 'eu-west-1' });
  proxy.reset();
  const settings = {
    'iotBillingGroups.endpoint': proxy.endpoint,
    'iotBillingGroups.region': 'us-east-1',
    'iotBillingGroups.connections': [{ profile: 'default', region: 'eu-west-1', endpoint: proxy.endpoint }],
  };
  const workspaceFiles = { 'west.billing-groups.json': WEST, 'nowhere.billing-groups.json': NOWHERE, 'any.billing-groups.json': ANYWHERE };

  await withWorkbench('manifest connections', { server: { settings, aws: AWS_FILES, workspaceFiles } }, async ({ wb }) => {
    await wb.step('two roots; both expanded, each with its own groups (their accounts are then known without a call)', async () => {
      await wb.openViewContainer();
      await waitForTopLevelLabels(wb, [US, EU]);
      await wb.expandTreeItem(US);
      await waitForTreeChildren(wb, US, withUnassigned(SAMPLE_GROUPS.map((g) => g.name)));
      await wb.expandTreeItem(EU);
      await waitForTreeChildren(wb, EU, withUnassigned(['dublin-lab', 'dublin-vans']));
      await waitUntil('the account as the eu-west-1 root\'s description', async () => (await wb.waitForTreeItem(EU)).description === ACCOUNT);
    });

    const usBefore = sentTo('us-east-1').length;
    await wb.step('Plan of the eu-west-1 manifest: against that connection, its groups in the diff', async () => {
      await openFile(wb, 'west.billing-groups.json');
      await wb.runCommand(CMD.plan);
      const summary = '1 to create, 1 to update, 0 to delete; things: 0 to add, 0 to remove, 0 to move.';
      await wb.waitForNotification(`Plan (${EU}): ${summary}`);
      await wb.waitForEditorTab(`Account ${ACCOUNT} (eu-west-1) ↔ west.billing-groups.json — ${summary}`);
      await waitForAnyEditorText(wb, /"dublin-vans": \{\s*"description": "Vans, Dublin depot"/);
    });
    assert.equal(sentTo('us-east-1').length, usBefore, 'nothing asked of the us-east-1 connection');
    assert.deepEqual(writes(), []);

    await wb.step('Apply: the modal names the connection; applied in eu-west-1; the notification names it', async () => {
      await openFile(wb, 'west.billing-groups.json');
      await wb.runCommand(CMD.apply);
      const dialog = await wb.waitForDialog({ timeout: 45_000 });
      assert.equal(dialog.message, `Apply west.billing-groups.json to account ${ACCOUNT} in eu-west-1 (${EU})? 1 to create, 1 to update, 0 to delete.`);
      await wb.clickDialogButton('Apply');
      await wb.waitForNotification(new RegExp(`^Applied: \\d+ steps done \\(${EU.replace(/[.]/g, '\\.')}\\)\\.$`));
      await waitForAnyEditorText(wb, /done\s+"made-in-west": create/);
    });
    assert.ok(writes().length > 0 && writes().every((r) => r.region === 'eu-west-1'), JSON.stringify(writes().map((r) => [r.operation, r.region])));
    assert.equal((await describeInEmulator(moto.endpoint, 'made-in-west', 'eu-west-1'))?.description, 'from the manifest');
    assert.equal(await describeInEmulator(moto.endpoint, 'made-in-west', 'us-east-1'), undefined, 'not in the first connection\'s region');
    assert.equal((await describeInEmulator(moto.endpoint, 'dublin-vans', 'eu-west-1'))?.description, 'Vans, Dublin and Cork');

    await wb.step('only the eu-west-1 connection\'s tree reloads', async () => {
      await waitForTreeChildren(wb, EU, withUnassigned(['dublin-lab', 'dublin-vans', 'made-in-west']));
      await waitForTreeChildren(wb, US, withUnassigned(SAMPLE_GROUPS.map((g) => g.name)));
    });
    assert.equal(sentTo('us-east-1').length, usBefore, 'the us-east-1 connection was not reloaded');

    await wb.step('a manifest for a region no connection is in: refused, the sentence names the connections; nothing sent', async () => {
      const sent = proxy.forwarded().length;
      await openFile(wb, 'nowhere.billing-groups.json');
      await wb.runCommand(CMD.plan);
      await wb.waitForNotification(
        `The manifest is for region ap-south-1, and no connection is: the connections are ${US} (account ${ACCOUNT}) and ${EU} (account ${ACCOUNT}). Add one with "Add Connection…", or change the manifest's "region". Nothing was sent.`,
      );
      assert.equal(proxy.forwarded().length, sent, 'nothing sent');
      await problems(wb, /This manifest is for region ap-south-1; the connections are in us-east-1 and eu-west-1\. Plan and Apply refuse it\./);
    });

    await wb.step('a manifest without a region fits both connections: Plan asks which', async () => {
      await openFile(wb, 'any.billing-groups.json');
      await wb.runCommand(CMD.plan);
      const pick = await wb.waitForQuickInput({ title: 'Which connection?' });
      assert.deepEqual(pick.items.map((i) => i.label), [US, EU]);
      await wb.pickQuickInputItem(EU);
      await wb.waitForNotification(`Plan (${EU}): No changes.`);
      await wb.waitForEditorTab(`Account ${ACCOUNT} (eu-west-1) ↔ any.billing-groups.json — No changes.`);
    });

    await wb.step('Export from the eu-west-1 connection\'s context menu: its region and its groups', async () => {
      await wb.runTreeItemContextMenu(EU, 'Export Billing Groups as Manifest');
      await wb.waitForQuickInput();
      await wb.pickQuickInputItem('Groups, descriptions and tags (membership not managed)');
      await wb.waitForEditorTab(/^billing-groups\.json/);
      const text = await waitForEditorText(wb, /"region": "eu-west-1"/);
      assert.match(text, new RegExp(`"account": "${ACCOUNT}"`));
      assert.match(text, /"made-in-west": \{/);
      assert.match(text, /"dublin-vans": \{/);
      assert.doesNotMatch(text, /fleet-eu-west/, 'not the us-east-1 connection\'s groups');
    });
  });
  assert.equal(proxy.forwarded().filter((r) => r.operation === 'CreateBillingGroup').length, 1);
});
