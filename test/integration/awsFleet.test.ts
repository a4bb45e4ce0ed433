// Integration tests of src/aws/ for issue 17 (several connections side by side): two regions of one
// profile, a second account reached through a role (moto's STS AssumeRole answers with credentials
// of the role's account, and moto keeps each account's resources apart), one MFA prompt and one
// AssumeRole per profile whatever the number of regions, and AWS Organizations (ListAccounts from
// the management account, the payer of a member account, a standalone account). Real SDK over
// HTTP, moto_server on loopback, a recording fault proxy in front where the requests are counted.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { createAwsLayer, type AwsLayer, type ConnectionSettings } from '../../src/aws/index';
import type { ClientOptions } from '../../src/aws/client';
import { organizationRoleArn } from '../../src/core/connections';
import { makeAwsHome, withProcessEnv, type AwsHome } from '../support/awsFiles';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { startMoto, type MotoServer } from '../support/moto';
import { rejectsWithProblem } from '../support/assertProblem';

const settings = (s: Partial<ConnectionSettings> = {}): ConnectionSettings => ({ profile: '', region: '', endpoint: '', ...s });
const MANAGEMENT = '123456789012'; // moto's default account: the keys "testing" belong to it

describe('several connections: regions, accounts, one prompt per profile, Organizations', () => {
  let moto: MotoServer;
  let proxy: FaultProxy;
  let aws: AwsHome;
  const layers: AwsLayer[] = [];
  const layer = (client: ClientOptions = {}) => {
    const l = createAwsLayer({ env: aws.env(), client: { maxAttempts: 1, ...client } });
    layers.push(l);
    return l;
  };
  const assumeRoles = () =>
    proxy.forwarded().filter((r) => r.method === 'POST' && typeof r.body === 'string' && new URLSearchParams(r.body).get('Action') === 'AssumeRole');

  before(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy(moto.endpoint);
    aws = makeAwsHome({ endpointUrl: moto.endpoint });
  });
  after(async () => {
    for (const l of layers) l.dispose();
    await proxy?.stop();
    await moto?.stop();
    aws?.remove();
  });

  it('two regions of one profile: each connection lists only the groups of its region', async () => {
    await moto.reset();
    const l = layer();
    const eu = await l.resolveConnection(settings({ profile: 'default', region: 'eu-west-1', endpoint: moto.endpoint }));
    const us = await l.resolveConnection(settings({ profile: 'default', region: 'us-east-1', endpoint: moto.endpoint }));
    assert.notEqual(eu.key, us.key);
    await l.service(eu).createBillingGroup({ name: 'fleet-eu', description: '', tags: [] });
    await l.service(us).createBillingGroup({ name: 'fleet-us', description: '', tags: [] });
    assert.deepEqual((await l.service(eu).listAllBillingGroups()).map((g) => g.name), ['fleet-eu']);
    assert.deepEqual((await l.service(us).listAllBillingGroups()).map((g) => g.name), ['fleet-us']);
    assert.match((await l.service(us).listAllBillingGroups())[0].arn, /^arn:aws:iot:us-east-1:123456789012:billinggroup\/fleet-us$/);
  });

  it('a connection through a role reaches the role\'s account: its groups, ARNs and caller identity are that account\'s', async () => {
    await moto.reset();
    proxy.reset();
    const l = layer();
    const roleArn = organizationRoleArn('210987654321', 'OrganizationAccountAccessRole', 'eu-west-1');
    const own = await l.resolveConnection(settings({ profile: 'default', region: 'eu-west-1', endpoint: proxy.endpoint }));
    const other = await l.resolveConnection(settings({ profile: 'default', region: 'eu-west-1', endpoint: proxy.endpoint, roleArn }));
    assert.notEqual(own.key, other.key, 'the role is part of the connection');
    const created = await l.service(other).createBillingGroup({ name: 'in-dev', description: '', tags: [] });
    assert.match(created.arn, /:210987654321:billinggroup\/in-dev$/);
    assert.deepEqual((await l.service(own).listAllBillingGroups()).map((g) => g.name), [], 'the profile\'s own account does not hold it');
    assert.deepEqual((await l.service(other).listAllBillingGroups()).map((g) => g.name), ['in-dev']);
    assert.equal(await l.service(other).callerAccount(), '210987654321');
    const [assume, ...more] = assumeRoles();
    assert.equal(new URLSearchParams(assume.body as string).get('RoleArn'), roleArn);
    assert.equal(assume.signedWith, 'testing', 'AssumeRole is signed with the profile\'s own keys');
    assert.equal(more.length, 0, 'the role\'s credentials are reused for every call');
  });

  it('an MFA profile in three regions asks for the code once and sends one AssumeRole, even when the regions load at once', async () => {
    await moto.reset();
    proxy.reset();
    const asked: string[] = [];
    const l = layer({
      mfaCodeProvider: async (serial) => {
        asked.push(serial);
        await new Promise((r) => setTimeout(r, 50)); // a person typing: the other regions ask meanwhile
        return '123456';
      },
    });
    await withProcessEnv({ AWS_ENDPOINT_URL_STS: proxy.endpoint }, async () => {
      const conns = await Promise.all(['eu-west-1', 'us-east-1', 'ap-south-1'].map((region) => l.resolveConnection(settings({ profile: 'mfa', region, endpoint: proxy.endpoint }))));
      await Promise.all(conns.map((c) => l.service(c).listBillingGroups()));
      // A later call of another region reuses them too.
      await l.service(await l.resolveConnection(settings({ profile: 'mfa', region: 'eu-central-1', endpoint: proxy.endpoint }))).listBillingGroups();
    });
    assert.deepEqual(asked, ['arn:aws:iam::123456789012:mfa/tester'], 'one MFA prompt');
    assert.equal(assumeRoles().length, 1, 'one AssumeRole');
  });

  it('after the AWS files change (invalidate), the credentials are resolved again', async () => {
    proxy.reset();
    const asked: string[] = [];
    const l = layer({ mfaCodeProvider: async (s) => (asked.push(s), '654321') });
    await withProcessEnv({ AWS_ENDPOINT_URL_STS: proxy.endpoint }, async () => {
      const conn = await l.resolveConnection(settings({ profile: 'mfa', region: 'eu-west-1', endpoint: proxy.endpoint }));
      await l.service(conn).listBillingGroups();
      l.invalidate();
      await l.service(conn).listBillingGroups();
    });
    assert.equal(asked.length, 2);
  });

  describe('AWS Organizations', () => {
    let dev: string;
    let prod: string;
    before(async () => {
      await moto.reset();
      const org = new OrganizationsClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
      await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
      dev = (await org.send(new CreateAccountCommand({ AccountName: 'dev', Email: 'dev@example.com' }))).CreateAccountStatus!.AccountId!;
      prod = (await org.send(new CreateAccountCommand({ AccountName: 'prod', Email: 'prod@example.com' }))).CreateAccountStatus!.AccountId!;
      org.destroy();
    });

    it('lists every account of the organisation from the management account, sorted by name', async () => {
      const l = layer();
      const conn = await l.resolveConnection(settings({ profile: 'default', region: 'eu-west-1', endpoint: moto.endpoint }));
      const accounts = await l.organizations(conn).listAccounts();
      assert.deepEqual(
        accounts.map((a) => [a.name, a.id, a.state]),
        [
          ['dev', dev, 'ACTIVE'],
          ['master', MANAGEMENT, 'ACTIVE'],
          ['prod', prod, 'ACTIVE'],
        ],
      );
    });

    it('follows every page of ListAccounts (at most 20 an answer)', async () => {
      const org = new OrganizationsClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
      for (let i = 0; i < 21; i++) await org.send(new CreateAccountCommand({ AccountName: `more-${String(i).padStart(2, '0')}`, Email: `m${i}@example.com` }));
      org.destroy();
      proxy.reset();
      const l = layer();
      const conn = await l.resolveConnection(settings({ profile: 'default', region: 'eu-west-1', endpoint: proxy.endpoint }));
      const accounts = await l.organizations(conn).listAccounts();
      assert.equal(accounts.length, 24);
      assert.equal(proxy.countForwarded({ operation: 'ListAccounts' }), 2);
    });

    it('a member account\'s payer is the management account (DescribeOrganization through the role)', async () => {
      const l = layer();
      const member = await l.resolveConnection(settings({ profile: 'default', region: 'eu-west-1', endpoint: moto.endpoint, roleArn: organizationRoleArn(dev, 'OrganizationAccountAccessRole', 'eu-west-1') }));
      assert.deepEqual(await l.organizations(member).payer(), { kind: 'organization', managementAccount: MANAGEMENT });
    });

    it('an account in no organisation is its own payer (standalone)', async () => {
      await moto.reset();
      const l = layer();
      const conn = await l.resolveConnection(settings({ profile: 'default', region: 'eu-west-1', endpoint: moto.endpoint }));
      assert.deepEqual(await l.organizations(conn).payer(), { kind: 'standalone' });
    });

    it('ListAccounts in no organisation (AWS answers AWSOrganizationsNotInUseException; moto lists anyway, so the proxy answers as AWS)', async () => {
      proxy.reset();
      proxy.addRule({ match: { operation: 'ListAccounts' }, fault: 'awsError', error: { status: 400, type: 'AWSOrganizationsNotInUseException', message: 'Your account is not a member of an organization.' } });
      const l = layer();
      const conn = await l.resolveConnection(settings({ profile: 'default', region: 'eu-west-1', endpoint: proxy.endpoint }));
      const p = await rejectsWithProblem(() => l.organizations(conn).listAccounts(), 'NotInOrganization');
      assert.match(p.message, /not in an organization/);
    });

    it('ListAccounts refused (a member account): a sentence saying to use the management account\'s profile', async () => {
      proxy.reset();
      proxy.addRule({ match: { operation: 'ListAccounts' }, fault: 'awsError', error: { status: 400, type: 'AccessDeniedException', message: 'You don\'t have permissions to access this resource.' } });
      const l = layer();
      const conn = await l.resolveConnection(settings({ profile: 'default', region: 'eu-west-1', endpoint: proxy.endpoint }));
      const p = await rejectsWithProblem(() => l.organizations(conn).listAccounts(), 'NotManagementAccount', 'selectProfile');
      assert.match(p.message, /only from its management account or a delegated administrator.*Use the management account's profile/);
    });
  });
});
