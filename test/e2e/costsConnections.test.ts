// Costs across connections (issue 17), in the real workbench (code-server, VS Code 1.100) against moto
// behind the tag layer. Three connections: the profile in us-east-1 and in eu-west-1 (the management
// account of an organisation made in moto), and an account of that organisation in eu-west-1 through
// OrganizationAccountAccessRole (moto's STS answers with the role's account). The Cost Explorer
// stand-in (test/support/costExplorerLayer.ts) answers GetCostAndUsage from usage by account and
// region, applying the whole Filter and the GroupBy, page by page, and lets an account's Cost
// Explorer see only what it pays for; the tag layer records every request and the account that signed it.
//   - with costs.showInTree, each group's month to date under its own connection (the same group
//     name in two accounts: two figures);
//   - the panel: a Connection column (data-connection, the account in its title), sortable;
//     `<tr data-group>` as before; from a group's context menu, that connection's row;
//   - exactly one GetCostAndUsage per page of the one payer's query, signed by the management
//     account's connection; DescribeOrganization once per account; Refresh queries again, no more;
//   - Export: the CSV gains account and region columns;
//   - Set Up Cost Allocation acts on one connection: from the palette it asks which; from the member
//     account's context menu it tags that account's groups only, and its Billing step, signed by the
//     member, says only the management account manages cost-allocation tags.
// With DOCS_SCREENSHOTS=1 the panel is also saved as docs/screenshots/costs-connections.png.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { CreateBillingGroupCommand, IoTClient } from '@aws-sdk/client-iot';
import { costPeriod } from '../../src/core/costPeriod';
import { parseCsv } from '../../src/core/costsCsv';
import { MOTO_DEFAULT_ACCOUNT } from '../support/costExplorerLayer';
import { MotoServer, startMoto } from '../support/moto';
import { RecordedRequest, startTagLayer, TagLayer } from '../support/tagLayer';
import { waitUntil, withWorkbench, type Workbench } from '../support/workbench';
import { checkedQuickPickLabels, clickQuickInputOk, treeChildren } from '../support/workbenchExtras';
import { waitForTopLevelLabels } from '../support/workbenchFoundation';

const AWS_FILES = {
  config: ['[default]', 'region = us-east-1', ''].join('\n'),
  credentials: ['[default]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'),
};
const KEYS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const MGMT = MOTO_DEFAULT_ACCOUNT;
const PANEL_TITLE = 'Billing Group Costs';
const MONTHS = 1;

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
const describeOrganizations = () => layer.requests.filter((r) => r.target === 'AWSOrganizationsV20161128.DescribeOrganization');

interface Row {
  group: string | null;
  value: string | null;
  connection: string | null;
  connectionTitle: string;
  label: string;
  total: string;
}

/** The DOM as the browser gives it (this tsconfig has no DOM lib). */
interface DomEl {
  readonly textContent: string | null;
  readonly className: string;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomEl | null;
  querySelectorAll(selector: string): ArrayLike<DomEl>;
}

async function readRows(frame: FrameLocator): Promise<{ head: string[]; rows: Row[] }> {
  return frame.locator('table#costs').evaluate((table) => {
    const t = table as unknown as DomEl;
    const text = (e: DomEl | null | undefined) => (e?.textContent ?? '').trim();
    const head = Array.from(t.querySelectorAll('thead th')).map((th) => text(th));
    const rows = Array.from(t.querySelectorAll('tbody tr')).map((r) => {
      const tds = Array.from(r.querySelectorAll('td'));
      return {
        group: r.getAttribute('data-group'),
        value: r.getAttribute('data-value'),
        connection: r.getAttribute('data-connection'),
        connectionTitle: r.querySelector('td.connection')?.getAttribute('title') ?? '',
        label: text(r.querySelector('th')),
        total: text(tds[tds.length - 1]),
      };
    });
    return { head, rows };
  });
}

async function docsShot(wb: Workbench, name: string): Promise<void> {
  const file = await wb.screenshot(name);
  if (process.env.DOCS_SCREENSHOTS) fs.copyFileSync(file, path.join(__dirname, '..', '..', '..', 'docs', 'screenshots', `${name}.png`));
}

/** The descriptions of a connection's groups, once each named group shows `want`. */
async function waitForCosts(wb: Workbench, root: string, want: Record<string, string>): Promise<void> {
  await waitUntil(
    `the groups of ${root} to show ${JSON.stringify(want)}`,
    async () => {
      const kids = await treeChildren(wb, root);
      return Object.entries(want).every(([name, d]) => kids.find((k) => k.label === name)?.description === d);
    },
    { timeout: 90_000, describe: () => wb.describeSidebar() },
  );
}

