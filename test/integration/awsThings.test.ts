// Integration tests of src/aws/thingService.ts against moto_server with the real SDK over HTTP (the
// recording tag layer in front of moto counts the calls): ListThings with its filters and pages,
// ListThingTypes, the count of things without a billing group (its exact call count, progress,
// cancel, a group deleted meanwhile), and principals through moto's certificates.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddThingToBillingGroupCommand,
  AttachThingPrincipalCommand,
  CreateBillingGroupCommand,
  CreateKeysAndCertificateCommand,
  CreateThingCommand,
  CreateThingTypeCommand,
  IoTClient,
} from '@aws-sdk/client-iot';
import { createAwsLayer, isAbort, ThingService, type AwsLayer, type CountProgress } from '../../src/aws/index';
import { countingCalls } from '../../src/core/unassignedThings';
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
});
