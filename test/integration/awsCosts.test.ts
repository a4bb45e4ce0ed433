// Cost Explorer through the real SDK: GetCostAndUsage answered by moto from queued results, the
// operations moto lacks answered by the stand-in beside the tag layer (test/support/costExplorerLayer.ts),
// which also queues errors. What was sent is read from the layer's record of each HTTP request.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAwsLayer, isAwsProblem, type AwsLayer, type CallLog, type Connection } from '../../src/aws/index';
import { createCostExplorerLayer, type CostExplorerLayer, type CostExplorerService, type CostQuery } from '../../src/aws/costExplorer/index';
import { costPeriod } from '../../src/core/costPeriod';
import { cachedOrQueried, CostCache } from '../../src/costs/costCache';
import { DEFAULT_COST_SERVICES } from '../../src/core/costs';
import { makeAwsHome, type AwsHome } from '../support/awsFiles';
import { costMonthResult, queueCostAndUsage } from '../support/costExplorerLayer';
import { startMoto, type MotoServer } from '../support/moto';
import { startTagLayer, type TagLayer } from '../support/tagLayer';

const period = costPeriod(new Date('2026-12-01T08:00:00Z'), 1); // the 1st: the current month is one day long
const query: CostQuery = { tagKey: 'BillingGroup', metric: 'UnblendedCost', services: DEFAULT_COST_SERVICES, account: '123456789012', region: 'eu-west-1', period };

const pageOne = {
  ResultsByTime: [costMonthResult('2026-11-01', '2026-12-01', 'BillingGroup', { Sensors: 12.34, '': 1.5 }), costMonthResult('2026-12-01', '2026-12-02', 'BillingGroup', { Sensors: 0.25 }, { estimated: true })],
  DimensionValueAttributes: [],
  NextPageToken: 'page-2',
};
const pageTwo = {
  ResultsByTime: [costMonthResult('2026-11-01', '2026-12-01', 'BillingGroup', { Pumps: 3 }), costMonthResult('2026-12-01', '2026-12-02', 'BillingGroup', { Pumps: -0.5 }, { estimated: true })],
  DimensionValueAttributes: [],
};