test('costs across connections: one query for the payer, the tree and the panel show each figure under its own connection', { timeout: 600_000 }, async () => {
  await moto.reset();
  layer.clear();
  // The organisation: the "testing" keys' account manages it; dev is a member.
  const org = new OrganizationsClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: KEYS });
  await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const DEV = (await org.send(new CreateAccountCommand({ AccountName: 'dev', Email: 'dev@example.com' }))).CreateAccountStatus!.AccountId!;
  org.destroy();
  const roleArn = `arn:aws:iam::${DEV}:role/OrganizationAccountAccessRole`;
  const sts = new STSClient({ region: 'eu-west-1', endpoint: moto.endpoint, credentials: KEYS });
  const role = (await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'e2e-seed' }))).Credentials!;
  sts.destroy();
  const create = async (region: string, names: string[], credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = KEYS) => {
    const iot = new IoTClient({ region, endpoint: moto.endpoint, credentials, maxAttempts: 2 });
    for (const billingGroupName of names) await iot.send(new CreateBillingGroupCommand({ billingGroupName }));
    iot.destroy();
  };
  await create('us-east-1', ['fleet', 'us-sensors']);
  await create('eu-west-1', ['fleet-eu', 'eu-gateways']);
  await create('eu-west-1', ['fleet', 'dev-bench'], { accessKeyId: role.AccessKeyId!, secretAccessKey: role.SecretAccessKey!, sessionToken: role.SessionToken });

  // What each account used, by region; the management account pays for dev.
  const [LAST, THIS] = costPeriod(new Date(), MONTHS).months;
  const use = (account: string, region: string, value: string, amount: number, month = THIS) => ({ month, value, recordType: 'Usage', amount, account, region, service: 'AWS IoT' });
  layer.costExplorer.payers.set(DEV, MGMT);
  layer.costExplorer.usagePageSize = 4;
  layer.costExplorer.usage.push(
    use(MGMT, 'us-east-1', 'fleet', 12.5, LAST),
    use(MGMT, 'us-east-1', 'fleet', 4),
    use(MGMT, 'us-east-1', 'us-sensors', 3),
    use(MGMT, 'us-east-1', '', 0.75),
    use(MGMT, 'eu-west-1', 'fleet-eu', 8, LAST),
    use(MGMT, 'eu-west-1', 'fleet-eu', 2.25),
    use(MGMT, 'eu-west-1', 'eu-gateways', 1.5),
    use(DEV, 'eu-west-1', 'fleet', 20, LAST),
    use(DEV, 'eu-west-1', 'fleet', 3.5),
    use(DEV, 'eu-west-1', 'dev-bench', 0.5),
    use(DEV, 'eu-west-1', '', 0.25),
    // dev is not connected in us-east-1: never counted.
    use(DEV, 'us-east-1', 'fleet', 100),
  );
  layer.requests.length = 0;

  const US = 'default @ us-east-1';
  const EU = 'default @ eu-west-1';
  const DEV_EU = `default → ${DEV} @ eu-west-1`;
  const csvPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'costs-connections-')), 'costs.csv');
  const settings = {
    'iotBillingGroups.endpoint': layer.endpoint,
    'iotBillingGroups.region': 'us-east-1',
    'iotBillingGroups.connections': [
      { profile: 'default', region: 'eu-west-1', endpoint: layer.endpoint },
      { profile: 'default', region: 'eu-west-1', endpoint: layer.endpoint, roleArn },
    ],
    'iotBillingGroups.costs.months': MONTHS,
    'iotBillingGroups.costs.showInTree': true,
    'workbench.colorTheme': 'Default Light Modern',
  };

  await withWorkbench('costs across connections', { server: { settings, aws: AWS_FILES } }, async ({ wb, server }) => {
    await wb.step('three connections, each a root', async () => {
      await wb.openViewContainer();
      await waitForTopLevelLabels(wb, [US, EU, DEV_EU]);
    });

    await wb.step('the tree: each group\'s month to date under its own connection (one query)', async () => {
      for (const root of [US, EU, DEV_EU]) await wb.expandTreeItem(root);
      await waitForCosts(wb, US, { fleet: '$4.00 this month', 'us-sensors': '$3.00 this month' });
      await waitForCosts(wb, EU, { 'fleet-eu': '$2.25 this month', 'eu-gateways': '$1.50 this month' });
      await waitForCosts(wb, DEV_EU, { fleet: '$3.50 this month', 'dev-bench': '$0.50 this month' });
      await wb.screenshot('tree');
    });

    await wb.step('one payer: one GetCostAndUsage per page, signed by the management account\'s connection; the payer of each account asked once', async () => {
      const reqs = sent('GetCostAndUsage');
      assert.equal(reqs.length, 3, '11 groups of the answer, 4 a page: 3 pages of the one query');
      for (const r of reqs) assert.equal(r.signingAccount, MGMT);
      const body = reqs[0].body as { Filter: unknown; GroupBy: unknown };
      assert.deepEqual(body.GroupBy, [
        { Type: 'TAG', Key: 'BillingGroup' },
        { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
      ]);
      assert.deepEqual((body.Filter as { And: unknown[] }).And[1], {
        // Accounts in order (moto makes dev's id at random).
        Or: [
          { And: [{ Dimensions: { Key: 'LINKED_ACCOUNT', Values: [MGMT] } }, { Dimensions: { Key: 'REGION', Values: ['eu-west-1', 'us-east-1'] } }] },
          { And: [{ Dimensions: { Key: 'LINKED_ACCOUNT', Values: [DEV] } }, { Dimensions: { Key: 'REGION', Values: ['eu-west-1'] } }] },
        ].sort((a, b) => (a.And[0].Dimensions.Values[0] < b.And[0].Dimensions.Values[0] ? -1 : 1)),
      });
      assert.equal(describeOrganizations().length, 2, 'DescribeOrganization once per account');
    });

    const frame = await wb.step('the panel: a Connection column, each row under its connection', async () => {
      await wb.runCommand('AWS IoT: Show Billing Group Costs');
      const f = await wb.webview(PANEL_TITLE, { timeout: 60_000 });
      await waitUntil('the costs table with its eight rows', async () => (await f.locator('table#costs tbody tr').count()) === 8, { timeout: 60_000 });
      const t = await readRows(f);
      assert.deepEqual(t.head.slice(0, 2), ['Billing group', 'Connection']);
      assert.deepEqual(
        t.rows.map((r) => [r.group, r.value, r.connection, r.total]),
        [
          ['fleet', null, DEV_EU, '$23.50'],
          ['fleet', null, US, '$16.50'],
          ['fleet-eu', null, EU, '$10.25'],
          ['us-sensors', null, US, '$3.00'],
          ['eu-gateways', null, EU, '$1.50'],
          ['dev-bench', null, DEV_EU, '$0.50'],
          // The management account is connected in two regions and asked for with dev: grouped by account, its untagged usage is the account's.
          ['', null, `${US}, ${EU}`, '$0.75'],
          ['', null, DEV_EU, '$0.25'],
        ],
      );
      assert.match(t.rows[0].connectionTitle, new RegExp(`^Account ${DEV}, region eu-west-1$`));
      assert.match(t.rows[6].connectionTitle, /region is not known/);
      assert.equal(sent('GetCostAndUsage').length, 3, 'the panel used the figures the tree asked for');
      // The chart names each row's connection (one group name, two accounts).
      assert.ok((await f.locator('#chart .legend li').allInnerTexts()).some((t) => t.includes(`fleet (${DEV_EU})`)));
      // The whole table in sight for the screenshot, the chart's foot above it.
      await f.locator('table#costs tfoot').scrollIntoViewIfNeeded();
      await docsShot(wb, 'costs-connections');
      return f;
    });

    await wb.step('sort by Connection with its header button (Unallocated stays last)', async () => {
      await frame.locator('thead th button', { hasText: 'Connection' }).click();
      await waitUntil('rows sorted by connection', async () => (await readRows(frame)).rows[0].connection === EU);
      const rows = (await readRows(frame)).rows.filter((r) => r.group !== '');
      assert.deepEqual(rows.map((r) => `${r.connection}/${r.group}`), [`${EU}/eu-gateways`, `${EU}/fleet-eu`, `${US}/fleet`, `${US}/us-sensors`, `${DEV_EU}/dev-bench`, `${DEV_EU}/fleet`]);
      assert.equal(await frame.locator('thead th[aria-sort="ascending"] button').innerText(), 'Connection');
    });

    await wb.step('from the context menu of us-east-1\'s fleet: that connection\'s row, not dev\'s', async () => {
      await wb.runCommand('View: Close All Editors');
      await wb.runTreeItemContextMenu('fleet', 'Show Billing Group Costs'); // the first "fleet" of the tree: us-east-1's
      const f = await wb.webview(PANEL_TITLE, { timeout: 60_000 });
      await waitUntil('a focused row', async () => (await f.locator('tr.focused').count()) === 1, { timeout: 60_000 });
      assert.equal(await f.locator('tr.focused').getAttribute('data-connection'), US);
      assert.equal(await f.locator('tr.focused').getAttribute('data-group'), 'fleet');
    });

    await wb.step('Export: the CSV gains account and region columns', async () => {
      await wb.runCommand('AWS IoT: Export Costs as CSV…');
      await wb.waitForQuickInput({ timeout: 30_000 });
      await wb.submitQuickInput(csvPath, { timeout: 30_000 });
      await wb.waitForNotification(/Costs exported to/, { timeout: 30_000 });
      const records = parseCsv(fs.readFileSync(csvPath, 'utf8'));
      assert.deepEqual(records[0], ['group', 'tag value', 'month', 'amount', 'currency', 'estimated', 'account', 'region']);
      assert.deepEqual(records.find((r) => r[0] === 'fleet' && r[6] === DEV && r[2] === LAST), ['fleet', 'fleet', LAST, '20', 'USD', 'false', DEV, 'eu-west-1']);
      assert.ok(records.some((r) => r[0] === '' && r[6] === MGMT && r[7] === ''), 'the region left empty where Cost Explorer did not say it');
      assert.equal(sent('GetCostAndUsage').length, 3, 'from the cache');
    });

    await wb.step('Refresh Costs: one new query of the payer (its pages), no other; the payers are known', async () => {
      await wb.runCommand('AWS IoT: Refresh Costs');
      await waitUntil('three more GetCostAndUsage', async () => sent('GetCostAndUsage').length === 6, { timeout: 60_000 });
      const f = await wb.webview(PANEL_TITLE);
      await waitUntil('fresh figures', async () => !/cached/.test(await f.locator('#status').innerText()), { timeout: 60_000 });
      assert.equal(sent('GetCostAndUsage').length, 6);
      assert.equal(describeOrganizations().length, 2, 'no DescribeOrganization again');
      assert.match(server.extensionLog(), /Costs: one query of default @ us-east-1, default @ eu-west-1, default → \d{12} @ eu-west-1, signed by default @ us-east-1 \(payer 123456789012\): 3 pages/);
    });

    await wb.step('Set Up Cost Allocation from the palette asks which connection', async () => {
      await wb.runCommand('AWS IoT: Set Up Cost Allocation…');
      const pick = await wb.waitForQuickInput({ title: 'Which connection?', timeout: 30_000 });
      assert.deepEqual(pick.items.map((i) => i.label), [US, EU, DEV_EU]);
      await wb.pressEscapeInQuickInput();
      await wb.waitForQuickInputClosed();
      assert.equal(sent('TagResource').length, 0);
    });

    await wb.step('Set Up from the member account\'s context menu: its groups only, its Billing step refused as a member\'s', async () => {
      await wb.runTreeItemContextMenu(DEV_EU, 'Set Up Cost Allocation…');
      await wb.waitForQuickInput({ title: `Set Up Cost Allocation (1/3): the tag key to allocate costs by (${DEV_EU})`, timeout: 60_000 });
      await wb.pickQuickInputItem('BillingGroup');
      await wb.waitForQuickInput({ title: /\(2\/3\): tag 2 billing groups with BillingGroup=<group name>/, timeout: 30_000 });
      assert.deepEqual((await checkedQuickPickLabels(wb)).sort(), ['dev-bench', 'fleet']);
      await clickQuickInputOk(wb);
      await wb.waitForNotification(`Tagged 2 billing groups with BillingGroup=<group name> (${DEV_EU}).`, { timeout: 60_000 });
      assert.deepEqual(
        sent('TagResource').map((r) => (r.body as { resourceArn: string }).resourceArn).sort(),
        [`arn:aws:iot:eu-west-1:${DEV}:billinggroup/dev-bench`, `arn:aws:iot:eu-west-1:${DEV}:billinggroup/fleet`],
      );
      // In the notification center: a toast may have been hidden again meanwhile.
      await waitUntil('the Billing step\'s refusal in the log', async () => /Checking the cost-allocation tag failed: NotManagementAccount/.test(server.extensionLog()), { timeout: 60_000 });
      await wb.openNotificationCenter();
      await wb.waitForNotification(/Only the management account \(or a standalone account\) manages cost allocation tags/, { timeout: 30_000 });
      const checks = sent('ListCostAllocationTags');
      assert.equal(checks.length, 1);
      assert.equal(checks[0].signingAccount, DEV, 'the Billing step is the connection\'s own');
    });
  });
});
