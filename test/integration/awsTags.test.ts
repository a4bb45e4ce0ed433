// Tags, through the test suite's tag layer in front of moto (moto drops the tags of a create and has
// no tag operations for billing groups). What the SDK sends is read from the tag layer's record of
// each HTTP request: no SDK mock anywhere.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAwsLayer, isAwsProblem, ConfigurationConflict, type AwsLayer, type BillingGroupService, type CallLog } from '../../src/aws/index';
import type { Tag } from '../../src/core/types';
import { makeAwsHome, type AwsHome } from '../support/awsFiles';
import { startMoto, type MotoServer } from '../support/moto';
import { startTagLayer, type TagLayer } from '../support/tagLayer';

const byKey = (tags: readonly Tag[]) => [...tags].sort((a, b) => a.key.localeCompare(b.key));

describe('tags through the tag layer', () => {
  let moto: MotoServer;
  let tagLayer: TagLayer;
  let aws: AwsHome;
  let layer: AwsLayer;
  let svc: BillingGroupService;
  const calls: CallLog[] = [];
  const recorded = (operation: string) => tagLayer.requests.filter((r) => r.operation === operation);

  before(async () => {
    moto = await startMoto();
    // Three tags a page, so that listing seven exercises the service's paging.
    tagLayer = await startTagLayer(moto.endpoint, { pageSize: 3 });
    aws = makeAwsHome();
    layer = createAwsLayer({ env: aws.env(), log: (e) => calls.push(e), client: { maxAttempts: 2, connectionTimeoutMs: 1000, requestTimeoutMs: 5000 } });
    svc = layer.service(await layer.resolveConnection({ profile: 'default', region: '', endpoint: tagLayer.endpoint }));
  });
  beforeEach(async () => {
    await moto.reset();
    tagLayer.clear();
    calls.length = 0;
  });
  after(async () => {
    layer?.dispose();
    await tagLayer?.stop();
    await moto?.stop();
    aws?.remove();
  });

  it('create sends the tags and the description in the CreateBillingGroup request', async () => {
    const tags = [
      { key: 'team', value: 'fleet ops' },
      { key: 'cost:center', value: '42' },
      { key: 'empty', value: '' },
    ];
    const created = await svc.createBillingGroup({ name: 'tagged', description: 'with tags', tags });
    assert.equal(created.outcome, 'created');
    const sent = recorded('CreateBillingGroup');
    assert.equal(sent.length, 1);
    assert.equal(sent[0].method, 'POST');
    assert.equal(sent[0].path, '/billing-groups/tagged');
    assert.deepEqual(sent[0].body, {
      billingGroupProperties: { billingGroupDescription: 'with tags' },
      tags: [
        { Key: 'team', Value: 'fleet ops' },
        { Key: 'cost:center', Value: '42' },
        { Key: 'empty', Value: '' },
      ],
    });
    assert.equal(sent[0].answeredBy, 'upstream', 'moto made the group');
    assert.deepEqual(byKey(await svc.listTags(created.arn)), byKey(tags));
  });

  it('create without tags or description sends neither', async () => {
    await svc.createBillingGroup({ name: 'bare', description: '', tags: [] });
    const [sent] = recorded('CreateBillingGroup');
    const body = (sent.body ?? {}) as Record<string, unknown>;
    assert.equal('tags' in body, false);
    assert.equal('billingGroupProperties' in body, false);
  });

  it('listTags follows the pages', async () => {
    const tags = Array.from({ length: 7 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
    const { arn } = await svc.createBillingGroup({ name: 'many', description: '', tags });
    tagLayer.requests.length = 0;
    assert.deepEqual(byKey(await svc.listTags(arn)), byKey(tags));
    assert.equal(recorded('ListTagsForResource').length, 3);
  });

  it('setTags sends one TagResource for new and changed tags and one UntagResource for removed ones', async () => {
    const { arn } = await svc.createBillingGroup({
      name: 'edit',
      description: '',
      tags: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
        { key: 'keep', value: 'same' },
      ],
    });
    tagLayer.requests.length = 0;
    const result = await svc.setTags(arn, [
      { key: 'keep', value: 'same' },
      { key: 'b', value: '3' },
      { key: 'c', value: '4' },
    ]);
    assert.deepEqual(result, { set: 2, removed: 1 });
    const tagged = recorded('TagResource');
    assert.equal(tagged.length, 1);
    assert.deepEqual(tagged[0].body, {
      resourceArn: arn,
      tags: [
        { Key: 'b', Value: '3' },
        { Key: 'c', Value: '4' },
      ],
    });
    const untagged = recorded('UntagResource');
    assert.equal(untagged.length, 1);
    assert.deepEqual(untagged[0].body, { resourceArn: arn, tagKeys: ['a'] });
    assert.deepEqual(byKey(await svc.listTags(arn)), [
      { key: 'b', value: '3' },
      { key: 'c', value: '4' },
      { key: 'keep', value: 'same' },
    ]);
  });

  it('setTags with the tags it already has sends nothing but the listing', async () => {
    const tags = [{ key: 'x', value: 'y' }];
    const { arn } = await svc.createBillingGroup({ name: 'same', description: '', tags });
    tagLayer.requests.length = 0;
    assert.deepEqual(await svc.setTags(arn, tags), { set: 0, removed: 0 });
    assert.deepEqual(
      tagLayer.requests.map((r) => r.operation),
      ['ListTagsForResource'],
    );
  });

  it('setTags to nothing removes every tag', async () => {
    const { arn } = await svc.createBillingGroup({ name: 'clear', description: '', tags: [{ key: 'x', value: 'y' }, { key: 'z', value: '' }] });
    assert.deepEqual(await svc.setTags(arn, []), { set: 0, removed: 2 });
    assert.deepEqual(await svc.listTags(arn), []);
  });

  it('setTags with invalid tags is InvalidInput and sends nothing', async () => {
    const { arn } = await svc.createBillingGroup({ name: 'inv', description: '', tags: [] });
    tagLayer.requests.length = 0;
    calls.length = 0;
    for (const bad of [[{ key: 'aws:x', value: '1' }], [{ key: 'k', value: 'v'.repeat(257) }], [{ key: 'dup', value: '1' }, { key: 'dup', value: '2' }]]) {
      await assert.rejects(svc.setTags(arn, bad), (e: unknown) => isAwsProblem(e) && e.code === 'InvalidInput');
    }
    assert.equal(tagLayer.requests.length, 0);
    assert.equal(calls.length, 0);
  });

  it('tags of a missing group: ResourceNotFound', async () => {
    await assert.rejects(svc.listTags('arn:aws:iot:us-east-1:123456789012:billinggroup/nope'), (e: unknown) => isAwsProblem(e) && e.code === 'ResourceNotFound');
  });

  it('a repeated create with the same description and tags is "unchanged", with the tags compared', async () => {
    const input = { name: 'idem', description: 'd', tags: [{ key: 'env', value: 'prod' }] };
    const first = await svc.createBillingGroup(input);
    const again = await svc.createBillingGroup({ ...input, tags: [...input.tags] });
    assert.equal(again.outcome, 'unchanged');
    assert.equal(again.tagsCompared, true);
    assert.equal(again.arn, first.arn);
    assert.equal(recorded('CreateBillingGroup').length, 2, 'the second create was sent; moto answered 409');
    assert.equal(recorded('CreateBillingGroup')[1].status, 409);
  });

  it('a repeated create with other tags is a ConfigurationConflict listing each tag difference', async () => {
    await svc.createBillingGroup({ name: 'conf', description: 'd', tags: [{ key: 'env', value: 'prod' }, { key: 'owner', value: 'ann' }] });
    let caught: unknown;
    try {
      await svc.createBillingGroup({ name: 'conf', description: 'd', tags: [{ key: 'env', value: 'dev' }, { key: 'new', value: '1' }] });
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof ConfigurationConflict, String(caught));
    assert.deepEqual(
      [...caught.differences].sort((a, b) => a.kind.localeCompare(b.kind)),
      [
        { kind: 'tagAdded', key: 'new', requested: '1' },
        { kind: 'tagChanged', key: 'env', existing: 'prod', requested: 'dev' },
        { kind: 'tagRemoved', key: 'owner', existing: 'ann' },
      ],
    );
    assert.match(caught.message, /tag "env" is "prod", not "dev"/);
    // Nothing was changed on the existing group.
    const { arn } = await svc.describeBillingGroup('conf');
    assert.deepEqual(byKey(await svc.listTags(arn)), [
      { key: 'env', value: 'prod' },
      { key: 'owner', value: 'ann' },
    ]);
    assert.equal(recorded('TagResource').length + recorded('UntagResource').length, 0);
  });
});