describe('Cost Explorer against moto and the stand-in', () => {
  let moto: MotoServer;
  let layer: TagLayer;
  let aws: AwsHome;
  let iot: AwsLayer;
  let costs: CostExplorerLayer;
  let conn: Connection;
  let ce: CostExplorerService;
  const calls: CallLog[] = [];
  const sent = (operation: string) => layer.requests.filter((r) => r.operation === operation);

  const expectProblem = async (p: Promise<unknown>, code: string, text: RegExp) => {
    await assert.rejects(p, (e: unknown) => {
      assert.ok(isAwsProblem(e), String(e));
      assert.equal(e.code, code);
      assert.match(e.message, text);
      return true;
    });
  };

  before(async () => {
    moto = await startMoto();
    layer = await startTagLayer(moto.endpoint);
    aws = makeAwsHome();
    iot = createAwsLayer({ env: aws.env() });
    costs = createCostExplorerLayer({ log: (e) => calls.push(e), connectionTimeoutMs: 1000, requestTimeoutMs: 5000 });
    conn = await iot.resolveConnection({ profile: 'default', region: 'eu-west-1', endpoint: layer.endpoint });
    ce = costs.service(conn, iot.credentials(conn));
  });
  beforeEach(async () => {
    await moto.reset();
    layer.clear();
    calls.length = 0;
  });
  after(async () => {
    costs?.dispose();
    iot?.dispose();
    await layer?.stop();
    await moto?.stop();
    aws?.remove();
  });

  it('the billing group service knows the tags it read or wrote, per group ARN, with no request of its own (costs match groups through them)', async () => {
    const service = iot.service(conn);
    const { arn } = await service.createBillingGroup({ name: 'Sensors', description: '', tags: [{ key: 'costCenter', value: 'agri' }] });
    assert.equal(service.knownTags(arn), undefined, 'nothing known before a read');
    await service.listTags(arn);
    assert.deepEqual(service.knownTags(arn), [{ key: 'costCenter', value: 'agri' }]);
    await service.setTags(arn, [{ key: 'costCenter', value: 'ops' }, { key: 'env', value: 'prod' }]);
    assert.deepEqual(service.knownTags(arn), [{ key: 'costCenter', value: 'ops' }, { key: 'env', value: 'prod' }]);
    await service.writeTags(arn, [{ key: 'owner', value: 'me' }], ['env']);
    assert.deepEqual(service.knownTags(arn), [{ key: 'costCenter', value: 'ops' }, { key: 'owner', value: 'me' }]);
    const reads = sent('ListTagsForResource').length;
    service.knownTags(arn);
    assert.equal(sent('ListTagsForResource').length, reads, 'reading what is known sends nothing');
    assert.deepEqual(
      [...layer.tagsOf(arn)].sort((a, b) => a.Key.localeCompare(b.Key)),
      [{ Key: 'costCenter', Value: 'ops' }, { Key: 'owner', Value: 'me' }],
      'what is known is what the service holds',
    );
  });

  it('one query: GroupBy the tag key, Filter by service, account and region, the period, every page followed', async () => {
    await queueCostAndUsage(moto.endpoint, [pageOne, pageTwo]);
    const data = await ce.getCostAndUsage(query);
    const reqs = sent('GetCostAndUsage');
    assert.equal(reqs.length, 2, 'one request per page');
    for (const r of reqs) {
      assert.equal(r.target, 'AWSInsightsIndexService.GetCostAndUsage');
      assert.equal(r.method, 'POST');
      assert.equal(r.answeredBy, 'upstream', 'moto answered');
    }
    const { NextPageToken: _first, ...body } = reqs[0].body as Record<string, unknown>;
    assert.equal(_first, undefined);
    assert.deepEqual(body, {
      TimePeriod: { Start: '2026-11-01', End: '2026-12-02' },
      Granularity: 'MONTHLY',
      Metrics: ['UnblendedCost'],
      Filter: {
        And: [
          { Dimensions: { Key: 'SERVICE', Values: ['AWS IoT', 'AWS IoT Device Management', 'AWS IoT Device Defender'] } },
          { Dimensions: { Key: 'LINKED_ACCOUNT', Values: ['123456789012'] } },
          { Dimensions: { Key: 'REGION', Values: ['eu-west-1'] } },
        ],
      },
      GroupBy: [{ Type: 'TAG', Key: 'BillingGroup' }],
    });
    assert.deepEqual(reqs[1].body, { ...body, NextPageToken: 'page-2' });
    assert.equal(data.pages, 2);
    assert.deepEqual(
      data.months.map((m) => [m.month, m.estimated, m.entries.map((e) => [e.value, e.amount, e.unit])]),
      [
        ['2026-11', false, [['Sensors', 12.34, 'USD'], ['', 1.5, 'USD'], ['Pumps', 3, 'USD']]],
        ['2026-12', true, [['Sensors', 0.25, 'USD'], ['Pumps', -0.5, 'USD']]],
      ],
    );
  });

  it('logs each request with its attempts and the session count of Cost Explorer requests', async () => {
    await queueCostAndUsage(moto.endpoint, [pageOne, pageTwo]);
    const before = costs.requestCount();
    await ce.getCostAndUsage(query);
    assert.equal(costs.requestCount(), before + 2);
    const logged = calls.filter((c) => c.operation === 'GetCostAndUsage');
    assert.equal(logged.length, 2);
    assert.equal(logged[1].attempts, 1);
    assert.match(logged[1].detail ?? '', new RegExp(`page 2; ${before + 2} Cost Explorer requests this session`));
  });

  it('restarts the query once when Cost Explorer says the data changed under way', async () => {
    await queueCostAndUsage(moto.endpoint, [pageOne, pageTwo]);
    layer.costExplorer.failNext('GetCostAndUsage', 'RequestChangedException', 'The data changed', { skip: 1 });
    const data = await ce.getCostAndUsage(query);
    const tokens = sent('GetCostAndUsage').map((r) => (r.body as { NextPageToken?: string }).NextPageToken ?? null);
    assert.deepEqual(tokens, [null, 'page-2', null, 'page-2'], 'page 2 failed, the query started again from page 1');
    assert.equal(data.months[0].entries.length, 3, 'no figure counted twice');
    assert.match(calls.at(-1)?.detail ?? '', /query restarted/);
  });

  it('restarts once only: a second change becomes a sentence', async () => {
    await queueCostAndUsage(moto.endpoint, [pageOne, pageTwo]);
    layer.costExplorer.failNext('GetCostAndUsage', 'InvalidNextTokenException', 'bad token', { skip: 1, times: 2 });
    await expectProblem(ce.getCostAndUsage(query), 'CostsChanged', /changed while they were being read.*Refresh Costs/);
    layer.costExplorer.failNext('GetCostAndUsage', 'RequestChangedException', 'changed', { times: 2 });
    await expectProblem(ce.getCostAndUsage(query), 'CostsChanged', /Refresh Costs/);
  });

  it('LimitExceededException is retried within 3 attempts (each billed), then says to try again in a minute', async () => {
    layer.costExplorer.failNext('GetCostAndUsage', 'LimitExceededException', 'Rate exceeded', { times: 5 });
    await expectProblem(ce.getCostAndUsage(query), 'CostLimitExceeded', /after 3 attempts.*Try again in a minute/);
    assert.equal(sent('GetCostAndUsage').length, 3);
  });

  it('each refusal is a sentence with its fix, sent once', async () => {
    const cases: [string, string, string, RegExp][] = [
      ['AccessDeniedException', 'User not enabled for cost explorer access', 'CostExplorerNotEnabled', /not enabled for this account.*IAM user and role access to Billing information/],
      ['AccessDeniedException', 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ce:GetCostAndUsage', 'CostAccessDenied', /not allowed ce:GetCostAndUsage.*IAM permission/],
      ['DataUnavailableException', 'Data is not available', 'DataUnavailable', /no data for this account yet.*24 hours/],
      ['BillExpirationException', 'Bill expired', 'BillExpired', /fewer months \(iotBillingGroups\.costs\.months\)/],
    ];
    for (const [type, message, code, text] of cases) {
      layer.clear();
      layer.costExplorer.failNext('GetCostAndUsage', type, message);
      await expectProblem(ce.getCostAndUsage(query), code, text);
      assert.equal(sent('GetCostAndUsage').length, 1, `${type} is not retried`);
    }
  });

  it('GetDimensionValues reads every page of the services seen', async () => {
    layer.costExplorer.dimensionValues.set('SERVICE', ['AWS IoT', 'AWS IoT Device Defender', 'AWS IoT Device Management', 'Amazon S3']);
    assert.deepEqual(await ce.getDimensionValues('SERVICE', period, 'IoT'), ['AWS IoT', 'AWS IoT Device Defender', 'AWS IoT Device Management']);
    const reqs = sent('GetDimensionValues');
    assert.equal(reqs.length, 2);
    assert.deepEqual((reqs[0].body as Record<string, unknown>).TimePeriod, { Start: '2026-11-01', End: '2026-12-02' });
    assert.equal((reqs[0].body as Record<string, unknown>).Dimension, 'SERVICE');
    assert.equal(reqs[0].target, 'AWSInsightsIndexService.GetDimensionValues');
  });

  it('ListCostAllocationTags: a known key has a status, a key Billing has not seen is absent', async () => {
    layer.costExplorer.tags.push({ key: 'BillingGroup', status: 'Inactive' });
    assert.deepEqual(await ce.listCostAllocationTags(['BillingGroup', 'NewKey']), [{ key: 'BillingGroup', status: 'Inactive', type: 'UserDefined', lastUsed: undefined }]);
    assert.deepEqual((sent('ListCostAllocationTags')[0].body as Record<string, unknown>).TagKeys, ['BillingGroup', 'NewKey']);
  });

  it('UpdateCostAllocationTagsStatus returns per-key failures instead of throwing', async () => {
    layer.costExplorer.tags.push({ key: 'BillingGroup', status: 'Inactive' });
    const errors = await ce.updateCostAllocationTagsStatus([
      { key: 'BillingGroup', status: 'Active' },
      { key: 'Unknown', status: 'Active' },
    ]);
    assert.deepEqual(errors, [{ key: 'Unknown', code: 'TagKeysNotFoundException', message: 'The tag key Unknown was not found.' }]);
    assert.equal(layer.costExplorer.tags[0].status, 'Active');
    assert.deepEqual((sent('UpdateCostAllocationTagsStatus')[0].body as Record<string, unknown>).CostAllocationTagsStatus, [
      { TagKey: 'BillingGroup', Status: 'Active' },
      { TagKey: 'Unknown', Status: 'Active' },
    ]);
  });

  it('from a member account, activation is refused with the management-account sentence', async () => {
    layer.costExplorer.failNext('UpdateCostAllocationTagsStatus', 'AccessDeniedException', 'not authorized');
    await expectProblem(ce.updateCostAllocationTagsStatus([{ key: 'BillingGroup', status: 'Active' }]), 'NotManagementAccount', /Only the management \(payer\) account/);
  });

  it('a backfill can be asked for once per 24 hours', async () => {
    assert.deepEqual(await ce.startCostAllocationTagBackfill('2025-12-01T00:00:00Z'), { status: 'PROCESSING', from: '2025-12-01T00:00:00Z' });
    await expectProblem(ce.startCostAllocationTagBackfill('2025-12-01T00:00:00Z'), 'BackfillLimitExceeded', /once per 24 hours.*Try again tomorrow/);
    assert.deepEqual(layer.costExplorer.backfills, ['2025-12-01T00:00:00Z']);
  });

  it('a second open within the cache window sends nothing; Refresh and an expired cache query again', async () => {
    // The cache the extension keeps in globalState, here over an in-memory Memento (same get/update contract).
    const store = new Map<string, unknown>();
    const cache = new CostCache({ get: <T>(k: string) => store.get(k) as T | undefined, update: async (k, v) => void store.set(k, JSON.parse(JSON.stringify(v))) });
    const key = { profile: conn.profile, account: query.account, region: query.region, tagKey: query.tagKey, metric: query.metric, months: 1, services: query.services };
    const open = (force = false, now = Date.now()) => cachedOrQueried(cache, key, { force, cacheHours: 12, now }, () => ce.getCostAndUsage(query));
    await queueCostAndUsage(moto.endpoint, [pageOne, pageTwo]);
    const first = await open();
    assert.equal(first.fromCache, false);
    assert.equal(sent('GetCostAndUsage').length, 2, 'the first open: one query of two pages');
    const second = await open();
    assert.equal(second.fromCache, true);
    assert.deepEqual(second.data, first.data);
    assert.equal(sent('GetCostAndUsage').length, 2, 'the second open within the cache window sent nothing');
    await open(true);
    assert.equal(sent('GetCostAndUsage').length, 4, 'Refresh Costs queries again');
    await open(false, Date.now() + 13 * 3_600_000);
    assert.equal(sent('GetCostAndUsage').length, 6, 'after cacheHours the figures are queried again');
  });

  it('signs with the IoT client\'s resolved credentials', async () => {
    const creds = iot.credentials(conn);
    assert.equal(typeof creds, 'function');
    assert.equal(creds, iot.credentials(conn), 'the same cached provider: one MFA prompt, one SSO session');
    await queueCostAndUsage(moto.endpoint, [pageTwo]);
    await ce.getCostAndUsage(query);
    assert.equal(sent('GetCostAndUsage').length, 1);
  });
});
