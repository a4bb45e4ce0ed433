// Proves the test suite's own HTTP helpers (test/support/tagLayer.ts and faultProxy.ts, and the
// move-on-add emulation of test/support/moveOnAdd.ts in both layers that use it) with the real SDK
// against a real moto_server, so that tests built on them can trust what they report.
// Chain used by the fault tests: SDK → fault proxy → tag layer → moto; by the move-on-add tests:
// SDK → thing layer or AWS semantics layer → fault proxy → tag layer → moto (the layer's own calls
// straight to moto).
import { strict as assert } from 'node:assert';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  AddThingToBillingGroupCommand,
  CreateBillingGroupCommand,
  CreateThingCommand,
  DescribeThingCommand,
  DeleteBillingGroupCommand,
  DescribeBillingGroupCommand,
  IoTClient,
  IoTClientConfig,
  ListBillingGroupsCommand,
  ListTagsForResourceCommand,
  ListThingsInBillingGroupCommand,
  paginateListTagsForResource,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-iot';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startEmulatorStack, type EmulatorStack } from '../support/emulatorStack';
import type { MotoServer } from '../support/moto';
import { startTagLayer, type TagLayer } from '../support/tagLayer';
import { startFaultProxy, type FaultKind, type FaultProxy } from '../support/faultProxy';
import { startAwsSemanticsLayer } from '../support/awsSemanticsLayer';
import type { EmulatedMove } from '../support/moveOnAdd';
import { startThingLayer } from '../support/thingLayer';

const clients: IoTClient[] = [];
/** A client as the extension would build one, pointed at `endpoint`; destroyed after each test. */
function client(endpoint: string, config: Partial<IoTClientConfig> = {}): IoTClient {
  const c = new IoTClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    ...config,
  });
  clients.push(c);
  return c;
}

interface SdkError extends Error {
  code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $response?: { statusCode?: number };
}

/** The rejection of `p` (fails the test if it resolves). */
async function failure(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (e) {
    return e as SdkError;
  }
  assert.fail('expected the call to fail');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let moto: MotoServer;
let layer: TagLayer;
let proxy: FaultProxy;

let stack: EmulatorStack;

before(async () => {
  stack = await startEmulatorStack();
  ({ moto, layer, proxy } = stack);
});

after(() => stack?.stop());

beforeEach(() => stack.fresh());

afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});

