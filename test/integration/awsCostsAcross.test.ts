// Costs across connections (issue 17), with the real SDK over HTTP: moto (AWS IoT, STS AssumeRole
// giving other accounts, Organizations giving the payer) behind the tag layer, whose Cost Explorer
// stand-in answers GetCostAndUsage from usage by account and region, applies the whole Filter and
// the GroupBy, and lets each account's Cost Explorer see only what it pays for (its own, and its
// members' for a management account); behind the fault proxy, which refuses DescribeOrganization
// where a test needs it. What each request was — its body, who signed it — is read from the layer's
// record. src/costs/costsAcross.ts runs the plan: one GetCostAndUsage per page per payer.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { createAwsLayer, type AwsLayer } from '../../src/aws/index';
import { createCostExplorerLayer, type CostExplorerLayer } from '../../src/aws/costExplorer/index';
import { organizationRoleArn } from '../../src/core/connections';
import { buildConnectionsCostTable, costsByConnection, DEFAULT_COST_SERVICES } from '../../src/core/costs';
import { costPeriod } from '../../src/core/costPeriod';
import { CostCache, type MementoLike } from '../../src/costs/costCache';
import { loadCostsAcross, PayerBook, type CostSource, type CostsAcrossPorts } from '../../src/costs/costsAcross';
import { makeAwsHome, type AwsHome } from '../support/awsFiles';
import { MOTO_DEFAULT_ACCOUNT } from '../support/costExplorerLayer';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { startMoto, type MotoServer } from '../support/moto';
import { startTagLayer, type RecordedRequest, type TagLayer } from '../support/tagLayer';

const MGMT = MOTO_DEFAULT_ACCOUNT; // the "testing" keys' account, which creates the organisation
const SOLO = '333333333333'; // in no organisation: moto's STS gives a role in any account
const NOW = new Date();
const period = costPeriod(NOW, 1);
const [LAST, THIS] = period.months;
const settings = { tagKey: 'BillingGroup', metric: 'UnblendedCost', months: 1, services: [...DEFAULT_COST_SERVICES], includeCreditsAndRefunds: false, cacheHours: 12 };

function memento(): MementoLike {
  const raw = new Map<string, string>();
  return { get: <T>(k: string) => (raw.has(k) ? (JSON.parse(raw.get(k) as string) as T) : undefined), update: async (k, v) => void raw.set(k, JSON.stringify(v)) };
}

