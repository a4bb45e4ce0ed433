// The manifest against moto: the real SDK over HTTP through the fault proxy, the AWS semantics layer
// (an add moves the thing; aws: tags refused; at most 50 tags), the version layer (versions kept and
// compared as AWS does) and the tag layer (the tag operations moto lacks). Plan reads only what it needs; Apply converges and a second Apply sends no write; a
// group changed since the plan stops and the others go on; a create whose response is lost is
// reported as created, once; throttling is ridden out.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AddThingToBillingGroupCommand, CreateBillingGroupCommand, CreateThingCommand, DeleteBillingGroupCommand, TagResourceCommand, UpdateBillingGroupCommand, type IoTClient } from '@aws-sdk/client-iot';
import { createAwsLayer, isAwsProblem, manifestReader, manifestWriter, type AwsLayer, type BillingGroupService, type CallLog } from '../../src/aws/index';
import { connectionRefusal, parseManifest, type Manifest } from '../../src/core/manifest';
import { applyPlan, type ApplyPace } from '../../src/core/manifestApply';
import { isEmptyPlan, makePlan, summarize } from '../../src/core/manifestPlan';
import { readAccount } from '../../src/core/manifestRead';
import { exportManifest, renderManifest } from '../../src/core/manifestRender';
import { makeAwsHome, type AwsHome } from '../support/awsFiles';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { startMoto, type MotoServer } from '../support/moto';
import { SAMPLE_GROUPS, seedSampleFleet, testClient } from '../support/seed';
import { startTagLayer, type TagLayer } from '../support/tagLayer';
import { startVersionLayer, type VersionLayer } from '../support/versionLayer';
import { startAwsSemanticsLayer, type AwsSemanticsLayer } from '../support/awsSemanticsLayer';

const WRITES = ['CreateBillingGroup', 'UpdateBillingGroup', 'DeleteBillingGroup', 'TagResource', 'UntagResource', 'AddThingToBillingGroup', 'RemoveThingFromBillingGroup'];
const PACE: ApplyPace = {
  concurrency: 3,
  perSecond: 50,
  retry: { isRetryable: (e) => isAwsProblem(e) && e.code === 'Throttled', times: 4, backoffMs: 200 },
};