describe('tag layer', { timeout: 30_000 }, () => {
  it('keeps the tags of CreateBillingGroup and ListTagsForResource returns them', async () => {
    const iot = client(layer.endpoint);
    const tags = [
      { Key: 'team', Value: 'fleet' },
      { Key: 'cost-center', Value: '42' },
    ];
    const out = await iot.send(new CreateBillingGroupCommand({ billingGroupName: 'bg-tags', tags }));
    assert.equal(out.billingGroupArn, 'arn:aws:iot:us-east-1:123456789012:billinggroup/bg-tags');

    const listed = await iot.send(new ListTagsForResourceCommand({ resourceArn: out.billingGroupArn }));
    assert.deepEqual(listed.tags, tags);
    assert.equal(listed.nextToken, undefined);
    assert.deepEqual(layer.tagsOf(out.billingGroupArn!), tags);

    const create = layer.requests.find((r) => r.operation === 'CreateBillingGroup');
    assert.ok(create, 'the create request was recorded');
    assert.equal(create.method, 'POST');
    assert.equal(create.path, '/billing-groups/bg-tags');
    assert.equal(create.status, 200);
    assert.equal(create.answeredBy, 'upstream');
    assert.deepEqual((create.body as { tags: unknown }).tags, tags, 'the create request carried the tags');
    const list = layer.requests.find((r) => r.operation === 'ListTagsForResource');
    assert.equal(list?.answeredBy, 'tagLayer');
    assert.equal(list?.path, `/tags?resourceArn=${encodeURIComponent(out.billingGroupArn!)}`);
  });

  it('TagResource adds and overwrites, UntagResource removes', async () => {
    const iot = client(layer.endpoint);
    const { billingGroupArn: arn } = await iot.send(
      new CreateBillingGroupCommand({ billingGroupName: 'bg-edit', tags: [{ Key: 'a', Value: '1' }] }),
    );
    await iot.send(new TagResourceCommand({ resourceArn: arn, tags: [{ Key: 'a', Value: '2' }, { Key: 'b', Value: '' }, { Key: 'c', Value: 'x' }] }));
    await iot.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['c', 'not-there'] }));
    const { tags } = await iot.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    assert.deepEqual(tags, [
      { Key: 'a', Value: '2' },
      { Key: 'b', Value: '' },
    ]);
    const tagReq = layer.requests.find((r) => r.operation === 'TagResource');
    assert.deepEqual(tagReq?.body, {
      resourceArn: arn,
      tags: [
        { Key: 'a', Value: '2' },
        { Key: 'b', Value: '' },
        { Key: 'c', Value: 'x' },
      ],
    });
    assert.deepEqual(layer.requests.find((r) => r.operation === 'UntagResource')?.body, { resourceArn: arn, tagKeys: ['c', 'not-there'] });
  });

  it('pages ListTagsForResource 50 at a time, and the SDK paginator follows nextToken', async () => {
    const iot = client(layer.endpoint);
    const { billingGroupArn: arn } = await iot.send(new CreateBillingGroupCommand({ billingGroupName: 'bg-many' }));
    // 60 tags is above AWS's limit of 50; the layer, like moto, does not validate, which lets us page.
    const tags = Array.from({ length: 60 }, (_, i) => ({ Key: `k${String(i).padStart(2, '0')}`, Value: `v${i}` }));
    await iot.send(new TagResourceCommand({ resourceArn: arn, tags }));
    const first = await iot.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    assert.equal(first.tags?.length, 50);
    assert.ok(first.nextToken);
    const seen = [];
    for await (const page of paginateListTagsForResource({ client: iot }, { resourceArn: arn })) seen.push(...(page.tags ?? []));
    assert.deepEqual(seen, tags);
    assert.equal(layer.requests.filter((r) => r.operation === 'ListTagsForResource').length, 3);
  });

  it('honours a smaller page size and rejects a token of another resource', async () => {
    const small = await startTagLayer(moto.endpoint, { pageSize: 2 });
    try {
      const iot = client(small.endpoint);
      const a = await iot.send(new CreateBillingGroupCommand({ billingGroupName: 'a', tags: [{ Key: '1', Value: '' }, { Key: '2', Value: '' }, { Key: '3', Value: '' }] }));
      const b = await iot.send(new CreateBillingGroupCommand({ billingGroupName: 'b' }));
      const p1 = await iot.send(new ListTagsForResourceCommand({ resourceArn: a.billingGroupArn }));
      assert.deepEqual(p1.tags?.map((t) => t.Key), ['1', '2']);
      const p2 = await iot.send(new ListTagsForResourceCommand({ resourceArn: a.billingGroupArn, nextToken: p1.nextToken }));
      assert.deepEqual(p2.tags?.map((t) => t.Key), ['3']);
      assert.equal(p2.nextToken, undefined);
      const bad = await failure(iot.send(new ListTagsForResourceCommand({ resourceArn: b.billingGroupArn, nextToken: p1.nextToken })));
      assert.equal(bad.name, 'InvalidRequestException');
      assert.equal(bad.$metadata?.httpStatusCode, 400);
    } finally {
      await small.stop();
    }
  });

  it('answers an unknown billing-group ARN like AWS: 404 ResourceNotFoundException', async () => {
    const iot = client(layer.endpoint, { maxAttempts: 1 });
    const arn = 'arn:aws:iot:us-east-1:123456789012:billinggroup/nobody';
    for (const call of [
      () => iot.send(new ListTagsForResourceCommand({ resourceArn: arn })),
      () => iot.send(new TagResourceCommand({ resourceArn: arn, tags: [{ Key: 'k', Value: 'v' }] })),
      () => iot.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['k'] })),
    ]) {
      const err = await failure(call());
      assert.equal(err.name, 'ResourceNotFoundException');
      assert.equal(err.$metadata?.httpStatusCode, 404);
      assert.match(err.message, /does not exist/);
    }
    // Same name in another region is another resource.
    await iot.send(new CreateBillingGroupCommand({ billingGroupName: 'nobody' }));
    const other = await failure(iot.send(new ListTagsForResourceCommand({ resourceArn: arn.replace('us-east-1', 'eu-west-1') })));
    assert.equal(other.name, 'ResourceNotFoundException');
  });

  it('drops tags on delete, never resurrects them, and tags groups created directly in moto', async () => {
    const iot = client(layer.endpoint);
    const direct = client(moto.endpoint);
    const { billingGroupArn: arn } = await iot.send(new CreateBillingGroupCommand({ billingGroupName: 'bg', tags: [{ Key: 'k', Value: 'v' }] }));
    await iot.send(new DeleteBillingGroupCommand({ billingGroupName: 'bg' }));
    assert.deepEqual(layer.tagsOf(arn!), []);
    await iot.send(new CreateBillingGroupCommand({ billingGroupName: 'bg' }));
    assert.deepEqual((await iot.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, []);

    // Tagged through the layer, then moto is reset and the group recreated behind the layer's back.
    await iot.send(new TagResourceCommand({ resourceArn: arn, tags: [{ Key: 'old', Value: '1' }] }));
    await moto.reset();
    await direct.send(new CreateBillingGroupCommand({ billingGroupName: 'bg' }));
    assert.deepEqual((await iot.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, []);

    await direct.send(new CreateBillingGroupCommand({ billingGroupName: 'made-in-moto' }));
    const made = 'arn:aws:iot:us-east-1:123456789012:billinggroup/made-in-moto';
    await iot.send(new TagResourceCommand({ resourceArn: made, tags: [{ Key: 'x', Value: 'y' }] }));
    assert.deepEqual((await iot.send(new ListTagsForResourceCommand({ resourceArn: made }))).tags, [{ Key: 'x', Value: 'y' }]);
  });

  it('passes everything else through unchanged', async () => {
    const iot = client(layer.endpoint, { maxAttempts: 1 });
    const direct = client(moto.endpoint);
    await iot.send(new CreateBillingGroupCommand({ billingGroupName: 'same', billingGroupProperties: { billingGroupDescription: 'd' } }));
    const strip = <T extends { $metadata: unknown }>(o: T) => ({ ...o, $metadata: undefined });
    assert.deepEqual(
      strip(await iot.send(new DescribeBillingGroupCommand({ billingGroupName: 'same' }))),
      strip(await direct.send(new DescribeBillingGroupCommand({ billingGroupName: 'same' }))),
    );
    const dup = await failure(iot.send(new CreateBillingGroupCommand({ billingGroupName: 'same' })));
    assert.equal(dup.name, 'ResourceAlreadyExistsException');
    assert.equal(dup.$metadata?.httpStatusCode, 409);
    // Tags of things are not the layer's business: moto's own answer (HTTP 500, not implemented) comes through.
    const thingTags = await failure(iot.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:iot:us-east-1:123456789012:thing/t1' })));
    assert.equal(thingTags.$metadata?.httpStatusCode, 500);
    assert.deepEqual(
      layer.requests.map((r) => [r.operation, r.status, r.answeredBy]),
      [
        ['CreateBillingGroup', 200, 'upstream'],
        ['DescribeBillingGroup', 200, 'upstream'],
        ['CreateBillingGroup', 409, 'upstream'],
        ['ListTagsForResource', 500, 'upstream'],
      ],
    );
  });
});

describe('fault proxy (SDK → fault proxy → tag layer → moto)', { timeout: 60_000 }, () => {
  it('throttle400 is retried by the SDK; moto sees the request once', async () => {
    const rule = proxy.addRule({ match: { operation: 'CreateBillingGroup' }, fault: 'throttle400', times: 2 });
    const out = await client(proxy.endpoint).send(new CreateBillingGroupCommand({ billingGroupName: 'retried', tags: [{ Key: 'k', Value: 'v' }] }));
    assert.equal(out.$metadata.attempts, 3);
    assert.equal(rule.hits, 2);
    assert.equal(rule.remaining, 0);
    assert.equal(proxy.countForwarded({ operation: 'CreateBillingGroup' }), 1);
    const stats = proxy.stats();
    assert.equal(stats.received, 3);
    assert.equal(stats.forwarded, 1);
    assert.equal(stats.faults, 2);
    assert.deepEqual(stats.forwardedByRoute, { 'POST /billing-groups/retried': 1 });
    assert.deepEqual(layer.tagsOf(out.billingGroupArn!), [{ Key: 'k', Value: 'v' }]);
  });

  it('serves each error fault in the shape the SDK parses, and the SDK retries each', async () => {
    await client(moto.endpoint).send(new CreateBillingGroupCommand({ billingGroupName: 'g' }));
    const cases: Array<[FaultKind, number, string, string]> = [
      ['throttle400', 400, 'ThrottlingException', 'Rate exceeded'],
      ['throttle429', 429, 'ThrottlingException', 'Rate exceeded'],
      ['internal500', 500, 'InternalFailureException', 'Internal failure'],
      ['unavailable503', 503, 'ServiceUnavailableException', 'Service unavailable'],
    ];
    for (const [fault, status, name, message] of cases) {
      proxy.addRule({ match: { method: 'GET', path: /^\/billing-groups\/g$/ }, fault });
      const err = await failure(client(proxy.endpoint, { maxAttempts: 1 }).send(new DescribeBillingGroupCommand({ billingGroupName: 'g' })));
      assert.equal(err.name, name, fault);
      assert.equal(err.$metadata?.httpStatusCode, status, fault);
      assert.equal(err.message, message, fault);

      proxy.addRule({ match: { method: 'GET', path: /^\/billing-groups\/g$/ }, fault });
      const ok = await client(proxy.endpoint).send(new DescribeBillingGroupCommand({ billingGroupName: 'g' }));
      assert.equal(ok.$metadata.attempts, 2, fault);
    }
    assert.equal(proxy.countForwarded(), 4);
    assert.equal(proxy.stats().faults, 8);
  });

  it('a persistent fault ends in one error after maxAttempts, none reaching moto', async () => {
    proxy.addRule({ fault: 'internal500', times: Infinity });
    const started = Date.now();
    const err = await failure(client(proxy.endpoint, { maxAttempts: 3 }).send(new ListBillingGroupsCommand({})));
    assert.equal(err.name, 'InternalFailureException');
    assert.equal(err.$metadata?.attempts, 3);
    assert.ok(Date.now() - started < 10_000);
    assert.equal(proxy.stats().received, 3);
    assert.equal(proxy.countForwarded(), 0);
  });

  it('reset drops the connection before forwarding; the SDK retries it as transient', async () => {
    proxy.addRule({ match: { operation: 'ListBillingGroups' }, fault: 'reset' });
    const err = await failure(client(proxy.endpoint, { maxAttempts: 1 }).send(new ListBillingGroupsCommand({})));
    assert.equal(err.code, 'ECONNRESET', `${err.name}: ${err.message}`);
    assert.equal(proxy.countForwarded(), 0);

    proxy.addRule({ match: { operation: 'ListBillingGroups' }, fault: 'reset' });
    const ok = await client(proxy.endpoint).send(new ListBillingGroupsCommand({}));
    assert.equal(ok.$metadata.attempts, 2);
    assert.equal(proxy.countForwarded(), 1);
  });

  it('hang never answers: a client timeout turns it into a TimeoutError', async () => {
    proxy.addRule({ match: { operation: 'ListBillingGroups' }, fault: 'hang' });
    const iot = client(proxy.endpoint, {
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ requestTimeout: 300, throwOnRequestTimeout: true }),
    });
    const started = Date.now();
    const err = await failure(iot.send(new ListBillingGroupsCommand({})));
    assert.equal(err.name, 'TimeoutError');
    assert.ok(Date.now() - started < 3000);
    assert.equal(proxy.countForwarded(), 0);
  });

  it('requestTimeout alone only warns; stop() still ends a hanging request promptly', async () => {
    // Surprise in @smithy/node-http-handler 4.x: requestTimeout without throwOnRequestTimeout logs and waits on.
    const own = await startFaultProxy(layer.endpoint);
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (m: unknown) => warnings.push(String(m)), error() {} };
    const iot = client(own.endpoint, { maxAttempts: 1, requestHandler: new NodeHttpHandler({ requestTimeout: 200, logger }) });
    own.addRule({ fault: 'hang' });
    let settled = false;
    const pending = iot.send(new ListBillingGroupsCommand({})).finally(() => (settled = true));
    const outcome = failure(pending);
    await sleep(600);
    assert.equal(settled, false, 'still waiting after requestTimeout');
    assert.ok(warnings.some((w) => /requestTimeout/.test(w)), warnings.join('\n'));
    const stopping = Date.now();
    await own.stop();
    assert.ok(Date.now() - stopping < 1000, 'stop() does not wait for the hanging socket');
    const err = await outcome;
    assert.ok(err instanceof Error);
  });

  it('truncated forwards, then cuts the body short: the client gets an error', async () => {
    await client(moto.endpoint).send(new CreateBillingGroupCommand({ billingGroupName: 'cut', billingGroupProperties: { billingGroupDescription: 'x'.repeat(200) } }));
    proxy.addRule({ match: { operation: 'DescribeBillingGroup' }, fault: 'truncated' });
    const err = await failure(client(proxy.endpoint, { maxAttempts: 1 }).send(new DescribeBillingGroupCommand({ billingGroupName: 'cut' })));
    // The SDK reports it as code ECONNRESET ("aborted", a deserialization error) with the 200 status it saw.
    assert.equal(err.code, 'ECONNRESET', `${err.name}: ${err.message}`);
    assert.equal(err.$metadata?.httpStatusCode, 200);
    assert.equal(proxy.countForwarded({ operation: 'DescribeBillingGroup' }), 1);
    assert.equal(proxy.events()[0].upstreamStatus, 200);

    // ECONNRESET counts as transient, so with retries the SDK tries again and succeeds.
    proxy.addRule({ match: { operation: 'DescribeBillingGroup' }, fault: 'truncated' });
    const ok = await client(proxy.endpoint).send(new DescribeBillingGroupCommand({ billingGroupName: 'cut' }));
    assert.equal(ok.$metadata.attempts, 2);
    assert.equal(ok.billingGroupProperties?.billingGroupDescription, 'x'.repeat(200));
    assert.equal(proxy.countForwarded({ operation: 'DescribeBillingGroup' }), 3);
  });

  it('lostResponse: the group is created in moto, the client sees an error', async () => {
    proxy.addRule({ match: { operation: 'CreateBillingGroup' }, fault: 'lostResponse' });
    const err = await failure(client(proxy.endpoint, { maxAttempts: 1 }).send(new CreateBillingGroupCommand({ billingGroupName: 'lost', tags: [{ Key: 'k', Value: 'v' }] })));
    // NodeHttpHandler renames ECONNRESET errors to TimeoutError: that name does not mean "never reached AWS".
    assert.equal(err.code, 'ECONNRESET', `${err.name}: ${err.message}`);
    assert.equal(err.name, 'TimeoutError');
    const there = await client(moto.endpoint).send(new DescribeBillingGroupCommand({ billingGroupName: 'lost' }));
    assert.equal(there.billingGroupName, 'lost');
    assert.deepEqual(layer.tagsOf(there.billingGroupArn!), [{ Key: 'k', Value: 'v' }]);
    assert.equal(proxy.countForwarded({ operation: 'CreateBillingGroup' }), 1);
  });

  it('lostResponse with SDK retries: the retry meets moto’s 409 (what the extension must reconcile)', async () => {
    proxy.addRule({ match: { operation: 'CreateBillingGroup' }, fault: 'lostResponse' });
    const err = await failure(client(proxy.endpoint).send(new CreateBillingGroupCommand({ billingGroupName: 'lost2' })));
    assert.equal(err.name, 'ResourceAlreadyExistsException');
    assert.equal(err.$metadata?.attempts, 2);
    assert.equal(proxy.countForwarded({ operation: 'CreateBillingGroup' }), 2);
  });

  it('delay answers normally, late', async () => {
    proxy.addRule({ match: { operation: 'ListBillingGroups' }, fault: 'delay', delayMs: 300 });
    const started = Date.now();
    await client(proxy.endpoint).send(new ListBillingGroupsCommand({}));
    assert.ok(Date.now() - started >= 290);
    assert.equal(proxy.countForwarded(), 1);
  });

  it('rules match by method, path, operation and body, count down, and can be removed', async () => {
    const iot = client(proxy.endpoint, { maxAttempts: 1 });
    const onlyB = proxy.addRule({
      match: { method: 'POST', path: /^\/billing-groups\//, when: (r) => (r.body as { tags?: unknown[] } | undefined)?.tags !== undefined },
      fault: 'internal500',
      times: 2,
    });
    await iot.send(new CreateBillingGroupCommand({ billingGroupName: 'a' })); // no tags: not matched
    for (const name of ['b1', 'b2']) {
      const err = await failure(iot.send(new CreateBillingGroupCommand({ billingGroupName: name, tags: [] })));
      assert.equal(err.name, 'InternalFailureException');
    }
    await iot.send(new CreateBillingGroupCommand({ billingGroupName: 'b3', tags: [] })); // count used up
    assert.equal(onlyB.hits, 2);

    const fn = proxy.addRule({ match: (r) => r.query.get('namePrefixFilter') === 'zz', fault: 'internal500', times: Infinity });
    await failure(iot.send(new ListBillingGroupsCommand({ namePrefixFilter: 'zz' })));
    fn.remove();
    await iot.send(new ListBillingGroupsCommand({ namePrefixFilter: 'zz' }));
    assert.deepEqual(
      proxy.forwarded().map((r) => [r.method, r.path]),
      [
        ['POST', '/billing-groups/a'],
        ['POST', '/billing-groups/b3'],
        ['GET', '/billing-groups?namePrefixFilter=zz'],
      ],
    );
    assert.deepEqual(proxy.forwarded()[1].body, { tags: [] });
  });

  it('rate limit throttles above N requests in a sliding second', async () => {
    proxy.setRateLimit({ perSecond: 5, match: { operation: 'ListBillingGroups' } });
    const iot = client(proxy.endpoint, { maxAttempts: 1 });
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => iot.send(new ListBillingGroupsCommand({}))));
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(results.length - rejected.length, 5);
    for (const r of rejected) assert.equal((r.reason as SdkError).name, 'ThrottlingException');
    assert.equal(proxy.stats().byOutcome.rateLimited, 7);
    // Other operations are not limited.
    await iot.send(new DescribeBillingGroupCommand({ billingGroupName: 'x' })).catch((e: SdkError) => assert.equal(e.name, 'ResourceNotFoundException'));
    await sleep(1050);
    await iot.send(new ListBillingGroupsCommand({}));
    proxy.setRateLimit(undefined);
    await Promise.all(Array.from({ length: 8 }, () => iot.send(new ListBillingGroupsCommand({}))));
    assert.equal(proxy.countForwarded({ operation: 'ListBillingGroups' }), 5 + 1 + 8);
  });

  it('with retries, the SDK gets a rate-limited burst through', async () => {
    proxy.setRateLimit({ perSecond: 10 });
    const iot = client(proxy.endpoint, { maxAttempts: 10 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 15 }, (_, i) => iot.send(new CreateBillingGroupCommand({ billingGroupName: `burst-${i}` }))));
    assert.ok(Date.now() - started < 20_000);
    assert.equal(proxy.countForwarded({ operation: 'CreateBillingGroup' }), 15, 'each created exactly once');
    const at = proxy.forwarded().map((r) => r.at);
    for (let i = 10; i < at.length; i++) assert.ok(at[i] - at[i - 10] >= 1000, 'never more than 10 in a second');
  });
});

