// The AWS layer under faults, through the test suite's fault proxy between the SDK and moto_server:
// throttling and 5xx are retried with backoff, a persistent fault ends in one clear error in bounded
// time, lost responses are reported truthfully, and bad input never reaches the wire.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBillingGroupCommand, IoTClient, ListBillingGroupsCommand } from '@aws-sdk/client-iot';
import { createAwsLayer, type AwsLayer, type BillingGroupService, type CallLog } from '../../src/aws/index';
import type { ClientOptions } from '../../src/aws/client';
import { makeAwsHome, type AwsHome } from '../support/awsFiles';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { startMoto, type MotoServer } from '../support/moto';
import { rejectsWithProblem } from '../support/assertProblem';


describe('faults between the SDK and the service', () => {
  let moto: MotoServer;
  let proxy: FaultProxy;
  let aws: AwsHome;
  let plain: IoTClient;
  let calls: CallLog[];
  let layer: AwsLayer | undefined;

  before(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy(moto.endpoint);
    aws = makeAwsHome();
    plain = new IoTClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  });
  beforeEach(async () => {
    await moto.reset();
    proxy.reset();
    calls = [];
  });
  afterEach(() => {
    layer?.dispose();
    layer = undefined;
  });
  after(async () => {
    plain?.destroy();
    await proxy?.stop();
    await moto?.stop();
    aws?.remove();
  });

  /** A fresh layer (so no retry quota or adaptive rate carries over), through the proxy. */
  const service = async (client: ClientOptions = {}): Promise<BillingGroupService> => {
    layer = createAwsLayer({ env: aws.env(), log: (e) => calls.push(e), client: { maxAttempts: 3, connectionTimeoutMs: 1000, requestTimeoutMs: 5000, ...client } });
    return layer.service(await layer.resolveConnection({ profile: 'default', region: '', endpoint: proxy.endpoint }));
  };
  const groupsInMoto = async () => ((await plain.send(new ListBillingGroupsCommand({}))).billingGroups ?? []).map((g) => g.groupName);
  const list = { operation: 'ListBillingGroups' } as const;

  describe('retried, then success', () => {
    it('throttling (400 ThrottlingException) twice, then the list: one success, moto asked once', async () => {
      const svc = await service();
      const rule = proxy.addRule({ match: list, fault: 'throttle400', times: 2 });
      const page = await svc.listBillingGroups();
      assert.deepEqual(page.items, []);
      assert.equal(rule.hits, 2);
      assert.equal(proxy.stats().received, 3);
      assert.equal(proxy.countForwarded(list), 1);
      assert.deepEqual(
        calls.map((c) => [c.operation, c.outcome, c.attempts]),
        [['ListBillingGroups', 'ok', 3]],
      );
    });

    it('a 500 and a 503 are retried the same way', async () => {
      const svc = await service();
      proxy.addRule({ match: list, fault: 'internal500' });
      proxy.addRule({ match: list, fault: 'unavailable503' });
      await svc.listBillingGroups();
      assert.equal(calls[0].attempts, 3);
      assert.equal(proxy.countForwarded(), 1);
    });

    it('a reset connection is retried', async () => {
      const svc = await service();
      proxy.addRule({ match: list, fault: 'reset' });
      await svc.listBillingGroups();
      assert.equal(calls[0].outcome, 'ok');
      assert.equal(calls[0].attempts, 2);
    });

    it('a truncated response is retried, and the page read whole', async () => {
      await plain.send(new CreateBillingGroupCommand({ billingGroupName: 'g1' }));
      const svc = await service();
      proxy.addRule({ match: list, fault: 'truncated' });
      const page = await svc.listBillingGroups();
      assert.deepEqual(page.items.map((g) => g.name), ['g1']);
      assert.equal(calls[0].attempts, 2);
    });

    it('a response that never comes ends at the request timeout and is retried', { timeout: 10_000 }, async () => {
      const svc = await service({ requestTimeoutMs: 500 });
      proxy.addRule({ match: list, fault: 'hang' });
      const started = Date.now();
      await svc.listBillingGroups();
      assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
      assert.equal(calls[0].attempts, 2);
    });
  });

  describe('persistent faults end in one clear error, in bounded time', () => {
    const persistent = async (fault: 'throttle400' | 'throttle429' | 'internal500' | 'unavailable503' | 'reset', code: string) => {
      const svc = await service();
      proxy.addRule({ match: list, fault, times: Infinity });
      const started = Date.now();
      const p = await rejectsWithProblem(() => svc.listBillingGroups(), code, 'retry');
      const elapsed = Date.now() - started;
      assert.ok(elapsed < 15_000, `took ${elapsed} ms`);
      assert.equal(proxy.stats().received, 3, 'maxAttempts requests, then it gave up');
      assert.equal(proxy.countForwarded(), 0, 'none reached moto');
      assert.equal(calls.length, 1, 'one log entry for the call, not one per attempt');
      assert.equal(calls[0].outcome, code);
      assert.equal(calls[0].attempts, 3);
      return p;
    };

    it('throttling (400) → Throttled, saying it was retried', async () => {
      const p = await persistent('throttle400', 'Throttled');
      assert.match(p.message, /3 attempts/);
    });
    it('429 → Throttled', async () => {
      await persistent('throttle429', 'Throttled');
    });
    it('500 InternalFailureException → InternalFailure with the request id', async () => {
      const p = await persistent('internal500', 'InternalFailure');
      assert.ok(p.requestId, 'request id kept');
      assert.ok(p.message.includes(p.requestId ?? '?'), 'and shown');
    });
    it('503 → InternalFailure', async () => {
      await persistent('unavailable503', 'InternalFailure');
    });
    it('reset connections → EndpointUnreachable', async () => {
      const p = await persistent('reset', 'EndpointUnreachable');
      assert.match(p.message, /after 3 attempts/);
    });
    it('a response that never comes → EndpointUnreachable after maxAttempts × requestTimeout', { timeout: 10_000 }, async () => {
      const svc = await service({ requestTimeoutMs: 500, maxAttempts: 2 });
      proxy.addRule({ match: list, fault: 'hang', times: Infinity });
      const started = Date.now();
      await rejectsWithProblem(() => svc.listBillingGroups(), 'EndpointUnreachable', 'retry');
      assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
      assert.equal(proxy.stats().received, 2);
    });
    it('truncated responses → EndpointUnreachable (the connection was cut), never a half-read page', async () => {
      await plain.send(new CreateBillingGroupCommand({ billingGroupName: 'g1' }));
      const svc = await service();
      proxy.addRule({ match: list, fault: 'truncated', times: Infinity });
      await rejectsWithProblem(() => svc.listBillingGroups(), 'EndpointUnreachable', 'retry');
      assert.equal(proxy.countForwarded(list), 3, 'each attempt reached moto and was cut short');
    });
  });

  describe('lost responses', () => {
    it('a create whose response is lost is retried and reported as created, and the group exists once', async () => {
      const svc = await service();
      proxy.addRule({ match: { operation: 'CreateBillingGroup' }, fault: 'lostResponse' });
      const r = await svc.createBillingGroup({ name: 'once', description: 'only one', tags: [] });
      assert.equal(r.outcome, 'created');
      assert.match(r.arn, /:billinggroup\/once$/);
      assert.equal(proxy.countForwarded({ operation: 'CreateBillingGroup' }), 2, 'the SDK retried; moto answered the retry with 409');
      assert.deepEqual(await groupsInMoto(), ['once']);
      assert.deepEqual(
        calls.map((c) => [c.operation, c.outcome]).slice(0, 2),
        [
          ['CreateBillingGroup', 'ResourceAlreadyExists'],
          ['DescribeBillingGroup', 'ok'],
        ],
      );
    });

    it('a delete whose response is lost is retried and reported as done, not as "no longer exists"', async () => {
      await plain.send(new CreateBillingGroupCommand({ billingGroupName: 'bye' }));
      const svc = await service();
      proxy.addRule({ match: { operation: 'DeleteBillingGroup' }, fault: 'lostResponse' });
      await svc.deleteBillingGroup('bye');
      assert.equal(proxy.countForwarded({ operation: 'DeleteBillingGroup' }), 2);
      assert.deepEqual(await groupsInMoto(), []);
    });

    it('deleting a group that was already gone is still ResourceNotFound', async () => {
      const svc = await service();
      await rejectsWithProblem(() => svc.deleteBillingGroup('never-was'), 'ResourceNotFound', 'refresh');
    });
  });

  describe('pages and the wire', () => {
    it('asks for 250 per page and sends the prefix filter', async () => {
      const svc = await service();
      await svc.listBillingGroups({ namePrefix: 'fleet-' });
      const [req] = proxy.forwarded();
      assert.equal(req.query.get('maxResults'), '250');
      assert.equal(req.query.get('namePrefixFilter'), 'fleet-');
    });

    it('a page that fails can be read again with the same token once the fault ends', async () => {
      const names = Array.from({ length: 5 }, (_, i) => `p-${i}`);
      for (const n of names) await plain.send(new CreateBillingGroupCommand({ billingGroupName: n }));
      const svc = await service();
      const first = await svc.listBillingGroups({ pageSize: 3 });
      assert.equal(first.items.length, 3);
      const fault = proxy.addRule({ match: { operation: 'ListBillingGroups', when: (r) => r.query.has('nextToken') }, fault: 'internal500', times: Infinity });
      await rejectsWithProblem(() => svc.listBillingGroups({ pageSize: 3, nextToken: first.nextToken }), 'InternalFailure', 'retry');
      fault.remove();
      const second = await svc.listBillingGroups({ pageSize: 3, nextToken: first.nextToken });
      assert.deepEqual([...first.items, ...second.items].map((g) => g.name).sort(), names);
    });

    it('refused input never reaches the proxy', async () => {
      const svc = await service();
      await rejectsWithProblem(() => svc.createBillingGroup({ name: 'no spaces allowed', description: '', tags: [] }), 'InvalidInput');
      await rejectsWithProblem(() => svc.updateDescription('g', 'line\nbreak'), 'InvalidInput');
      await rejectsWithProblem(() => svc.listBillingGroups({ namePrefix: '*' }), 'InvalidInput');
      assert.equal(proxy.stats().received, 0);
      assert.equal(calls.length, 0);
    });
  });
});
