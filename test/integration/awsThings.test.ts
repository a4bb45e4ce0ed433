// Integration tests of src/aws/thingService.ts against moto_server with the real SDK over HTTP (the
// recording tag layer in front of moto counts the calls): ListThings with its filters and pages,
// ListThingTypes, the count of things without a billing group (its exact call count, progress,
// cancel, a group deleted meanwhile), principals through moto's certificates, and the steps of a
// bulk assignment (src/core/assignmentSteps.ts) and of Add Thing and drag and drop
// (src/core/thingAdds.ts) through the real SDK. Where moto is not AWS, the
// thing layer (test/support/thingLayer.ts) does what AWS does: AddThingToBillingGroup moves a thing
// out of its previous group (moto lists it in both), ListThingPrincipalsV2 answers with each
// attachment's type (moto omits it), and it can play an endpoint that does not know V2.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddThingToBillingGroupCommand,
  AttachThingPrincipalCommand,
  CreateBillingGroupCommand,
  DeleteThingCommand,
  CreateKeysAndCertificateCommand,
  CreateThingCommand,
  CreateThingTypeCommand,
  IoTClient,
} from '@aws-sdk/client-iot';
import { createAwsLayer, isAbort, membershipPort, ThingService, type AwsLayer, type BillingGroupService, type CountProgress } from '../../src/aws/index';
import { planAssignment, plannedCalls, type AssignmentOutcome } from '../../src/core/assignmentPlan';
import { runAssignmentSteps } from '../../src/core/assignmentSteps';
import { runThingAdds, type ThingAddOutcome } from '../../src/core/thingAdds';
import type { BulkOptions } from '../../src/core/bulk';
import { countingCalls } from '../../src/core/unassignedThings';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { startThingLayer, type ThingLayer } from '../support/thingLayer';
import { makeAwsHome, type AwsHome } from '../support/awsFiles';
import { startMoto, type MotoServer } from '../support/moto';
import { startTagLayer, type TagLayer } from '../support/tagLayer';
import { rejectsWithProblem } from '../support/assertProblem';

async function inParallel<T>(items: readonly T[], width: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await task(items[next++]);
  }));
}

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