/** Polls until `ok` (the emulator acts on a request the client gave up on a moment later). */
async function waitFor(ok: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function parse(text: string): Manifest {
  const p = parseManifest(text);
  assert.deepEqual(p.problems, []);
  return p.manifest;
}

describe('manifest against moto (tag and version layers, fault proxy)', () => {
  let moto: MotoServer;
  let tags: TagLayer;
  let versions: VersionLayer;
  let semantics: AwsSemanticsLayer;
  let proxy: FaultProxy;
  let aws: AwsHome;
  let layer: AwsLayer;
  let svc: BillingGroupService;
  let direct: IoTClient;
  const calls: CallLog[] = [];

  const writesSent = () => proxy.forwarded().filter((r) => r.operation !== undefined && WRITES.includes(r.operation));
  const count = (operation: string) => proxy.forwarded().filter((r) => r.operation === operation).length;
  const plan = async (manifest: Manifest) => makePlan(manifest, await readAccount(manifestReader(svc), manifest, PACE));
  const apply = async (manifest: Manifest) => applyPlan(await plan(manifest), manifestWriter(svc), PACE);
  const exported = async (things = true) => renderManifest(exportManifest(await readAccount(manifestReader(svc), { prune: false, groups: [] }, PACE, { all: true, exportThings: things }), { things }));

  before(async () => {
    moto = await startMoto();
    tags = await startTagLayer(moto.endpoint);
    versions = await startVersionLayer(tags.endpoint);
    // AWS's rules moto lacks: an add moves the thing; aws: tags are refused; 50 tags at most.
    semantics = await startAwsSemanticsLayer(versions.endpoint, { moto: moto.endpoint });
    proxy = await startFaultProxy(semantics.endpoint);
    aws = makeAwsHome();
    layer = createAwsLayer({ env: aws.env(), log: (e) => calls.push(e), client: { maxAttempts: 3, connectionTimeoutMs: 1000, requestTimeoutMs: 5000 } });
    svc = layer.service(await layer.resolveConnection({ profile: 'default', region: 'us-east-1', endpoint: proxy.endpoint }));
    direct = testClient(tags.endpoint);
  });
  beforeEach(async () => {
    await moto.reset();
    tags.clear();
    versions.clear();
    semantics.clear();
    await seedSampleFleet(tags.endpoint);
    proxy.reset();
    calls.length = 0;
  });
  afterEach(() => proxy.reset());
  after(async () => {
    direct?.destroy();
    layer?.dispose();
    await proxy?.stop();
    await semantics?.stop();
    await versions?.stop();
    await tags?.stop();
    await moto?.stop();
    aws?.remove();
  });

  it('Export writes every group sorted with account and region; Plan of it says no changes', async () => {
    const text = await exported();
    const manifest = parse(text);
    assert.equal(manifest.account, '123456789012', 'from the groups\' ARNs');
    assert.equal(manifest.region, 'us-east-1');
    assert.deepEqual(manifest.groups.map((g) => g.name), SAMPLE_GROUPS.map((g) => g.name).sort());
    const eu = manifest.groups.find((g) => g.name === 'fleet-eu-west')!;
    assert.deepEqual(eu, { name: 'fleet-eu-west', description: 'Delivery vans, Dublin depot', tags: [{ key: 'costCenter', value: 'logistics-eu' }, { key: 'env', value: 'prod' }], things: ['van-0101', 'van-0102', 'van-0103'] });
    proxy.reset();
    const p = await plan(manifest);
    assert.ok(isEmptyPlan(p));
    // ⌈G/250⌉ + Describe + ListTags per group + ListThings per group with things.
    assert.equal(count('ListBillingGroups'), 1);
    assert.equal(count('DescribeBillingGroup'), SAMPLE_GROUPS.length);
    assert.equal(count('ListTagsForResource'), SAMPLE_GROUPS.length);
    assert.equal(count('ListThingsInBillingGroup'), SAMPLE_GROUPS.length);
    assert.equal(count('DescribeThing'), 0, 'every listed thing was found in a group read');
    assert.deepEqual(writesSent(), []);
  });

  it('an account without groups gets its id from STS GetCallerIdentity', async () => {
    await moto.reset();
    tags.clear();
    const state = await readAccount(manifestReader(svc), { prune: false, groups: [] }, PACE, { all: true });
    assert.equal(state.account, '123456789012');
    assert.ok(calls.some((c) => c.operation === 'GetCallerIdentity' && c.outcome === 'ok'));
  });

  it('an account whose id cannot be found out (no groups, STS failing): the read says so, and a manifest naming an account is refused', async () => {
    await moto.reset();
    tags.clear();
    proxy.addRule({ match: (r) => r.method === 'POST' && r.pathname === '/', fault: 'internal500', times: Infinity });
    const named = parse('{"account": "123456789012", "region": "us-east-1", "groups": {"new-group": {}}}');
    const state = await readAccount(manifestReader(svc), named, PACE);
    assert.equal(state.account, undefined);
    assert.match(connectionRefusal(named, state) ?? '', /^The manifest is for account 123456789012, but the account of the connection could not be found out/);
    assert.equal(connectionRefusal(parse('{"groups": {"new-group": {}}}'), state), undefined, 'a manifest for whatever account is connected is not refused');
    assert.deepEqual(writesSent(), []);
  });

  it('Apply converges: creates with tags, description with expectedVersion, tags, moves, prune; the second Apply sends no write', async () => {
    await direct.send(new CreateThingCommand({ thingName: 'new-thing' }));
    const manifest = parse(`{
      "account": "123456789012", "region": "us-east-1", "prune": true,
      "groups": {
        "fleet-eu-west": { "description": "Vans, Dublin", "tags": { "costCenter": "logistics-eu", "owner": "ops" }, "things": ["van-0101", "van-0201", "new-thing"] },
        "fleet-us-east": { "things": ["van-0202"] },
        "greenhouse-sensors": {},
        "lab-prototypes": { "tags": {} },
        "made-here": { "description": "from the manifest", "tags": { "team": "fleet \${ops}" }, "things": ["proto-b"] }
      }
    }`);
    const p = await plan(manifest);
    assert.deepEqual(summarize(p), { create: 1, update: 2, delete: 1, thingsAdd: 2, thingsRemove: 2, thingsMove: 1 });
    assert.deepEqual(p.deletes.map((d) => d.group), ['warehouse-scanners']);
    proxy.reset();
    const report = await applyPlan(p, manifestWriter(svc), PACE);
    assert.deepEqual(report.entries.filter((e) => e.outcome !== 'done'), []);

    const create = proxy.forwarded().filter((r) => r.operation === 'CreateBillingGroup');
    assert.equal(create.length, 1);
    assert.deepEqual(create[0].body, { billingGroupProperties: { billingGroupDescription: 'from the manifest' }, tags: [{ Key: 'team', Value: 'fleet ${ops}' }] }, 'the create carries its tags');
    assert.deepEqual(versions.updates.map((u) => [u.group, u.expectedVersion]), [['fleet-eu-west', 1]], 'the version read during the plan');
    assert.deepEqual(versions.deletes.map((u) => [u.group, u.expectedVersion]), [['warehouse-scanners', 1]], 'the version read during the plan');
    // A move is the add alone (AWS detaches the thing from its previous group itself); removals are
    // sent only for things that leave for no group.
    const body = (r: { body: unknown }) => r.body as { billingGroupName: string; thingName: string };
    assert.deepEqual(
      proxy.forwarded().filter((r) => r.operation === 'RemoveThingFromBillingGroup').map((r) => `${body(r).thingName} from ${body(r).billingGroupName}`).sort(),
      ['van-0102 from fleet-eu-west', 'van-0103 from fleet-eu-west'],
    );
    assert.ok(proxy.forwarded().some((r) => r.operation === 'AddThingToBillingGroup' && body(r).thingName === 'van-0201' && body(r).billingGroupName === 'fleet-eu-west'));
    assert.deepEqual(semantics.moves, [{ thing: 'van-0201', from: 'fleet-us-east', to: 'fleet-eu-west' }], 'the add moved it');

    const after = parse(await exported());
    const of = (name: string) => after.groups.find((g) => g.name === name);
    assert.deepEqual(of('fleet-eu-west'), { name: 'fleet-eu-west', description: 'Vans, Dublin', tags: [{ key: 'costCenter', value: 'logistics-eu' }, { key: 'owner', value: 'ops' }], things: ['new-thing', 'van-0101', 'van-0201'] });
    assert.deepEqual(of('fleet-us-east')?.things, ['van-0202']);
    assert.deepEqual(of('lab-prototypes')?.tags, []);
    assert.deepEqual(of('made-here')?.things, ['proto-b']);
    assert.equal(of('warehouse-scanners'), undefined);

    proxy.reset();
    const second = await apply(manifest);
    assert.equal(second.entries.length, 0);
    assert.deepEqual(writesSent(), [], 'applying twice sends no write the second time');
  });

  it('a group changed since the plan stops with "changed since the plan"; the others go on', async () => {
    const manifest = parse(`{"groups": {
      "fleet-eu-west": { "description": "one", "tags": { "env": "test" } },
      "fleet-us-east": { "description": "two" },
      "lab-prototypes": { "tags": { "env": "dev", "x": "y" } }
    }}`);
    const p = await plan(manifest);
    // Someone else: a description update lands first (the version layer answers the next update
    // with VersionConflict), and lab-prototypes gets a tag, after the plan.
    versions.conflictNext(1);
    await svc.writeTags('arn:aws:iot:us-east-1:123456789012:billinggroup/lab-prototypes', [{ key: 'added', value: 'by someone' }], []);
    proxy.reset();
    const report = await applyPlan(p, manifestWriter(svc), { ...PACE, concurrency: 1 });
    const rows = report.entries.map((e) => `${e.group} ${e.action}: ${e.outcome}${e.message ? ` (${e.message})` : ''}`);
    assert.deepEqual(rows, [
      'fleet-eu-west set description: changed (changed since the plan (its version moved on))',
      'fleet-us-east set description: done',
      'fleet-eu-west set tags: skipped (not done: the group changed since the plan (its version moved on))',
      'lab-prototypes set tags: changed (changed since the plan (its tags differ))',
    ]);
    assert.equal(count('TagResource') + count('UntagResource'), 0, 'no tag written over their change');
    assert.deepEqual(tags.tagsOf('arn:aws:iot:us-east-1:123456789012:billinggroup/lab-prototypes').map((t) => t.Key).sort(), ['added', 'env']);
  });

  it('Apply sends the version it read with the description update and the delete: a group someone else updated since the plan is not overwritten or deleted', async () => {
    // The version layer compares expectedVersion with the group's version for UpdateBillingGroup and
    // DeleteBillingGroup, as AWS does: an Apply that sent no version would overwrite and delete here.
    const manifest = parse(`{"account": "123456789012", "region": "us-east-1", "prune": true, "groups": {
      "fleet-eu-west": { "description": "ours" }, "fleet-us-east": { "description": "also ours" },
      "greenhouse-sensors": {}, "lab-prototypes": {}
    }}`);
    const p = await plan(manifest);
    assert.deepEqual(p.descriptions.map((d) => [d.group, d.expectedVersion]), [['fleet-eu-west', 1], ['fleet-us-east', 1]]);
    assert.deepEqual(p.deletes.map((d) => [d.group, d.expectedVersion]), [['warehouse-scanners', 1]]);
    // A colleague, after the plan: one description and the group to delete change (version 2).
    const colleague = testClient(versions.endpoint);
    try {
      await colleague.send(new UpdateBillingGroupCommand({ billingGroupName: 'fleet-eu-west', billingGroupProperties: { billingGroupDescription: 'theirs' } }));
      await colleague.send(new UpdateBillingGroupCommand({ billingGroupName: 'warehouse-scanners', billingGroupProperties: { billingGroupDescription: 'still used' } }));
    } finally {
      colleague.destroy();
    }
    const sentBefore = versions.updates.length;
    const report = await applyPlan(p, manifestWriter(svc), { ...PACE, concurrency: 1 });
    assert.deepEqual(
      report.entries.map((e) => `${e.group} ${e.action}: ${e.outcome}`),
      ['fleet-eu-west set description: changed', 'fleet-us-east set description: done', 'warehouse-scanners delete: changed'],
    );
    assert.deepEqual(versions.updates.slice(sentBefore).map((u) => [u.group, u.expectedVersion, u.status]), [['fleet-eu-west', 1, 409], ['fleet-us-east', 1, 200]]);
    assert.deepEqual(versions.deletes.map((d) => [d.group, d.expectedVersion, d.status]), [['warehouse-scanners', 1, 409]]);
    const after = parse(await exported(false));
    assert.equal(after.groups.find((g) => g.name === 'fleet-eu-west')?.description, 'theirs', 'their description stays');
    assert.equal(after.groups.find((g) => g.name === 'warehouse-scanners')?.description, 'still used', 'their group stays');
  });

  it('a group CloudFormation made (aws: tags): Export leaves them out and parses; Plan of it is empty; Apply never sends an aws: key', async () => {
    const arn = 'arn:aws:iot:us-east-1:123456789012:billinggroup/fleet-eu-west';
    // CloudFormation's own tags, put straight into the tag layer (no caller could send them).
    await direct.send(new TagResourceCommand({ resourceArn: arn, tags: [{ Key: 'aws:cloudformation:stack-name', Value: 'fleet' }, { Key: 'aws:cloudformation:logical-id', Value: 'FleetEuWest' }] }));
    const text = await exported();
    assert.equal(text.includes('aws:'), false, text);
    const manifest = parse(text);
    proxy.reset();
    assert.ok(isEmptyPlan(await plan(manifest)));
    // The manifest drops the user's tags: only those go, in one UntagResource without the aws: keys.
    const bare = parse('{"groups": {"fleet-eu-west": {"tags": {}}}}');
    const report = await apply(bare);
    assert.deepEqual(report.entries.map((e) => `${e.action}: ${e.outcome}`), ['set tags: done']);
    assert.deepEqual(proxy.forwarded().filter((r) => r.operation === 'UntagResource').map((r) => r.body), [{ resourceArn: arn, tagKeys: ['costCenter', 'env'] }]);
    assert.equal(count('TagResource'), 0);
    assert.deepEqual(semantics.refused, []);
    assert.deepEqual(tags.tagsOf(arn).map((t) => t.Key).sort(), ['aws:cloudformation:logical-id', 'aws:cloudformation:stack-name']);
    proxy.reset();
    assert.ok(isEmptyPlan(await plan(bare)), 'the aws: tags left do not make the group differ');
    // Edit Tags' setTags keeps them too.
    await svc.setTags(arn, [{ key: 'team', value: 'ops' }]);
    assert.deepEqual(tags.tagsOf(arn).map((t) => t.Key).sort(), ['aws:cloudformation:logical-id', 'aws:cloudformation:stack-name', 'team']);
    assert.deepEqual(semantics.refused, []);
  });

  it('replacing keys on a group at 50 tags never goes over the limit: untag before tag (Apply, writeTags and Edit Tags\' setTags)', async () => {
    const arn = 'arn:aws:iot:us-east-1:123456789012:billinggroup/fleet-eu-west';
    const fifty = (from: number) => Array.from({ length: 50 }, (_, i) => ({ key: `k${String(from + i).padStart(2, '0')}`, value: 'v' }));
    const json = (t: { key: string; value: string }[]) => `{${t.map((x) => `"${x.key}": "${x.value}"`).join(', ')}}`;
    await svc.setTags(arn, fifty(0));
    assert.equal(tags.tagsOf(arn).length, 50);
    proxy.reset();
    // Apply: 10 keys out, 10 others in.
    const report = await apply(parse(`{"groups": {"fleet-eu-west": {"tags": ${json(fifty(10))}}}}`));
    assert.deepEqual(report.entries.map((e) => `${e.action}: ${e.outcome}${e.message ? ` (${e.message})` : ''}`), ['set tags: done']);
    assert.deepEqual(proxy.forwarded().filter((r) => r.operation === 'TagResource' || r.operation === 'UntagResource').map((r) => r.operation), ['UntagResource', 'TagResource']);
    assert.deepEqual(tags.tagsOf(arn).map((t) => t.Key).sort(), fifty(10).map((t) => t.key));
    // The service's own two-call writes, as Edit Tags and the costs set-up use them.
    proxy.reset();
    await svc.writeTags(arn, fifty(20).slice(40), fifty(10).slice(0, 10).map((t) => t.key));
    assert.deepEqual(tags.tagsOf(arn).map((t) => t.Key).sort(), fifty(20).map((t) => t.key));
    await svc.setTags(arn, fifty(30));
    assert.deepEqual(tags.tagsOf(arn).map((t) => t.Key).sort(), fifty(30).map((t) => t.key));
    assert.deepEqual(proxy.forwarded().filter((r) => r.operation === 'TagResource' || r.operation === 'UntagResource').map((r) => r.operation), ['UntagResource', 'TagResource', 'UntagResource', 'TagResource']);
    assert.deepEqual(semantics.refused, [], 'the layer never had to refuse a request over 50 tags');
  });

  it('a move whose add fails says where the thing is; an add cancelled in flight is "unknown (cancelled in flight)", and the next plan shows it went through', async () => {
    const manifest = parse('{"groups": {"fleet-eu-west": {"things": ["van-0101", "van-0102", "van-0103", "van-0201"]}, "lab-prototypes": {"things": ["proto-a", "proto-b"]}}}');
    const p = await plan(manifest);
    assert.deepEqual(p.additions, [
      { group: 'fleet-eu-west', thing: 'van-0201', from: 'fleet-us-east' },
      { group: 'lab-prototypes', thing: 'proto-b' },
    ]);
    proxy.addRule({ match: { operation: 'AddThingToBillingGroup', when: (r) => (r.body as { thingName?: string }).thingName === 'van-0201' }, fault: 'internal500', times: 3 });
    const failed = await applyPlan(p, manifestWriter(svc), { ...PACE, concurrency: 1 });
    assert.deepEqual(failed.entries.map((e) => `${e.action}: ${e.outcome}`), ['move thing van-0201 from fleet-us-east: failed', 'add thing proto-b: done']);
    const line = failed.entries.find((e) => e.action === 'move thing van-0201 from fleet-us-east');
    assert.equal(line?.outcome, 'failed');
    assert.match(line?.message ?? '', /internal error.* Thing van-0201 is in group fleet-us-east\.$/);
    proxy.reset();

    // Cancelled while the add is on its way: the service still gets it.
    const again = await plan(manifest);
    const abort = new AbortController();
    proxy.addRule({ match: { operation: 'AddThingToBillingGroup' }, fault: 'delay', delayMs: 600 });
    const started = applyPlan(again, manifestWriter(svc), { ...PACE, concurrency: 1 }, { signal: abort.signal });
    await waitFor(() => proxy.events().some((e) => e.request.operation === 'AddThingToBillingGroup'));
    abort.abort();
    const report = await started;
    assert.equal(report.cancelled, true);
    assert.deepEqual(report.entries.map((e) => `${e.action}: ${e.outcome}`), ['move thing van-0201 from fleet-us-east: unknown'], 'proto-b was added by the first Apply');
    await waitFor(async () => (await svc.describeThing('van-0201')).billingGroupName === 'fleet-eu-west');
    proxy.reset();
    assert.ok(isEmptyPlan(await plan(manifest)), 'the cancelled add went through');
  });

  it('a description update whose response is lost: the SDK retry meets the version its own write moved on, and that is reported as done', async () => {
    const manifest = parse('{"groups": {"lab-prototypes": {"description": "Rev C boards"}}}');
    const p = await plan(manifest);
    proxy.addRule({ match: { operation: 'UpdateBillingGroup' }, fault: 'lostResponse' });
    const report = await applyPlan(p, manifestWriter(svc), PACE);
    assert.deepEqual(report.entries.map((e) => `${e.action}: ${e.outcome}`), ['set description: done']);
    assert.deepEqual(versions.updates.map((u) => [u.expectedVersion, u.status]), [[1, 200], [1, 409]], 'the retry carried the same version and met its own write');
    proxy.reset();
    assert.ok(isEmptyPlan(await plan(manifest)));
  });

  it('a create whose response is lost is reported as created, once', async () => {
    const manifest = parse('{"groups": {"lost-once": {"description": "d", "tags": {"k": "v"}}, "plain": {}}}');
    const p = await plan(manifest);
    proxy.addRule({ match: { operation: 'CreateBillingGroup', when: (r) => r.pathname.endsWith('/lost-once') }, fault: 'lostResponse' });
    const report = await applyPlan(p, manifestWriter(svc), PACE);
    assert.deepEqual(report.entries.map((e) => [e.group, e.outcome]), [
      ['lost-once', 'done'],
      ['plain', 'done'],
    ]);
    assert.equal(proxy.countForwarded({ operation: 'CreateBillingGroup', when: (r) => r.pathname.endsWith('/lost-once') }), 2, 'the SDK retried; the retry met the group');
    proxy.reset();
    assert.ok(isEmptyPlan(await plan(manifest)));
  });

  it('throttling is ridden out: 30 creates under a 5/s limit, each created once', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `throttled-${String(i).padStart(2, '0')}`);
    const manifest = parse(`{"groups": {${names.map((n) => `"${n}": {}`).join(', ')}}}`);
    const p = await plan(manifest);
    proxy.reset();
    proxy.setRateLimit({ perSecond: 5, match: { operation: 'CreateBillingGroup' } });
    const report = await applyPlan(p, manifestWriter(svc), { ...PACE, perSecond: 20 });
    proxy.setRateLimit(undefined);
    assert.deepEqual(report.entries.filter((e) => e.outcome !== 'done'), []);
    assert.ok((proxy.stats().byOutcome.rateLimited ?? 0) > 0, 'the limit was hit');
    assert.equal(proxy.countForwarded({ operation: 'CreateBillingGroup' }), names.length, 'each group created once');
    proxy.reset();
    assert.ok(isEmptyPlan(await plan(manifest)));
  });

  it('a group deleted between ListBillingGroups and its Describe is left out of the read, not a failed read', async () => {
    const manifest = parse(`{"account": "123456789012", "region": "us-east-1", "prune": true, "groups": {
      "fleet-eu-west": {}, "fleet-us-east": {}, "greenhouse-sensors": {}, "lab-prototypes": {"description": "x"}
    }}`);
    const real = manifestReader(svc);
    const state = await readAccount(
      {
        ...real,
        listGroups: async (signal) => {
          const list = await real.listGroups(signal);
          // Someone deletes two groups right after the list: one the manifest names, one it would prune.
          await direct.send(new DeleteBillingGroupCommand({ billingGroupName: 'lab-prototypes' }));
          await direct.send(new DeleteBillingGroupCommand({ billingGroupName: 'warehouse-scanners' }));
          return list;
        },
      },
      manifest,
      PACE,
    );
    assert.deepEqual(state.groups.map((g) => g.name).sort(), ['fleet-eu-west', 'fleet-us-east', 'greenhouse-sensors']);
    assert.ok(calls.some((c) => c.operation === 'DescribeBillingGroup' && c.outcome === 'ResourceNotFound'), 'the Describe did meet the deleted group');
    const p = makePlan(manifest, state);
    assert.deepEqual(p.creates.map((c) => c.group), ['lab-prototypes']);
    assert.deepEqual(p.deletes, []);
  });

  it('prune counts the things of each group it deletes with one ListThingsInBillingGroup page: "250 or more" for a big one', async () => {
    await direct.send(new CreateBillingGroupCommand({ billingGroupName: 'big' }));
    const names = Array.from({ length: 260 }, (_, i) => `bulk-${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 20)
      await Promise.all(
        names.slice(i, i + 20).map(async (t) => {
          await direct.send(new CreateThingCommand({ thingName: t }));
          await direct.send(new AddThingToBillingGroupCommand({ billingGroupName: 'big', thingName: t }));
        }),
      );
    proxy.reset();
    const manifest = parse('{"account": "123456789012", "region": "us-east-1", "prune": true, "groups": {"fleet-us-east": {}, "greenhouse-sensors": {}, "lab-prototypes": {}, "warehouse-scanners": {}}}');
    const p = await plan(manifest);
    assert.deepEqual(p.deletes.map((d) => [d.group, d.things]), [
      ['big', { count: 250, more: true }],
      ['fleet-eu-west', { count: 3, more: false }],
    ]);
    assert.deepEqual(p.warnings, ['2 billing groups that still hold things are deleted: 253 or more things will be left without a billing group ("big": 250 or more, "fleet-eu-west": 3).']);
    const listed = proxy.forwarded().filter((r) => r.operation === 'ListThingsInBillingGroup');
    assert.deepEqual(listed.map((r) => [decodeURIComponent(r.pathname.split('/')[2]), r.query.get('maxResults')]).sort(), [['big', '250'], ['fleet-eu-west', '250']], 'one page each, of 250');
  });

  it('a listed thing that does not exist makes the plan refuse, naming it', async () => {
    const p = await plan(parse('{"groups": {"fleet-eu-west": {"things": ["van-0101", "van-0102", "van-0103", "ghost"]}}}'));
    assert.deepEqual(p.errors, ['Thing "ghost" does not exist, so it cannot join billing group "fleet-eu-west".']);
  });
});