// AWS moves a thing on AddThingToBillingGroup; moto keeps it in both groups. Both layers that model AWS
// run the one emulation (test/support/moveOnAdd.ts): the same checks for each.
const MOVE_LAYERS: ReadonlyArray<readonly [string, (upstream: string, moto: string) => Promise<{ endpoint: string; moves: EmulatedMove[]; stop(): Promise<void> }>]> = [
  ['thing layer', (upstream, motoEndpoint) => startThingLayer(upstream, { direct: motoEndpoint })],
  ['AWS semantics layer', (upstream, motoEndpoint) => startAwsSemanticsLayer(upstream, { moto: motoEndpoint })],
];

for (const [name, start] of MOVE_LAYERS) {
  describe(`move on add in the ${name} (SDK → ${name} → fault proxy → tag layer → moto)`, { timeout: 30_000 }, () => {
    let moving: Awaited<ReturnType<typeof start>>;
    let iot: IoTClient;
    let direct: IoTClient;
    const groupOf = async (thing: string) => (await direct.send(new DescribeThingCommand({ thingName: thing }))).billingGroupName;
    const members = async (group: string) => ((await direct.send(new ListThingsInBillingGroupCommand({ billingGroupName: group }))).things ?? []).sort();
    const add = (group: string, thing: string) => iot.send(new AddThingToBillingGroupCommand({ billingGroupName: group, thingName: thing }));

    beforeEach(async () => {
      moving = await start(proxy.endpoint, moto.endpoint);
      iot = client(moving.endpoint, { maxAttempts: 1 });
      direct = client(moto.endpoint);
      await direct.send(new CreateThingCommand({ thingName: 't' }));
      for (const g of ['a', 'b']) await direct.send(new CreateBillingGroupCommand({ billingGroupName: g }));
      await direct.send(new AddThingToBillingGroupCommand({ billingGroupName: 'a', thingName: 't' }));
      layer.requests.length = 0;
      proxy.reset();
    });
    afterEach(() => moving?.stop());

    it('an add moves the thing: it is in the new group only, and only the client\'s add reaches the recording layer', async () => {
      await add('b', 't');
      assert.deepEqual(await members('a'), []);
      assert.deepEqual(await members('b'), ['t']);
      assert.equal(await groupOf('t'), 'b');
      assert.deepEqual(moving.moves, [{ thing: 't', from: 'a', to: 'b' }]);
      assert.deepEqual(layer.requests.map((r) => r.operation), ['AddThingToBillingGroup'], 'the emulation\'s own calls go straight to moto');
    });

    it('an add to a group that does not exist moves nothing', async () => {
      const e = await failure(add('missing', 't'));
      assert.equal(e.name, 'ResourceNotFoundException');
      assert.deepEqual(await members('a'), ['t']);
      assert.deepEqual(moving.moves, []);
    });

    it('a failed add puts the thing back: on AWS a failed add moves nothing, so the thing is never left in no group', async () => {
      proxy.addRule({ match: { operation: 'AddThingToBillingGroup' }, fault: 'internal500' });
      const e = await failure(add('b', 't'));
      assert.equal(e.name, 'InternalFailureException');
      assert.deepEqual(await members('a'), ['t']);
      assert.deepEqual(await members('b'), []);
      assert.equal(await groupOf('t'), 'a');
      assert.deepEqual(moving.moves, []);
    });
  });
}