describe('things against moto', () => {
  let moto: MotoServer;
  let tags: TagLayer;
  let aws: AwsHome;
  let layer: AwsLayer;
  let things: ThingService;
  let plain: IoTClient;
  /** Requests that reached the emulator, by path: the ground truth for call counts. */
  const requestsTo = (re: RegExp, method = 'GET') => tags.requests.filter((r) => r.method === method && re.test(r.path.split('?')[0]));
  const LIST_THINGS = /^\/things$/;
  const LIST_MEMBERS = /^\/billing-groups\/[^/]+\/things$/;
  const LIST_GROUPS = /^\/billing-groups$/;

  before(async () => {
    moto = await startMoto();
    tags = await startTagLayer(moto.endpoint);
    aws = makeAwsHome();
    layer = createAwsLayer({ env: aws.env(), client: { maxAttempts: 2, connectionTimeoutMs: 1000, requestTimeoutMs: 10_000 } });
    things = new ThingService(layer.service(await layer.resolveConnection({ profile: 'default', region: '', endpoint: tags.endpoint })));
    plain = new IoTClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  });
  beforeEach(async () => {
    await moto.reset();
    tags.clear();
  });
  after(async () => {
    plain?.destroy();
    layer?.dispose();
    await tags?.stop();
    await moto?.stop();
    aws?.remove();
  });

  const createThings = (list: readonly string[], extra: Partial<{ thingTypeName: string; attributes: Record<string, string> }> = {}) =>
    inParallel(list, 16, (thingName) =>
      plain.send(new CreateThingCommand({ thingName, thingTypeName: extra.thingTypeName, attributePayload: extra.attributes ? { attributes: extra.attributes } : undefined })),
    );
  const createGroup = (name: string, members: readonly string[]) =>
    plain.send(new CreateBillingGroupCommand({ billingGroupName: name })).then(() => inParallel(members, 16, (thingName) => plain.send(new AddThingToBillingGroupCommand({ billingGroupName: name, thingName }))));

  describe('ListThings filters and pages', () => {
    it('filters by thing type and by attribute on the service, at 250 a page', async () => {
      await plain.send(new CreateThingTypeCommand({ thingTypeName: 'sensor' }));
      await plain.send(new CreateThingTypeCommand({ thingTypeName: 'van' }));
      await plain.send(new CreateThingTypeCommand({ thingTypeName: 'unused' }));
      await createThings(['s-1', 's-2'], { thingTypeName: 'sensor', attributes: { site: 'dub' } });
      await createThings(['v-1'], { thingTypeName: 'van', attributes: { site: 'nwk' } });
      await createThings(['x-1'], { attributes: { site: 'dub', model: 'a:b/c' } });

      assert.deepEqual((await things.listThingTypes()).sort(), ['sensor', 'unused', 'van']);
      assert.deepEqual((await things.listAllThings({ thingTypeName: 'sensor' })).map((t) => t.name).sort(), ['s-1', 's-2']);
      assert.deepEqual((await things.listAllThings({ attributeName: 'site', attributeValue: 'dub' })).map((t) => t.name).sort(), ['s-1', 's-2', 'x-1']);
      assert.deepEqual((await things.listAllThings({ attributeName: 'model', attributeValue: 'a:b/c' })).map((t) => t.name), ['x-1']);
      tags.clear();
      assert.deepEqual(await things.listAllThings({ thingTypeName: 'unused' }), [], 'a type that matches nothing: one call, no things');
      const sent = requestsTo(LIST_THINGS);
      assert.equal(sent.length, 1);
      assert.match(sent[0].path, /maxResults=250/);
      assert.match(sent[0].path, /thingTypeName=unused/);
    });

    it('refuses a bad type, attribute or thing name before anything is sent', async () => {
      await rejectsWithProblem(() => things.listThingsPage({ thingTypeName: 'a b' }), 'InvalidInput');
      await rejectsWithProblem(() => things.listThingsPage({ attributeName: 'bad name', attributeValue: 'x' }), 'InvalidInput');
      await rejectsWithProblem(() => things.listThingsPage({ attributeName: 'ok', attributeValue: 'no spaces' }), 'InvalidInput');
      await rejectsWithProblem(() => things.listThingPrincipals('no/slash'), 'InvalidInput');
      await rejectsWithProblem(() => things.describeCertificate('not-hex'), 'InvalidInput');
      assert.equal(tags.requests.length, 0);
    });

    it('pages 600 things as 250 + 250 + 100', async () => {
      await createThings(names('t-', 600));
      const pages: number[] = [];
      for await (const page of things.thingPages()) pages.push(page.length);
      assert.deepEqual(pages, [250, 250, 100]);
      assert.equal(requestsTo(LIST_THINGS).length, 3);
      assert.ok(requestsTo(LIST_THINGS).every((r) => /maxResults=250/.test(r.path)));
    });
  });

  describe('things without a billing group', () => {
    it('counts ListThings minus every group, in exactly ⌈T/250⌉ + Σ max(1, ⌈n_g/250⌉) calls, growing', async () => {
      const all = names('d-', 620);
      await createThings(all);
      await createGroup('g-big', all.slice(0, 260)); // 2 pages
      await createGroup('g-empty', []); // 1 page
      await createGroup('g-small', all.slice(300, 310)); // 1 page
      tags.clear();
      const progress: CountProgress[] = [];
      const result = await things.countUnassigned({ onProgress: (p) => progress.push(p) });
      const expected = all.filter((_, i) => !(i < 260 || (i >= 300 && i < 310)));
      assert.deepEqual(result.tally.names(), expected);
      assert.equal(result.tally.count, 350);
      assert.equal(result.thingCount, 620);
      assert.deepEqual(Object.fromEntries(result.groupSizes), { 'g-big': 260, 'g-empty': 0, 'g-small': 10 });

      const formula = countingCalls(620, [260, 0, 10]);
      assert.equal(formula, 3 + 2 + 1 + 1);
      assert.equal(requestsTo(LIST_THINGS).length + requestsTo(LIST_MEMBERS).length, formula, 'exactly the formula');
      assert.equal(requestsTo(LIST_GROUPS).length, 1, 'plus one page of ListBillingGroups for the full list of groups');
      assert.equal(tags.requests.length, formula + 1, 'and nothing else: never one call per thing');
      assert.ok([...requestsTo(LIST_THINGS), ...requestsTo(LIST_MEMBERS)].every((r) => /maxResults=250/.test(r.path)));
      assert.deepEqual(result.calls, { ListBillingGroups: 1, ListThingsInBillingGroup: 4, ListThings: 3 });

      const counts = progress.map((p) => p.unassigned);
      for (let i = 1; i < counts.length; i++) assert.ok(counts[i] >= counts[i - 1], `the count only grows: ${counts}`);
      assert.equal(progress.at(-1)?.phase, 'done');
      assert.equal(progress.at(-1)?.unassigned, 350);
    });

    it('uses the caller’s full list of groups without listing them again; a group deleted meanwhile counts as empty', async () => {
      await createThings(['a', 'b', 'c']);
      await createGroup('g1', ['a']);
      tags.clear();
      const result = await things.countUnassigned({ groups: ['g1', 'gone'] });
      assert.deepEqual(result.tally.names(), ['b', 'c']);
      assert.equal(requestsTo(LIST_GROUPS).length, 0);
      assert.equal(requestsTo(LIST_MEMBERS).length, 2);
      assert.equal(result.groupSizes.get('gone'), 0);
    });

    it('an empty account: one ListThings call, nothing without a group', async () => {
      const result = await things.countUnassigned({ groups: [] });
      assert.equal(result.tally.count, 0);
      assert.equal(tags.requests.length, 1);
    });

    it('is cancelled by its signal: it rejects as aborted and no call starts afterwards', async () => {
      const all = names('c-', 800);
      await createThings(all);
      await inParallel(names('grp-', 12), 4, (g) => createGroup(g, []));
      tags.clear();
      const abort = new AbortController();
      let answeredAtCancel = 0;
      const run = things.countUnassigned({
        signal: abort.signal,
        concurrency: 1,
        onProgress: (p) => {
          if (p.groupsRead !== 2 || abort.signal.aborted) return;
          answeredAtCancel = tags.requests.length;
          abort.abort();
        },
      });
      await assert.rejects(run, (e) => isAbort(e));
      // The layer records a request when moto has answered it: the (at most two) calls under way at the
      // cancel may still be recorded; nothing is started after it.
      await new Promise((r) => setTimeout(r, 500));
      const settled = tags.requests.length;
      assert.ok(settled <= answeredAtCancel + 2, `${settled} answered, ${answeredAtCancel} at the cancel`);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(tags.requests.length, settled, 'nothing more after the cancel');
      assert.ok(requestsTo(LIST_MEMBERS).length < 12, 'stopped before reading every group');
    });
  });

  describe('principals and certificates', () => {
    it('lists certificate principals attached through AttachThingPrincipal and their status', async () => {
      await createThings(['with-cert', 'inactive-cert', 'bare']);
      const active = await plain.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
      const inactive = await plain.send(new CreateKeysAndCertificateCommand({ setAsActive: false }));
      await plain.send(new AttachThingPrincipalCommand({ thingName: 'with-cert', principal: active.certificateArn }));
      await plain.send(new AttachThingPrincipalCommand({ thingName: 'inactive-cert', principal: inactive.certificateArn }));
      tags.clear();

      assert.deepEqual(await things.listThingPrincipals('with-cert'), [active.certificateArn]);
      assert.deepEqual(await things.listThingPrincipals('inactive-cert'), [inactive.certificateArn]);
      assert.deepEqual(await things.listThingPrincipals('bare'), []);
      assert.deepEqual(await things.describeCertificate(active.certificateId!), { id: active.certificateId, status: 'ACTIVE' });
      assert.deepEqual(await things.describeCertificate(inactive.certificateId!), { id: inactive.certificateId, status: 'INACTIVE' });
      assert.equal(tags.requests.length, 5, 'one call each');
      await rejectsWithProblem(() => things.listThingPrincipals('no-such-thing'), 'ResourceNotFound');
    });
  });

  describe('bulk assignment steps through the real SDK (the thing layer moves on add, as AWS does)', () => {
    let thingLayer: ThingLayer;
    let proxy: FaultProxy;
    let service: BillingGroupService;
    let viaLayer: IoTClient;
    const FAST: BulkOptions = { concurrency: 3, perSecond: 1000 };
    const byThing = (outcomes: readonly AssignmentOutcome[]) => new Map(outcomes.map((o) => [o.thing, o]));
    /** What reached moto from the extension's side (the thing layer's own calls go to moto directly). */
    const reached = (operation: string) => tags.requests.filter((r) => r.operation === operation);
    const membersOf = async (group: string) => (await things.listAllThingsInBillingGroup(group)).sort();

    before(async () => {
      thingLayer = await startThingLayer(tags.endpoint, { direct: moto.endpoint });
      proxy = await startFaultProxy(thingLayer.endpoint);
      service = layer.service(await layer.resolveConnection({ profile: 'default', region: '', endpoint: proxy.endpoint }));
      viaLayer = new IoTClient({ region: 'us-east-1', endpoint: thingLayer.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    });
    beforeEach(() => {
      thingLayer.clear();
      proxy.reset();
    });
    after(async () => {
      viaLayer?.destroy();
      await proxy?.stop();
      await thingLayer?.stop();
    });

    it('a move is the check and one add, no remove: the preview\'s calls are what reached the emulator and what the run counted', async () => {
      await createThings(['a', 'b', 'c', 'd', 'e']);
      await createGroup('target', ['a']);
      await createGroup('g1', ['b', 'c']);
      const count = await things.countUnassigned();
      tags.clear();
      const plan = planAssignment('target', ['a', 'b', 'c', 'd', 'e'], (t) => count.tally.groupOf(t), true);
      const preview = plannedCalls(plan);
      const run = await runAssignmentSteps(plan, membershipPort(service), { bulk: FAST });

      assert.deepEqual(preview, { things: 4, DescribeThing: 4, AddThingToBillingGroup: 4, total: 8 });
      assert.deepEqual(run.calls, { DescribeThing: 4, AddThingToBillingGroup: 4, DescribeBillingGroup: 0 });
      assert.equal(reached('DescribeThing').length, preview.DescribeThing);
      assert.equal(reached('AddThingToBillingGroup').length, preview.AddThingToBillingGroup);
      assert.equal(reached('RemoveThingFromBillingGroup').length, 0, 'a move sends no remove');
      assert.equal(tags.requests.length, preview.total, 'and nothing else');
      assert.deepEqual(run.outcomes.map((o) => [o.thing, o.result]), [['a', 'skipped'], ['d', 'added'], ['e', 'added'], ['b', 'moved'], ['c', 'moved']]);
      assert.deepEqual(await membersOf('target'), ['a', 'b', 'c', 'd', 'e']);
      assert.deepEqual(await membersOf('g1'), [], 'moved out by the add alone (the thing layer does what AWS does)');
      assert.deepEqual(thingLayer.moves.map((m) => m.thing).sort(), ['b', 'c']);
    });

    it('"Move" unticked never moves a thing that joined another group after the count; one already in the target or deleted meanwhile is not sent', async () => {
      await createThings(['joined', 'arrived', 'deleted', 'plain-1', 'plain-2']);
      await createGroup('target', []);
      await createGroup('other', []);
      const count = await things.countUnassigned();
      assert.equal(count.tally.count, 5);
      // Behind the extension's back, after the count:
      await plain.send(new AddThingToBillingGroupCommand({ billingGroupName: 'other', thingName: 'joined' }));
      await plain.send(new AddThingToBillingGroupCommand({ billingGroupName: 'target', thingName: 'arrived' }));
      await plain.send(new DeleteThingCommand({ thingName: 'deleted' }));
      tags.clear();

      const plan = planAssignment('target', count.tally.names(), (t) => count.tally.groupOf(t), false);
      assert.deepEqual(plan.add, ['arrived', 'deleted', 'joined', 'plain-1', 'plain-2'], 'the stale count says all five are in no group');
      const run = await runAssignmentSteps(plan, membershipPort(service), { bulk: FAST });
      const out = byThing(run.outcomes);
      assert.deepEqual(out.get('joined'), { thing: 'joined', result: 'changed', now: 'other' });
      assert.deepEqual(out.get('arrived'), { thing: 'arrived', result: 'skipped' });
      assert.deepEqual(out.get('deleted'), { thing: 'deleted', result: 'gone' });
      assert.deepEqual(out.get('plain-1'), { thing: 'plain-1', result: 'added' });
      const adds = reached('AddThingToBillingGroup').map((r) => (r.body as { thingName: string }).thingName).sort();
      assert.deepEqual(adds, ['plain-1', 'plain-2'], 'nothing is sent for a thing that is not where the preview said');
      assert.deepEqual(await membersOf('other'), ['joined'], 'it stays in the group it joined');
      assert.equal(reached('DescribeThing').length, 5);
      assert.deepEqual(run.calls, { DescribeThing: 5, AddThingToBillingGroup: 2, DescribeBillingGroup: 0 });
    });

    it('a failed step reports where the thing actually ended up, read back after the failure', async () => {
      await createThings(['lost', 'refused', 'fine']);
      await createGroup('target', []);
      await createGroup('g1', ['refused']);
      const count = await things.countUnassigned();
      const addOf = (thing: string) => ({ operation: 'AddThingToBillingGroup', when: (r: { body: unknown }) => (r.body as { thingName?: string })?.thingName === thing });
      // The add of "lost" reaches moto (the thing is moved) but its answer never comes back, every try.
      proxy.addRule({ match: addOf('lost'), fault: 'lostResponse', times: Infinity });
      // The add of "refused" fails before reaching moto, every try.
      proxy.addRule({ match: addOf('refused'), fault: 'internal500', times: Infinity });
      tags.clear();
      const plan = planAssignment('target', ['lost', 'refused', 'fine'], (t) => count.tally.groupOf(t), true);
      const run = await runAssignmentSteps(plan, membershipPort(service), { bulk: FAST });
      const out = byThing(run.outcomes);
      const lost = out.get('lost');
      assert.equal(lost?.result, 'failed');
      assert.deepEqual(lost?.result === 'failed' && lost.endedIn, { kind: 'group', group: 'target', how: 'readBack' }, 'the add was carried out although it failed');
      const refused = out.get('refused');
      assert.equal(refused?.result, 'failed');
      assert.deepEqual(refused?.result === 'failed' && refused.endedIn, { kind: 'group', group: 'g1', how: 'readBack' }, 'a failed move leaves the thing where it was, never in no group');
      assert.match(refused?.result === 'failed' ? refused.reason : '', /internal error/);
      assert.deepEqual(out.get('fine'), { thing: 'fine', result: 'added' });
      assert.deepEqual(await membersOf('target'), ['fine', 'lost']);
      assert.deepEqual(await membersOf('g1'), ['refused']);
      // The preview's checks, plus one read-back per failed step; the run counted what it sent.
      assert.equal(run.calls.DescribeThing, plannedCalls(plan).DescribeThing + 2);
      assert.equal(proxy.countForwarded({ operation: 'DescribeThing' }), run.calls.DescribeThing);
    });
  });

  describe('Add Thing and drag and drop through the real SDK (the thing layer moves on add, as AWS does)', () => {
    let thingLayer: ThingLayer;
    let proxy: FaultProxy;
    let service: BillingGroupService;
    const FAST: BulkOptions = { concurrency: 3, perSecond: 1000 };
    /** What reached moto from the extension's side (the thing layer's own calls go to moto directly). */
    const reached = (operation: string) => tags.requests.filter((r) => r.operation === operation);
    const membersOf = async (group: string) => (await things.listAllThingsInBillingGroup(group)).sort();
    /** The port the commands use, with a remove within reach: a move must not use it. */
    const port = () => Object.assign(membershipPort(service), { removeThing: (group: string, thing: string, signal?: AbortSignal) => service.removeThingFromBillingGroup(group, thing, signal) });
    const endedIn = (outcomes: readonly ThingAddOutcome[], thing: string) => {
      const o = outcomes.find((x) => x.thing === thing);
      return o && !o.ok ? o.endedIn : undefined;
    };

    before(async () => {
      thingLayer = await startThingLayer(tags.endpoint, { direct: moto.endpoint });
      proxy = await startFaultProxy(thingLayer.endpoint);
      service = layer.service(await layer.resolveConnection({ profile: 'default', region: '', endpoint: proxy.endpoint }));
    });
    beforeEach(() => {
      thingLayer.clear();
      proxy.reset();
    });
    after(async () => {
      await proxy?.stop();
      await thingLayer?.stop();
    });

    it('a move is exactly one AddThingToBillingGroup and no RemoveThingFromBillingGroup; the thing is in the new group only', async () => {
      await createThings(['m-1', 'm-2', 'free']);
      await createGroup('old', ['m-1', 'm-2']);
      await createGroup('target', []);
      tags.clear();
      const from = new Map<string, string | undefined>([['m-1', 'old'], ['m-2', 'old'], ['free', undefined]]);
      const out = await runThingAdds('target', ['m-1', 'm-2', 'free'], port(), { bulk: FAST, from: (t) => from.get(t) });

      assert.deepEqual(out.map((o) => [o.thing, o.ok]).sort(), [['free', true], ['m-1', true], ['m-2', true]]);
      assert.equal(reached('AddThingToBillingGroup').length, 3, 'one add per thing');
      assert.equal(reached('RemoveThingFromBillingGroup').length, 0, 'a move sends no remove');
      assert.equal(tags.requests.length, 3, 'and nothing else reached the emulator');
      assert.deepEqual(await membersOf('target'), ['free', 'm-1', 'm-2']);
      assert.deepEqual(await membersOf('old'), [], 'moved out by the add alone (the thing layer does what AWS does)');
      assert.deepEqual(thingLayer.moves.map((m) => `${m.thing}:${m.from}>${m.to}`).sort(), ['m-1:old>target', 'm-2:old>target']);
    });

    it('a failed add says where the thing is now, read back with DescribeThing: still in its group, or in the target when the add was carried out', async () => {
      await createThings(['refused', 'lost']);
      await createGroup('old', ['refused', 'lost']);
      await createGroup('target', []);
      const addOf = (thing: string) => ({ operation: 'AddThingToBillingGroup', when: (r: { body: unknown }) => (r.body as { thingName?: string })?.thingName === thing });
      // Every add of "refused" fails before reaching moto; every add of "lost" reaches it (the thing
      // is moved) but its answer never comes back.
      proxy.addRule({ match: addOf('refused'), fault: 'internal500', times: Infinity });
      proxy.addRule({ match: addOf('lost'), fault: 'lostResponse', times: Infinity });
      tags.clear();
      const out = await runThingAdds('target', ['refused', 'lost'], port(), { bulk: FAST, from: () => 'old' });

      assert.deepEqual(endedIn(out, 'refused'), { kind: 'group', group: 'old', how: 'readBack' }, 'a failed move leaves the thing where it was, never in no group');
      assert.deepEqual(endedIn(out, 'lost'), { kind: 'group', group: 'target', how: 'readBack' }, 'the add was carried out although it failed');
      assert.deepEqual(await membersOf('old'), ['refused']);
      assert.deepEqual(await membersOf('target'), ['lost']);
      assert.equal(reached('RemoveThingFromBillingGroup').length, 0);
      assert.equal(reached('DescribeThing').length, 2, 'one read-back per failed add');
    });
  });

  describe('thing-type and attribute sources: where the matched things are, by the fewest calls', () => {
    const bulk: BulkOptions = { concurrency: 3, perSecond: 1000 };
    const reached = (operation: string) => tags.requests.filter((r) => r.operation === operation);

    beforeEach(async () => {
      await plain.send(new CreateThingTypeCommand({ thingTypeName: 'rare' }));
      await plain.send(new CreateThingTypeCommand({ thingTypeName: 'common' }));
      await createThings(names('bulk-', 300));
      await createThings(['rare-1', 'rare-2', 'rare-3'], { thingTypeName: 'rare', attributes: { site: 'rtm' } });
      await createThings(names('common-', 30), { thingTypeName: 'common' });
      await createGroup('g1', ['rare-1', 'bulk-0001']);
      await createGroup('g2', names('common-', 5));
      await createGroup('g3', []);
      tags.clear();
    });

    it('a type matching 3 things: one DescribeThing each, never a full count (ListThings of the type + one ListBillingGroups + 3)', async () => {
      const found = (await things.listAllThings({ thingTypeName: 'rare' })).map((t) => t.name).sort();
      const where = await things.membershipOf(found, { count: (groups) => things.countUnassigned({ groups }) }, { bulk });
      assert.equal(where.way, 'describe');
      assert.deepEqual(found.map((t) => where.groupOf(t)), ['g1', undefined, undefined]);
      assert.deepEqual(where.missing, []);
      assert.equal(reached('ListThings').length, 1);
      assert.equal(reached('ListBillingGroups').length, 1);
      assert.equal(reached('DescribeThing').length, 3);
      assert.equal(reached('ListThingsInBillingGroup').length, 0, 'no full-account count');
      assert.equal(tags.requests.length, 5);
    });

    it('an attribute matching 3 things: the same per-thing lookups', async () => {
      const found = (await things.listAllThings({ attributeName: 'site', attributeValue: 'rtm' })).map((t) => t.name);
      const where = await things.membershipOf(found, { count: (groups) => things.countUnassigned({ groups }) }, { bulk });
      assert.equal(where.way, 'describe');
      assert.equal(reached('DescribeThing').length, 3);
      assert.equal(reached('ListThingsInBillingGroup').length, 0);
    });

    it('a type matching 30 things with 3 groups: the count is fewer calls (3 + 1 + its pages), and the groups are listed once', async () => {
      const found = (await things.listAllThings({ thingTypeName: 'common' })).map((t) => t.name);
      const where = await things.membershipOf(found, { count: (groups) => things.countUnassigned({ groups }) }, { bulk });
      assert.equal(where.way, 'count');
      assert.equal(where.groupOf('common-0000'), 'g2');
      assert.equal(where.groupOf('common-0010'), undefined);
      assert.equal(reached('DescribeThing').length, 0);
      assert.equal(reached('ListBillingGroups').length, 1, 'the list of groups serves the count too');
      // 1 filtered ListThings + ⌈333/250⌉ = 2 ListThings pages of the count + 3 group pages.
      assert.equal(reached('ListThings').length, 1 + 2);
      assert.equal(reached('ListThingsInBillingGroup').length, 3);
    });

    it('a fresh count at hand costs no call', async () => {
      const count = await things.countUnassigned();
      tags.clear();
      const where = await things.membershipOf(['rare-1', 'rare-2'], { cached: count, count: () => assert.fail('no new count') }, { bulk });
      assert.equal(where.way, 'count');
      assert.equal(where.readAt, count.countedAt);
      assert.equal(where.groupOf('rare-1'), 'g1');
      assert.equal(tags.requests.length, 0);
    });
  });

  describe('attachments for the cost-attribution check', () => {
    let thingLayer: ThingLayer;
    let viaLayer: IoTClient;
    let notes: string[];
    const principalCalls = (v2: boolean) => thingLayer.requests.filter((r) => r.operation === (v2 ? 'ListThingPrincipalsV2' : 'ListThingPrincipals'));
    const serviceFor = async () => {
      notes = [];
      return new ThingService(layer.service(await layer.resolveConnection({ profile: 'default', region: '', endpoint: thingLayer.endpoint })), { note: (m) => notes.push(m) });
    };

    before(async () => {
      thingLayer = await startThingLayer(tags.endpoint, { direct: moto.endpoint });
      viaLayer = new IoTClient({ region: 'us-east-1', endpoint: thingLayer.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    });
    beforeEach(async () => {
      thingLayer.clear();
      thingLayer.setPrincipalsV2(true);
      await createThings(['exclusive', 'shared', 'bare']);
      const a = await plain.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
      const b = await plain.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
      await viaLayer.send(new AttachThingPrincipalCommand({ thingName: 'exclusive', principal: a.certificateArn, thingPrincipalType: 'EXCLUSIVE_THING' }));
      await viaLayer.send(new AttachThingPrincipalCommand({ thingName: 'shared', principal: b.certificateArn }));
      thingLayer.requests.length = 0;
    });
    after(async () => {
      viaLayer?.destroy();
      await thingLayer?.stop();
    });

    it('reads attachments with ListThingPrincipalsV2, each with its type', async () => {
      const svc = await serviceFor();
      const exclusive = await svc.listThingPrincipalAttachments('exclusive');
      assert.equal(exclusive.read, 'ListThingPrincipalsV2');
      assert.deepEqual(exclusive.attachments.map((x) => x.type), ['EXCLUSIVE_THING']);
      assert.match(exclusive.attachments[0].principal, /:cert\//);
      assert.deepEqual((await svc.listThingPrincipalAttachments('shared')).attachments.map((x) => x.type), ['NON_EXCLUSIVE_THING']);
      assert.deepEqual((await svc.listThingPrincipalAttachments('bare')).attachments, []);
      assert.equal(principalCalls(true).length, 3);
      assert.equal(principalCalls(false).length, 0);
      await rejectsWithProblem(() => svc.listThingPrincipalAttachments('no-such-thing'), 'ResourceNotFound');
      assert.deepEqual(notes, []);
    });

    it('a real server error of V2 (InternalFailureException, JSON) is not taken for a missing operation', async () => {
      const svc = await serviceFor();
      const proxy = await startFaultProxy(thingLayer.endpoint);
      try {
        const viaProxy = new ThingService(layer.service(await layer.resolveConnection({ profile: 'default', region: '', endpoint: proxy.endpoint })), { note: (m) => notes.push(m) });
        proxy.addRule({ match: { path: /\/principals-v2$/ }, fault: 'internal500', times: Infinity });
        await rejectsWithProblem(() => viaProxy.listThingPrincipalAttachments('shared'), 'InternalFailure');
        proxy.reset();
        assert.equal((await viaProxy.listThingPrincipalAttachments('shared')).read, 'ListThingPrincipalsV2', 'V2 is still used');
        assert.deepEqual(notes, []);
      } finally {
        await proxy.stop();
      }
      assert.equal((await svc.listThingPrincipalAttachments('bare')).read, 'ListThingPrincipalsV2');
    });

    for (const v2Unknown of ['unknownOperation', 'html404', 'html500'] as const) {
      it(`an endpoint that does not know V2 (${v2Unknown}): detected once, said once in the log, then ListThingPrincipals`, async () => {
        thingLayer.setPrincipalsV2(false, v2Unknown);
        const svc = await serviceFor();
        const results = await Promise.all(['exclusive', 'shared', 'bare'].map((t) => svc.listThingPrincipalAttachments(t)));
        assert.ok(results.every((r) => r.read === 'ListThingPrincipals'));
        assert.deepEqual(results.map((r) => r.attachments.length), [1, 1, 0]);
        assert.ok(results.every((r) => r.attachments.every((x) => x.type === undefined)), 'no type without V2');
        // V2 is tried by the calls already under way, no more (the SDK tries a 5xx answer once more itself).
        const attempts = v2Unknown === 'html500' ? 2 : 1;
        assert.ok(principalCalls(true).length >= 1 && principalCalls(true).length <= 3 * attempts, `${principalCalls(true).length} V2 requests`);
        const again = await svc.listThingPrincipalAttachments('shared');
        assert.equal(again.read, 'ListThingPrincipals');
        const v2Tries = principalCalls(true).length;
        await new ThingService(svc.groups, { note: (m) => notes.push(m) }).listThingPrincipalAttachments('exclusive');
        assert.equal(principalCalls(true).length, v2Tries, 'known for this connection: not tried again, even by another ThingService');
        assert.equal(principalCalls(false).length, 5);
        assert.equal(notes.length, 1, JSON.stringify(notes));
        assert.match(notes[0], /does not offer ListThingPrincipalsV2: attachments are read with ListThingPrincipals/);
      });
    }
  });
});