describe('costs across connections: one query per payer', () => {
  let moto: MotoServer;
  let layer: TagLayer;
  let proxy: FaultProxy;
  let home: AwsHome;
  let aws: AwsLayer;
  let ce: CostExplorerLayer;
  let dev: string;
  let prod: string;
  const logged: string[] = [];
  const log = { info: (m: string) => void logged.push(m), warn: (m: string) => void logged.push(`WARN ${m}`) };
  const sent = (operation: string): RecordedRequest[] => layer.requests.filter((r) => r.operation === operation);

  /** A connection as the model gives it: resolved, its groups listed, its account from their ARNs or STS. */
  async function source(label: string, region: string, account?: string): Promise<CostSource> {
    const roleArn = account && account !== MGMT ? organizationRoleArn(account, 'OrganizationAccountAccessRole', region) : undefined;
    const connection = await aws.resolveConnection({ profile: 'default', region, endpoint: proxy.endpoint, ...(roleArn ? { roleArn } : {}) });
    const service = aws.service(connection);
    const groups = await service.listAllBillingGroups();
    const fromArn = groups[0]?.arn.split(':')[4];
    return { id: label, label, connection, account: fromArn ?? (await service.callerAccount()), groups: groups.map((g) => ({ name: g.name })), arns: groups.map((g) => g.arn) };
  }

  function ports(cache = new CostCache(memento()), payers = new PayerBook(memento())): CostsAcrossPorts {
    return {
      cache,
      payers,
      describePayer: (s) => aws.organizations(s.connection).payer(),
      costExplorer: (s) => ce.service(s.connection, aws.credentials(s.connection)),
      log,
    };
  }

  const usage = (account: string, region: string, value: string, amount: number, month = THIS) => ({ month, value, recordType: 'Usage', amount, account, region, service: 'AWS IoT' });

  before(async () => {
    moto = await startMoto();
    layer = await startTagLayer(moto.endpoint);
    proxy = await startFaultProxy(layer.endpoint);
    home = makeAwsHome();
    ce = createCostExplorerLayer({ connectionTimeoutMs: 1000, requestTimeoutMs: 5000 });
  });
  beforeEach(async () => {
    await moto.reset();
    layer.clear();
    proxy.reset();
    logged.length = 0;
    aws?.dispose();
    // A new layer: credentials of roles assumed before the reset are moto's no more.
    aws = createAwsLayer({ env: home.env(), client: { maxAttempts: 1 } });
    const org = new OrganizationsClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    dev = (await org.send(new CreateAccountCommand({ AccountName: 'dev', Email: 'dev@example.com' }))).CreateAccountStatus!.AccountId!;
    prod = (await org.send(new CreateAccountCommand({ AccountName: 'prod', Email: 'prod@example.com' }))).CreateAccountStatus!.AccountId!;
    org.destroy();
    // What AWS's consolidated billing knows: the management account pays for its members.
    layer.costExplorer.payers.set(dev, MGMT).set(prod, MGMT);
    // Two groups a page, so that each query takes pages and a page is one request.
    layer.costExplorer.usagePageSize = 2;
  });
  after(async () => {
    ce?.dispose();
    aws?.dispose();
    await proxy?.stop();
    await layer?.stop();
    await moto?.stop();
    home?.remove();
  });

  async function seed(s: { label: string; region: string; account?: string }, groups: string[]): Promise<void> {
    const roleArn = s.account && s.account !== MGMT ? organizationRoleArn(s.account, 'OrganizationAccountAccessRole', s.region) : undefined;
    const conn = await aws.resolveConnection({ profile: 'default', region: s.region, endpoint: proxy.endpoint, ...(roleArn ? { roleArn } : {}) });
    for (const name of groups) await aws.service(conn).createBillingGroup({ name, description: '', tags: [] });
  }

  it('the management account and its member, two regions: ONE query signed by the management account\'s connection, one request per page; each figure under its own connection', async () => {
    await seed({ label: 'm-us', region: 'us-east-1' }, ['fleet', 'us-only']);
    await seed({ label: 'm-eu', region: 'eu-west-1' }, ['eu-only']);
    await seed({ label: 'dev', region: 'eu-west-1', account: dev }, ['fleet', 'dev-only']);
    layer.costExplorer.usage.push(
      usage(MGMT, 'us-east-1', 'fleet', 5),
      usage(MGMT, 'us-east-1', 'us-only', 1),
      usage(MGMT, 'eu-west-1', 'eu-only', 2),
      usage(MGMT, 'eu-west-1', '', 0.5),
      usage(dev, 'eu-west-1', 'fleet', 7),
      usage(dev, 'eu-west-1', 'dev-only', 3, LAST),
      // Connected for no account of the query: never counted.
      usage(dev, 'us-east-1', 'fleet', 100),
      usage(MGMT, 'ap-south-1', 'fleet', 100),
    );
    const sources = [await source('default @ us-east-1', 'us-east-1'), await source('default @ eu-west-1', 'eu-west-1'), await source(`default → ${dev} @ eu-west-1`, 'eu-west-1', dev)];
    assert.deepEqual(sources.map((s) => s.account), [MGMT, MGMT, dev]);
    layer.requests.length = 0;

    const r = await loadCostsAcross(sources, [], settings, { force: false, now: new Date() }, ports());

    const reqs = sent('GetCostAndUsage');
    assert.equal(r.outcomes.length, 1, 'one query for the one payer');
    assert.equal(reqs.length, r.outcomes[0].data?.pages, 'one request per page');
    assert.ok(reqs.length >= 2, 'the answer took pages');
    for (const q of reqs) {
      assert.equal(q.signingAccount, MGMT, 'signed with the credentials of the connection in the payer account');
      assert.equal(q.signedWith, 'testing');
      assert.equal(q.status, 200);
    }
    const { NextPageToken: first, ...body } = reqs[0].body as Record<string, unknown>;
    assert.equal(first, undefined);
    for (const later of reqs.slice(1)) assert.deepEqual({ ...(later.body as Record<string, unknown>), NextPageToken: undefined }, { ...body, NextPageToken: undefined }, 'every page the same request');
    assert.deepEqual(body.Filter, {
      And: [
        { Dimensions: { Key: 'SERVICE', Values: [...DEFAULT_COST_SERVICES] } },
        {
          // Accounts in order (moto makes dev's id at random).
          Or: [
            { And: [{ Dimensions: { Key: 'LINKED_ACCOUNT', Values: [MGMT] } }, { Dimensions: { Key: 'REGION', Values: ['eu-west-1', 'us-east-1'] } }] },
            { And: [{ Dimensions: { Key: 'LINKED_ACCOUNT', Values: [dev] } }, { Dimensions: { Key: 'REGION', Values: ['eu-west-1'] } }] },
          ].sort((a, b) => (a.And[0].Dimensions.Values[0] < b.And[0].Dimensions.Values[0] ? -1 : 1)),
        },
        { Not: { Dimensions: { Key: 'RECORD_TYPE', Values: ['Credit', 'Refund'] } } },
      ],
    });
    assert.deepEqual(body.GroupBy, [
      { Type: 'TAG', Key: 'BillingGroup' },
      { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
    ]);
    assert.equal(proxy.countForwarded({ operation: 'DescribeOrganization' }), 2, 'the payer of each of the two accounts, once');

    const t = buildConnectionsCostTable(r.data, r.connections);
    assert.deepEqual(
      t.rows.map((row) => [row.kind, row.value, row.account, row.region ?? null, row.total]),
      [
        ['group', 'fleet', dev, 'eu-west-1', 7],
        ['group', 'fleet', MGMT, 'us-east-1', 5],
        ['group', 'dev-only', dev, 'eu-west-1', 3],
        ['group', 'eu-only', MGMT, 'eu-west-1', 2],
        ['group', 'us-only', MGMT, 'us-east-1', 1],
        ['unallocated', '', MGMT, null, 0.5],
      ],
    );
    assert.equal(t.total, 18.5, 'nothing of a region connected only for another account');
    const tree = costsByConnection(t);
    assert.deepEqual(tree.get('default @ us-east-1')?.get('fleet')?.amounts, [0, 5]);
    assert.deepEqual(tree.get(`default → ${dev} @ eu-west-1`)?.get('fleet')?.amounts, [0, 7]);
    assert.deepEqual([...(tree.get('default @ eu-west-1')?.keys() ?? [])], ['eu-only']);
  });

  it('a second load within the cache window sends nothing: no DescribeOrganization (the payers are kept a day), no GetCostAndUsage', async () => {
    await seed({ label: 'm', region: 'eu-west-1' }, ['a']);
    await seed({ label: 'dev', region: 'eu-west-1', account: dev }, ['b']);
    layer.costExplorer.usage.push(usage(MGMT, 'eu-west-1', 'a', 1), usage(dev, 'eu-west-1', 'b', 2));
    const sources = [await source('m', 'eu-west-1'), await source('dev', 'eu-west-1', dev)];
    const globalState = memento();
    await loadCostsAcross(sources, [], settings, { force: false, now: new Date() }, ports(new CostCache(globalState), new PayerBook(globalState)));
    const queried = sent('GetCostAndUsage').length;
    assert.equal(proxy.countForwarded({ operation: 'DescribeOrganization' }), 2);
    // Another window (a new model) with the same globalState.
    const p = ports(new CostCache(globalState), new PayerBook(globalState));
    const again = await loadCostsAcross(sources, [], settings, { force: false, now: new Date() }, p);
    assert.equal(again.outcomes[0].fromCache, true);
    assert.equal(sent('GetCostAndUsage').length, queried);
    assert.equal(proxy.countForwarded({ operation: 'DescribeOrganization' }), 2);
    // Refresh Costs: a new query, the payers still known.
    await loadCostsAcross(sources, [], settings, { force: true, now: new Date() }, p);
    assert.equal(sent('GetCostAndUsage').length, queried * 2);
    assert.equal(proxy.countForwarded({ operation: 'DescribeOrganization' }), 2);
  });

  it('a standalone second account: a query of its own, signed with its own credentials, seeing only its own costs', async () => {
    await seed({ label: 'm', region: 'eu-west-1' }, ['mine']);
    await seed({ label: 'solo', region: 'eu-west-1', account: SOLO }, ['solo-fleet']);
    layer.costExplorer.usage.push(usage(MGMT, 'eu-west-1', 'mine', 1), usage(SOLO, 'eu-west-1', 'solo-fleet', 4), usage(SOLO, 'eu-west-1', '', 1));
    const sources = [await source('m', 'eu-west-1'), await source('solo', 'eu-west-1', SOLO)];
    assert.equal(sources[1].account, SOLO);
    layer.requests.length = 0;
    const r = await loadCostsAcross(sources, [], settings, { force: false, now: new Date() }, ports());
    assert.deepEqual(r.outcomes.map((o) => [o.plan.payer, o.signer, o.plan.scope]), [
      [MGMT, 'm', [{ account: MGMT, regions: ['eu-west-1'] }]],
      [SOLO, 'solo', [{ account: SOLO, regions: ['eu-west-1'] }]],
    ]);
    const reqs = sent('GetCostAndUsage');
    assert.equal(reqs.length, 2, 'one page each');
    const bySigner = (account: string) => reqs.filter((q) => q.signingAccount === account).map((q) => (q.body as { Filter: { And: unknown[] } }).Filter.And[1]);
    assert.deepEqual(bySigner(MGMT), [{ Dimensions: { Key: 'LINKED_ACCOUNT', Values: [MGMT] } }]);
    assert.deepEqual(bySigner(SOLO), [{ Dimensions: { Key: 'LINKED_ACCOUNT', Values: [SOLO] } }], 'the standalone account asks its own Cost Explorer');
    for (const q of reqs) assert.deepEqual((q.body as { GroupBy: unknown }).GroupBy, [{ Type: 'TAG', Key: 'BillingGroup' }], 'one account and region: the TAG alone');
    const t = buildConnectionsCostTable(r.data, r.connections);
    assert.deepEqual(t.rows.map((row) => [row.value, row.connections, row.total]), [
      ['solo-fleet', ['solo'], 4],
      ['mine', ['m'], 1],
      ['', ['solo'], 1],
    ]);
  });

  it('members whose payer is not connected: one query per member, each signed by the member and seeing only its own costs', async () => {
    await seed({ label: 'dev', region: 'eu-west-1', account: dev }, ['d']);
    await seed({ label: 'prod', region: 'eu-west-1', account: prod }, ['p']);
    layer.costExplorer.usage.push(usage(dev, 'eu-west-1', 'd', 1), usage(prod, 'eu-west-1', 'p', 2));
    const sources = [await source('dev eu', 'eu-west-1', dev), await source('dev us', 'us-east-1', dev), await source('prod', 'eu-west-1', prod)];
    layer.requests.length = 0;
    const r = await loadCostsAcross(sources, [], settings, { force: false, now: new Date() }, ports());
    assert.deepEqual(r.outcomes.map((o) => [o.plan.payer, o.signer, o.plan.scope, o.plan.second]), [
      [MGMT, 'dev eu', [{ account: dev, regions: ['eu-west-1', 'us-east-1'] }], 'REGION'],
      [MGMT, 'prod', [{ account: prod, regions: ['eu-west-1'] }], undefined],
    ]);
    assert.deepEqual(sent('GetCostAndUsage').map((q) => q.signingAccount).sort(), [dev, prod].sort());
    const t = buildConnectionsCostTable(r.data, r.connections);
    assert.deepEqual(t.rows.map((row) => [row.value, row.connections, row.region, row.total]), [
      ['p', ['prod'], 'eu-west-1', 2],
      ['d', ['dev eu'], 'eu-west-1', 1],
    ]);
  });

  it('DescribeOrganization refused: the account counts as its own payer, the log says why, and its costs come from its own query', async () => {
    await seed({ label: 'm', region: 'eu-west-1' }, ['a']);
    await seed({ label: 'dev', region: 'eu-west-1', account: dev }, ['b']);
    layer.costExplorer.usage.push(usage(MGMT, 'eu-west-1', 'a', 1), usage(dev, 'eu-west-1', 'b', 2));
    const sources = [await source('m', 'eu-west-1'), await source('dev', 'eu-west-1', dev)];
    // Only the dev account's DescribeOrganization is refused: the one signed by the role's key.
    proxy.addRule({ match: { operation: 'DescribeOrganization', when: (q) => q.signedWith !== 'testing' }, fault: 'awsError', error: { status: 400, type: 'AccessDeniedException', message: 'You don\'t have permissions to access this resource.' }, times: Infinity });
    layer.requests.length = 0;
    const r = await loadCostsAcross(sources, [], settings, { force: false, now: new Date() }, ports());
    assert.match(logged.join('\n'), new RegExp(`WARN Costs: the payer of account ${dev} could not be read through dev \\(AccessDenied.*\\); it counts as its own payer`));
    assert.deepEqual(r.outcomes.map((o) => [o.plan.payer, o.signer]), [
      [MGMT, 'm'],
      [dev, 'dev'],
    ]);
    assert.deepEqual(sent('GetCostAndUsage').map((q) => q.signingAccount).sort(), [MGMT, dev].sort());
    assert.equal(buildConnectionsCostTable(r.data, r.connections).total, 3, 'both accounts\' figures, each from its own Cost Explorer');
  });

  it('one query failing leaves its connections out, with why; the others are shown', async () => {
    await seed({ label: 'm', region: 'eu-west-1' }, ['a']);
    await seed({ label: 'solo', region: 'eu-west-1', account: SOLO }, ['s']);
    layer.costExplorer.usage.push(usage(MGMT, 'eu-west-1', 'a', 1), usage(SOLO, 'eu-west-1', 's', 2));
    const sources = [await source('m', 'eu-west-1'), await source('solo', 'eu-west-1', SOLO)];
    proxy.addRule({ match: { operation: 'GetCostAndUsage', when: (q) => q.signedWith !== 'testing' }, fault: 'awsError', error: { status: 400, type: 'AccessDeniedException', message: 'User not enabled for cost explorer access' }, times: Infinity });
    const r = await loadCostsAcross(sources, [], settings, { force: false, now: new Date() }, ports());
    assert.deepEqual(r.connections.map((c) => c.id), ['m']);
    assert.deepEqual(r.leftOut.map((l) => [l.label, (l.error as { code?: string }).code]), [['solo', 'CostExplorerNotEnabled']]);
    // Every query failing: the first problem, as one connection always had it.
    await assert.rejects(loadCostsAcross([sources[1]], [], settings, { force: true, now: new Date() }, ports()), (e: unknown) => (e as { code?: string }).code === 'CostExplorerNotEnabled');
  });
});
