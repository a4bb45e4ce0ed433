// Finding out a connection's account before a manifest is matched (issue 17): one ListBillingGroups
// page of one group (its ARN says the account), else AWS STS GetCallerIdentity — through the
// connection's own credentials (a role's account for a connection through a role). Real SDK over
// HTTP against moto_server, a recording fault proxy in front (which tells the regions apart by
// their SigV4 credential scope, and fails the calls a test asks it to).
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectionAccount, createAwsLayer, type AwsLayer, type ConnectionSettings } from '../../src/aws/index';
import { organizationRoleArn } from '../../src/core/connections';
import { makeAwsHome, type AwsHome } from '../support/awsFiles';
import { startFaultProxy, type FaultProxy, type ProxiedRequest } from '../support/faultProxy';
import { startMoto, type MotoServer } from '../support/moto';

const settings = (s: Partial<ConnectionSettings> = {}): ConnectionSettings => ({ profile: 'default', region: '', endpoint: '', ...s });
const OWN = '123456789012'; // moto's default account: the keys "testing" belong to it
const OTHER = '210987654321';

const isSts = (r: ProxiedRequest) => typeof r.body === 'string' && new URLSearchParams(r.body).get('Action') === 'GetCallerIdentity';
/** "ListBillingGroups eu-west-1 maxResults=1", "GetCallerIdentity eu-west-1": what reached moto, in order. */
const calls = (proxy: FaultProxy) =>
  proxy.forwarded().map((r) => (isSts(r) ? `GetCallerIdentity ${r.region}` : `${r.operation} ${r.region}${r.query.has('maxResults') ? ` maxResults=${r.query.get('maxResults')}` : ''}`));

describe('finding out a connection\'s account for a manifest (moto, fault proxy)', () => {
  let moto: MotoServer;
  let proxy: FaultProxy;
  let aws: AwsHome;
  let layer: AwsLayer;
  const service = async (s: Partial<ConnectionSettings>) => layer.service(await layer.resolveConnection(settings({ endpoint: proxy.endpoint, ...s })));

  before(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy(moto.endpoint);
    aws = makeAwsHome();
    layer = createAwsLayer({ env: aws.env(), client: { maxAttempts: 1 } });
  });
  after(async () => {
    layer?.dispose();
    await proxy?.stop();
    await moto?.stop();
    aws?.remove();
  });
  beforeEach(async () => {
    await moto.reset();
    proxy.reset();
  });

  it('a region with groups: one ListBillingGroups page of one group, whose ARN says the account; no STS call', async () => {
    const us = await service({ region: 'us-east-1' });
    await us.createBillingGroup({ name: 'fleet-us', description: '', tags: [] });
    proxy.reset();
    assert.equal(await connectionAccount(us), OWN);
    assert.deepEqual(calls(proxy), ['ListBillingGroups us-east-1 maxResults=1']);
  });

  it('a region without groups: the empty page, then STS in that region', async () => {
    assert.equal(await connectionAccount(await service({ region: 'eu-west-1' })), OWN);
    assert.deepEqual(calls(proxy), ['ListBillingGroups eu-west-1 maxResults=1', 'GetCallerIdentity eu-west-1']);
  });

  it('a connection through a role: the role\'s account, from its group\'s ARN or from STS with its credentials', async () => {
    const roleArn = organizationRoleArn(OTHER, 'OrganizationAccountAccessRole', 'eu-west-1');
    const viaRole = await service({ region: 'eu-west-1', roleArn });
    assert.equal(await connectionAccount(viaRole), OTHER, 'no group: STS says the role\'s account');
    await viaRole.createBillingGroup({ name: 'in-other', description: '', tags: [] });
    proxy.reset();
    assert.equal(await connectionAccount(viaRole), OTHER);
    assert.deepEqual(calls(proxy), ['ListBillingGroups eu-west-1 maxResults=1']);
    assert.equal(await connectionAccount(await service({ region: 'eu-west-1' })), OWN, 'the profile\'s own account is another');
  });

  it('AWS IoT failing: STS still says it; both failing: not known (undefined), nothing thrown', async () => {
    const svc = await service({ region: 'ap-south-1' });
    const iot = proxy.addRule({ match: { when: (r) => !isSts(r) }, fault: 'internal500', times: Infinity });
    assert.equal(await connectionAccount(svc), OWN);
    proxy.addRule({ match: isSts, fault: 'internal500', times: Infinity });
    assert.equal(await connectionAccount(svc), undefined);
    iot.remove();
  });

  it('cancelled: the cancellation is thrown, not taken for an unknown account', async () => {
    const svc = await service({ region: 'eu-central-1' });
    proxy.addRule({ fault: 'hang', times: Infinity });
    const abort = new AbortController();
    const pending = connectionAccount(svc, abort.signal);
    setTimeout(() => abort.abort(), 100);
    await assert.rejects(pending);
  });
});
