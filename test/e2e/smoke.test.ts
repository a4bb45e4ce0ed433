// Smoke test of the end-to-end harness: moto, code-server with the packaged extension, Chromium on
// the workbench. The extension's view opens from the activity bar and shows what the emulator holds.
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateBillingGroupCommand, IoTClient } from '@aws-sdk/client-iot';
import { MotoServer, startMoto } from '../support/moto';
import { withWorkbench } from '../support/workbench';
import { withUnassigned } from '../support/workbenchFoundation';

/** A `default` profile with static fake keys; the endpoint setting points the extension at moto. */
const AWS_FILES = {
  config: ['[default]', 'region = us-east-1', ''].join('\n'),
  credentials: ['[default]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'),
};

let moto: MotoServer;

before(async () => {
  moto = await startMoto();
});

after(async () => {
  await moto?.stop();
});

test('smoke: the packaged extension opens its view in code-server and lists the emulator\'s groups', { timeout: 300_000 }, async () => {
  await moto.reset();
  const settings = { 'iotBillingGroups.endpoint': moto.endpoint, 'iotBillingGroups.region': 'us-east-1' };

  await withWorkbench('smoke', { server: { settings, aws: AWS_FILES } }, async ({ wb }) => {
    await wb.step('open the AWS IoT Billing Groups container from the activity bar', () => wb.openViewContainer());

    // An empty account: the view's welcome content (after any loading state) offers to create one.
    const welcome = await wb.step('the Billing Groups view shows its empty state', () => wb.welcomeView());
    assert.ok(welcome.buttons.includes('Create Billing Group'), `welcome buttons: ${JSON.stringify(welcome.buttons)}`);

    const iot = new IoTClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await iot.send(new CreateBillingGroupCommand({ billingGroupName: 'smoke-group' }));
    iot.destroy();

    await wb.step('refresh from the view title bar: the group created in the emulator is listed', async () => {
      await wb.clickViewTitleAction('Refresh');
      await wb.waitForTreeItem('smoke-group');
    });
    assert.deepEqual(await wb.treeLabels(), withUnassigned(['smoke-group']));
  });
});
