// Cost Explorer through the real SDK: GetCostAndUsage answered by moto from queued results, the
// operations moto lacks answered by the stand-in beside the tag layer (test/support/costExplorerLayer.ts),
// which also queues errors. What was sent is read from the layer's record of each HTTP request.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAwsLayer, isAwsProblem, type AwsLayer, type CallLog, type Connection } from '../../src/aws/index';
import { createCostExplorerLayer, type CostExplorerLayer, type CostExplorerService, type CostQuery } from '../../src/aws/costExplorer/index';
import { costPeriod, periodKey } from '../../src/core/costPeriod';
import { cachedOrQueried, CostCache, LoadGate } from '../../src/costs/costCache';
import { DEFAULT_COST_SERVICES } from '../../src/core/costs';
import { makeAwsHome, type AwsHome } from '../support/awsFiles';
import { costMonthResult, queueCostAndUsage } from '../support/costExplorerLayer';
import { startMoto, type MotoServer } from '../support/moto';
import { startTagLayer, type TagLayer } from '../support/tagLayer';

const period = costPeriod(new Date('2026-12-01T08:00:00Z'), 1); // the 1st: the current month is one day long
const query: CostQuery = { tagKey: 'BillingGroup', metric: 'UnblendedCost', services: DEFAULT_COST_SERVICES, scope: [{ account: '123456789012', regions: ['eu-west-1'] }], period, includeCreditsAndRefunds: true };

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
    await expectProblem(ce.getCostAndUsage(query), 'CostsChanged', /did not accept the page token.*Refresh Costs/);
    layer.costExplorer.failNext('GetCostAndUsage', 'RequestChangedException', 'Your request parameters changed between pages.', { times: 2 });
    // As AWS means it (GetCostAndUsage's reference): the request's parameters changed between pages, not the costs.
    await expectProblem(ce.getCostAndUsage(query), 'CostsChanged', /^(?!.*costs changed)Cost Explorer refused the next page because the request's parameters changed between pages.*Refresh Costs/i);
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

  it('from a member account of an organisation: listing, activating and backfilling say only the management (or a standalone) account manages cost allocation tags', async () => {
    layer.costExplorer.tags.push({ key: 'BillingGroup', status: 'Inactive' });
    layer.costExplorer.accountType = 'member';
    const sentence = /only the management account \(or a standalone account\) manages cost allocation tags/i;
    for (const attempt of [
      () => ce.listCostAllocationTags(['BillingGroup']),
      () => ce.updateCostAllocationTagsStatus([{ key: 'BillingGroup', status: 'Active' }]),
      () => ce.startCostAllocationTagBackfill('2025-12-01T00:00:00Z'),
    ]) {
      await assert.rejects(attempt(), (e: unknown) => {
        assert.ok(isAwsProblem(e), String(e));
        assert.equal(e.code, 'NotManagementAccount');
        assert.match(e.message, sentence);
        assert.doesNotMatch(e.message, /IAM permission|ask your administrator/i, 'no IAM permission would help');
        return true;
      });
    }
    assert.deepEqual(
      layer.requests.filter((r) => r.target?.startsWith('AWSInsightsIndexService.')).map((r) => [r.operation, r.status]),
      [['ListCostAllocationTags', 400], ['UpdateCostAllocationTagsStatus', 400], ['StartCostAllocationTagBackfill', 400]],
      'each sent once: AccessDenied is not retried',
    );
    assert.equal(layer.costExplorer.tags[0].status, 'Inactive');
    assert.deepEqual(layer.costExplorer.backfills, []);
  });

  it('a missing IAM permission on the management account still asks for that permission', async () => {
    layer.costExplorer.failNext('UpdateCostAllocationTagsStatus', 'AccessDeniedException', 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ce:UpdateCostAllocationTagsStatus');
    await expectProblem(ce.updateCostAllocationTagsStatus([{ key: 'BillingGroup', status: 'Active' }]), 'CostAccessDenied', /not allowed ce:UpdateCostAllocationTagsStatus.*IAM permission/);
  });

  it('ListCostAllocationTags without keys lists every key of the organisation with a status (the backfill names the inactive ones)', async () => {
    layer.costExplorer.tags.push(
      { key: 'BillingGroup', status: 'Active' },
      { key: 'env', status: 'Inactive' },
      { key: 'aws:createdBy', status: 'Inactive', type: 'AWSGenerated' },
      { key: 'team', status: 'Inactive' },
    );
    const inactive = await ce.listCostAllocationTags(undefined, 'Inactive');
    assert.deepEqual(inactive.map((t) => t.key), ['env', 'aws:createdBy', 'team']);
    const bodies = sent('ListCostAllocationTags').map((r) => r.body as Record<string, unknown>);
    assert.equal(bodies.length, 2, 'every page');
    assert.deepEqual({ ...bodies[0], NextToken: undefined }, { Status: 'Inactive', NextToken: undefined }, 'no TagKeys, no Type: user-defined and AWS-generated keys');
  });

  it('credits and refunds: left out by default (Not RECORD_TYPE Credit, Refund), in with the setting', async () => {
    // The stand-in answers from usage by record type, applying the request's RECORD_TYPE filter as Cost Explorer does.
    layer.costExplorer.usage.push(
      { month: '2026-11', value: 'Sensors', recordType: 'Usage', amount: 10 },
      { month: '2026-11', value: 'Sensors', recordType: 'Credit', amount: -4 },
      { month: '2026-11', value: 'Sensors', recordType: 'Refund', amount: -1 },
      { month: '2026-11', value: 'Sensors', recordType: 'Tax', amount: 0.5 },
      { month: '2026-12', value: '', recordType: 'Usage', amount: 2 },
    );
    const sensors = (d: { months: { month: string; entries: { value: string; amount: number }[] }[] }) =>
      d.months.find((m) => m.month === '2026-11')?.entries.filter((e) => e.value === 'Sensors').reduce((a, e) => a + e.amount, 0);
    const excluded = await ce.getCostAndUsage({ ...query, includeCreditsAndRefunds: false });
    assert.equal(sensors(excluded), 10.5, 'usage and tax, no credit, no refund');
    assert.equal(excluded.includesCreditsAndRefunds, false);
    const filter = (sent('GetCostAndUsage')[0].body as { Filter: { And: unknown[] } }).Filter.And;
    assert.deepEqual(filter.at(-1), { Not: { Dimensions: { Key: 'RECORD_TYPE', Values: ['Credit', 'Refund'] } } });
    const included = await ce.getCostAndUsage({ ...query, includeCreditsAndRefunds: true });
    assert.equal(sensors(included), 5.5);
    assert.equal(included.includesCreditsAndRefunds, true);
  });

  it('GovCloud: nothing is sent to Cost Explorer; the sentence says to use the associated standard account', async () => {
    // moto writes GovCloud ARNs as AWS does (arn:aws-us-gov:…); the stand-in refuses requests signed for a GovCloud region.
    const gov = await iot.resolveConnection({ profile: 'default', region: 'us-gov-west-1', endpoint: layer.endpoint });
    const { arn } = await iot.service(gov).createBillingGroup({ name: 'gov-fleet', description: '', tags: [] });
    assert.match(arn, /^arn:aws-us-gov:iot:us-gov-west-1:/);
    const govCe = costs.service(gov, iot.credentials(gov));
    assert.equal(govCe.partition, 'aws-us-gov');
    const before = costs.requestCount();
    for (const attempt of [() => govCe.getCostAndUsage({ ...query, scope: [{ account: '123456789012', regions: ['us-gov-west-1'] }] }), () => govCe.listCostAllocationTags(['BillingGroup'])])
      await expectProblem(attempt(), 'GovCloudCosts', /AWS GovCloud \(US\).*associated standard \(commercial\) AWS account.*select a profile of that associated standard account/);
    // A connection whose region says nothing (an emulator's), with the groups' GovCloud ARNs.
    assert.throws(() => ce.refuseGovCloud([arn]), (e: unknown) => isAwsProblem(e) && e.code === 'GovCloudCosts');
    assert.doesNotThrow(() => ce.refuseGovCloud(['arn:aws:iot:eu-west-1:123456789012:billinggroup/a']));
    assert.equal(costs.requestCount(), before, 'not counted: nothing billed');
    assert.equal(layer.requests.filter((r) => r.target?.startsWith('AWSInsightsIndexService.')).length, 0);
    assert.equal(layer.costExplorer.govCloudRequests, 0);
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
    const key = { profile: conn.profile, account: '123456789012', region: 'eu-west-1', tagKey: query.tagKey, metric: query.metric, months: 1, services: query.services, period: periodKey(period), credits: true };
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

  it('a forced Refresh while the figures are being queried shares that query: one billed request per page, not two', async () => {
    const store = new Map<string, unknown>();
    const cache = new CostCache({ get: <T>(k: string) => store.get(k) as T | undefined, update: async (k, v) => void store.set(k, JSON.parse(JSON.stringify(v))) });
    const key = { profile: conn.profile, account: '123456789012', region: 'eu-west-1', tagKey: query.tagKey, metric: query.metric, months: 1, services: query.services, period: periodKey(period), credits: true };
    const gate = new LoadGate<{ data: unknown; fromCache: boolean }>();
    const load = (force: boolean) => gate.run(force, (f) => cachedOrQueried(cache, key, { force: f, cacheHours: 12 }, () => ce.getCostAndUsage(query)));
    await queueCostAndUsage(moto.endpoint, [pageOne, pageTwo]);
    const [opened, refreshed] = await Promise.all([load(false), load(true)]);
    assert.equal(sent('GetCostAndUsage').length, 2, 'one query of two pages');
    assert.equal(refreshed, opened, 'the Refresh got the same figures');
    await load(true);
    assert.equal(sent('GetCostAndUsage').length, 4, 'a Refresh after it queries again');
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
