// Integration tests of src/aws/billingGroupService.ts against moto_server with the real SDK over HTTP:
// list and its pages, create (and its idempotent and conflicting repeats), describe, update, delete,
// things, and what is refused before anything is sent.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBillingGroupCommand, CreateThingCommand, DescribeBillingGroupCommand, IoTClient, ListBillingGroupsCommand } from '@aws-sdk/client-iot';
import { ConfigurationConflict, createAwsLayer, isAwsProblem, type AwsLayer, type BillingGroupService, type CallLog } from '../../src/aws/index';
import { makeAwsHome, type AwsHome } from '../support/awsFiles';
import { startMoto, type MotoServer } from '../support/moto';
import { rejectsWithProblem } from '../support/assertProblem';


/** Runs `task` over `items`, `width` at a time. */
async function inParallel<T>(items: T[], width: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}

const ARN = /^arn:aws:iot:us-east-1:\d{12}:billinggroup\//;

describe('billing groups against moto', () => {
  let moto: MotoServer;
  let aws: AwsHome;
  let layer: AwsLayer;
  let svc: BillingGroupService;
  /** A plain SDK client to set the scene (and to look behind the service's back). */
  let plain: IoTClient;
  const calls: CallLog[] = [];
  const callsOf = (operation: string) => calls.filter((c) => c.operation === operation);

  before(async () => {
    moto = await startMoto();
    aws = makeAwsHome();
    // Two attempts: moto answers ListTagsForResource with 500, which the SDK retries with backoff.
    layer = createAwsLayer({ env: aws.env(), log: (e) => calls.push(e), client: { maxAttempts: 2, connectionTimeoutMs: 1000, requestTimeoutMs: 5000 } });
    svc = layer.service(await layer.resolveConnection({ profile: 'default', region: '', endpoint: moto.endpoint }));
    plain = new IoTClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  });
  beforeEach(async () => {
    await moto.reset();
    calls.length = 0;
  });
  after(async () => {
    plain?.destroy();
    layer?.dispose();
    await moto?.stop();
    aws?.remove();
  });

  const createDirectly = (name: string, description?: string) =>
    plain.send(new CreateBillingGroupCommand({ billingGroupName: name, billingGroupProperties: description ? { billingGroupDescription: description } : undefined }));

  describe('list', () => {
    it('an account without groups gives one empty page', async () => {
      const page = await svc.listBillingGroups();
      assert.deepEqual(page, { items: [], nextToken: undefined });
      assert.equal(callsOf('ListBillingGroups').length, 1);
    });

    it('pages 260 groups as 250 + 10, in exactly two calls; a name prefix filters on the service', async () => {
      const names = Array.from({ length: 260 }, (_, i) => `bg-${String(i).padStart(3, '0')}`);
      await inParallel(names, 16, (n) => createDirectly(n));
      await createDirectly('other-1');
      await createDirectly('other-2');

      const first = await svc.listBillingGroups();
      assert.equal(first.items.length, 250);
      assert.ok(first.nextToken, 'a token for the rest');
      const second = await svc.listBillingGroups({ nextToken: first.nextToken });
      assert.equal(second.items.length, 12);
      assert.equal(second.nextToken, undefined);
      const seen = [...first.items, ...second.items];
      assert.equal(new Set(seen.map((g) => g.name)).size, 262, 'no group twice');
      for (const g of seen) assert.match(g.arn, new RegExp(`${ARN.source}${g.name}$`));
      assert.equal(callsOf('ListBillingGroups').length, 2);

      calls.length = 0;
      const all = await svc.listAllBillingGroups();
      assert.deepEqual(all.map((g) => g.name).sort(), [...names, 'other-1', 'other-2'].sort());
      assert.equal(callsOf('ListBillingGroups').length, 2, 'listAll: one call per page, never one per group');
      assert.equal(calls.length, 2);

      calls.length = 0;
      const filtered = await svc.listAllBillingGroups({ namePrefix: 'bg-25' });
      assert.deepEqual(filtered.map((g) => g.name).sort(), names.filter((n) => n.startsWith('bg-25')));
      assert.equal(calls.length, 1);

      calls.length = 0;
      const small = await svc.listBillingGroups({ pageSize: 100, namePrefix: 'bg-' });
      assert.equal(small.items.length, 100);
      assert.ok(small.nextToken);
      const small2 = await svc.listBillingGroups({ pageSize: 100, namePrefix: 'bg-', nextToken: small.nextToken });
      assert.equal(small2.items.length, 100);
      const small3 = await svc.listBillingGroups({ pageSize: 100, namePrefix: 'bg-', nextToken: small2.nextToken });
      assert.equal(small3.items.length, 60);
      assert.equal(small3.nextToken, undefined);
      assert.equal(calls.length, 3);
    });

    it('a token used with another filter is InvalidToken with "Refresh"', async () => {
      await inParallel(['a-1', 'a-2', 'a-3', 'b-1'], 4, (n) => createDirectly(n));
      const page = await svc.listBillingGroups({ pageSize: 2, namePrefix: 'a-' });
      assert.ok(page.nextToken);
      await rejectsWithProblem(() => svc.listBillingGroups({ pageSize: 2, namePrefix: 'b-', nextToken: page.nextToken }), 'InvalidToken', 'refresh');
    });
  });

  describe('create, describe, update, delete', () => {
    it('creates a group with a description, then describes it', async () => {
      const started = Date.now();
      const created = await svc.createBillingGroup({ name: 'fleet-a', description: 'Fleet A devices', tags: [] });
      assert.equal(created.outcome, 'created');
      assert.equal(created.name, 'fleet-a');
      assert.match(created.arn, new RegExp(`${ARN.source}fleet-a$`));
      assert.ok(created.id);
      assert.equal(created.tagsCompared, true);
      assert.deepEqual(
        calls.map((c) => [c.operation, c.outcome]),
        [['CreateBillingGroup', 'ok']],
      );

      const d = await svc.describeBillingGroup('fleet-a');
      assert.equal(d.name, 'fleet-a');
      assert.equal(d.arn, created.arn);
      assert.equal(d.id, created.id);
      assert.equal(d.description, 'Fleet A devices');
      assert.ok(d.creationDate instanceof Date);
      assert.ok(Math.abs(d.creationDate.getTime() - started) < 60_000, 'created just now');
      assert.equal(d.version, undefined, 'moto keeps no version (the API would give one)');
      assert.deepEqual((await svc.listAllBillingGroups()).map((g) => g.name), ['fleet-a']);
    });

    it('creates a group without a description: none is sent, and it reads back as empty', async () => {
      await svc.createBillingGroup({ name: 'plain', description: '', tags: [] });
      const raw = await plain.send(new DescribeBillingGroupCommand({ billingGroupName: 'plain' }));
      assert.equal(raw.billingGroupProperties?.billingGroupDescription, undefined);
      assert.equal((await svc.describeBillingGroup('plain')).description, '');
    });

    it('a repeated create with the same configuration succeeds as "unchanged" and creates nothing new', async () => {
      const first = await svc.createBillingGroup({ name: 'twice', description: 'same', tags: [] });
      calls.length = 0;
      const again = await svc.createBillingGroup({ name: 'twice', description: 'same', tags: [] });
      // moto answers 409 even for an identical create; the service decides with DescribeBillingGroup.
      // The 409 came on the first and only attempt, so this call cannot have made the group, even
      // though it was created seconds ago (the 120 s window applies only to a create the SDK retried).
      assert.equal(again.outcome, 'unchanged');
      assert.equal(again.arn, first.arn);
      assert.equal(again.id, first.id);
      // moto cannot list tags (HTTP 500), so only the description was compared, and the result says so.
      assert.equal(again.tagsCompared, false);
      assert.deepEqual(
        calls.map((c) => [c.operation, c.outcome]),
        [
          ['CreateBillingGroup', 'ResourceAlreadyExists'],
          ['DescribeBillingGroup', 'ok'],
          ['ListTagsForResource', 'InternalFailure'],
        ],
      );
      assert.equal(calls[0].attempts, 1);
      assert.equal((await svc.listAllBillingGroups()).length, 1);
    });

    it('a group made elsewhere with the same configuration is "unchanged" too', async () => {
      await createDirectly('elsewhere', 'by the CLI');
      const r = await svc.createBillingGroup({ name: 'elsewhere', description: 'by the CLI', tags: [] });
      assert.equal(r.outcome, 'unchanged');
    });

    it('a repeated create with another description is a ConfigurationConflict saying what differs', async () => {
      await createDirectly('taken', 'the old one');
      let caught: unknown;
      try {
        await svc.createBillingGroup({ name: 'taken', description: 'a new one', tags: [] });
      } catch (e) {
        caught = e;
      }
      assert.ok(caught instanceof ConfigurationConflict, String(caught));
      assert.ok(isAwsProblem(caught));
      assert.equal(caught.code, 'ConfigurationConflict');
      assert.equal(caught.groupName, 'taken');
      assert.deepEqual(caught.differences, [{ kind: 'description', existing: 'the old one', requested: 'a new one' }]);
      assert.deepEqual(caught.action, { kind: 'showExisting', name: 'taken' });
      assert.match(caught.message, /"taken".*description is "the old one", not "a new one"/);
      assert.equal((await svc.describeBillingGroup('taken')).description, 'the old one', 'the existing group is untouched');
    });

    it('an existing group with a description, created again without one, is a conflict too', async () => {
      await createDirectly('described', 'something');
      await rejectsWithProblem(() => svc.createBillingGroup({ name: 'described', description: '', tags: [] }), 'ConfigurationConflict', 'showExisting');
    });

    it('updates the description and returns the version', async () => {
      await svc.createBillingGroup({ name: 'upd', description: 'before', tags: [] });
      const version = await svc.updateDescription('upd', 'after');
      assert.equal(typeof version, 'number');
      assert.equal((await svc.describeBillingGroup('upd')).description, 'after');
      await svc.updateDescription('upd', '');
      assert.equal((await svc.describeBillingGroup('upd')).description, '');
    });

    it('updating a missing group is ResourceNotFound', async () => {
      await rejectsWithProblem(() => svc.updateDescription('ghost', 'x'), 'ResourceNotFound', 'refresh');
    });

    it('deletes a group', async () => {
      await svc.createBillingGroup({ name: 'doomed', description: '', tags: [] });
      await svc.createBillingGroup({ name: 'kept', description: '', tags: [] });
      await svc.deleteBillingGroup('doomed');
      assert.deepEqual((await svc.listAllBillingGroups()).map((g) => g.name), ['kept']);
      await rejectsWithProblem(() => svc.describeBillingGroup('doomed'), 'ResourceNotFound');
    });

    it('describing or deleting a missing group is ResourceNotFound naming it, with "Refresh"', async () => {
      const p = await rejectsWithProblem(() => svc.describeBillingGroup('missing-group'), 'ResourceNotFound', 'refresh');
      assert.match(p.message, /"missing-group"/);
      assert.ok(p.requestId, 'the request id is kept');
      const entry = calls.at(-1);
      assert.equal(entry?.operation, 'DescribeBillingGroup');
      assert.equal(entry?.outcome, 'ResourceNotFound');
      assert.equal(entry?.requestId, p.requestId);
      await rejectsWithProblem(() => svc.deleteBillingGroup('missing-group'), 'ResourceNotFound', 'refresh');
    });
  });

  describe('input refused before anything is sent', () => {
    const cases: Array<[string, (s: BillingGroupService) => Promise<unknown>]> = [
      ['create with a space in the name', (s) => s.createBillingGroup({ name: 'bad name', description: '', tags: [] })],
      ['create with a 129-character name', (s) => s.createBillingGroup({ name: 'n'.repeat(129), description: '', tags: [] })],
      ['create with an empty name', (s) => s.createBillingGroup({ name: '', description: '', tags: [] })],
      ['create with a newline in the description', (s) => s.createBillingGroup({ name: 'ok', description: 'two\nlines', tags: [] })],
      ['create with a 2029-character description', (s) => s.createBillingGroup({ name: 'ok', description: 'd'.repeat(2029), tags: [] })],
      ['create with a reserved tag key', (s) => s.createBillingGroup({ name: 'ok', description: '', tags: [{ key: 'aws:owner', value: 'x' }] })],
      ['create with 51 tags', (s) => s.createBillingGroup({ name: 'ok', description: '', tags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: '' })) })],
      ['describe of a name with "/"', (s) => s.describeBillingGroup('a/b')],
      ['delete of a name with "?"', (s) => s.deleteBillingGroup('a?b')],
      ['update with a tab in the description', (s) => s.updateDescription('ok', 'a\tb')],
      ['list with a bad prefix', (s) => s.listBillingGroups({ namePrefix: 'a b' })],
      ['add of a bad thing name', (s) => s.addThingToBillingGroup('ok', 'thing #1')],
      ['remove from a bad group name', (s) => s.removeThingFromBillingGroup('bad group', 'thing')],
      ['things of a bad group name', (s) => s.listThingsInBillingGroup('')],
      ['describe of a bad thing name', (s) => s.describeThing('t h')],
      ['setTags with an empty key', (s) => s.setTags('arn:aws:iot:us-east-1:123456789012:billinggroup/ok', [{ key: '', value: 'v' }])],
    ];
    for (const [what, run] of cases) {
      it(`${what}: InvalidInput, no call`, async () => {
        const p = await rejectsWithProblem(() => run(svc), 'InvalidInput');
        assert.ok(p.message.length > 10, 'says what is wrong');
        assert.equal(calls.length, 0, 'nothing sent (no call logged)');
      });
    }
    it('and nothing was created in moto', async () => {
      await rejectsWithProblem(() => svc.createBillingGroup({ name: 'bad name', description: '', tags: [] }), 'InvalidInput');
      const out = await plain.send(new ListBillingGroupsCommand({}));
      assert.deepEqual(out.billingGroups, []);
    });
  });

  describe('things', () => {
    const makeThings = (names: string[]) => inParallel(names, 8, (n) => plain.send(new CreateThingCommand({ thingName: n })));

    it('adds things to a group, lists them, describes them, removes them', async () => {
      await svc.createBillingGroup({ name: 'g', description: '', tags: [] });
      await makeThings(['sensor-1', 'sensor-2', 'sensor-3']);
      await svc.addThingToBillingGroup('g', 'sensor-1');
      await svc.addThingToBillingGroup('g', 'sensor-2');
      const page = await svc.listThingsInBillingGroup('g');
      assert.deepEqual([...page.items].sort(), ['sensor-1', 'sensor-2']);
      assert.equal(page.nextToken, undefined);

      const t1 = await svc.describeThing('sensor-1');
      assert.equal(t1.name, 'sensor-1');
      assert.match(t1.arn ?? '', /^arn:aws:iot:us-east-1:\d{12}:thing\/sensor-1$/);
      assert.equal(t1.billingGroupName, 'g');
      assert.equal((await svc.describeThing('sensor-3')).billingGroupName, undefined);

      await svc.removeThingFromBillingGroup('g', 'sensor-1');
      assert.deepEqual((await svc.listThingsInBillingGroup('g')).items, ['sensor-2']);
      assert.equal((await svc.describeThing('sensor-1')).billingGroupName, undefined);
      assert.deepEqual(
        calls.filter((c) => c.outcome !== 'ok'),
        [],
      );
    });

    it('pages the things of a group and of the account', async () => {
      await svc.createBillingGroup({ name: 'big', description: '', tags: [] });
      const names = Array.from({ length: 7 }, (_, i) => `dev-${i}`);
      await makeThings(names);
      await inParallel(names, 4, (n) => svc.addThingToBillingGroup('big', n));

      calls.length = 0;
      const inGroup: string[] = [];
      let token: string | undefined;
      do {
        const page = await svc.listThingsInBillingGroup('big', token, undefined, 3);
        assert.ok(page.items.length <= 3);
        inGroup.push(...page.items);
        token = page.nextToken;
      } while (token);
      assert.deepEqual(inGroup.sort(), names);
      assert.equal(callsOf('ListThingsInBillingGroup').length, 3);

      const all: string[] = [];
      token = undefined;
      do {
        const page = await svc.listThings(token, undefined, 3);
        all.push(...page.items.map((t) => t.name));
        for (const t of page.items) assert.match(t.arn ?? '', /:thing\//);
        token = page.nextToken;
      } while (token);
      assert.deepEqual(all.sort(), names);
      assert.equal(callsOf('ListThings').length, 3);
    });

    it('a missing thing is ResourceNotFound that names the thing, not the group', async () => {
      await svc.createBillingGroup({ name: 'g', description: '', tags: [] });
      const p = await rejectsWithProblem(() => svc.describeThing('no-such-thing'), 'ResourceNotFound', 'refresh');
      assert.match(p.message, /thing "no-such-thing"/i);
      assert.doesNotMatch(p.message, /billing group/i);
      const add = await rejectsWithProblem(() => svc.addThingToBillingGroup('g', 'no-such-thing'), 'ResourceNotFound');
      assert.match(add.message, /"no-such-thing"/);
    });

    it('the things of a missing group: ResourceNotFound naming the group', async () => {
      const p = await rejectsWithProblem(() => svc.listThingsInBillingGroup('gone'), 'ResourceNotFound', 'refresh');
      assert.match(p.message, /"gone"/);
    });
  });
});
