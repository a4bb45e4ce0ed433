// Integration tests of src/aws/: which profile, region, endpoint and credentials are used, and the
// problems a person can fix (unknown profile, no region, bad endpoint, malformed config, failing
// credential_process, expired SSO, unreachable endpoint). Real SDK over HTTP, moto_server on loopback.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { createAwsLayer, type AwsLayer, type CallLog, type ConnectionSettings } from '../../src/aws/index';
import { ACCESS_KEYS, makeAwsHome, SECRETS, ssoCacheFile, withProcessEnv, withProcessHome, type AwsHome } from '../support/awsFiles';
import { startFaultProxy, type FaultProxy, type ProxiedRequest } from '../support/faultProxy';
import { startSsoStandIn, type SsoStandIn } from '../support/ssoStandIn';
import { freePort, startMoto, type MotoServer } from '../support/moto';
import { rejectsWithProblem } from '../support/assertProblem';

const settings = (s: Partial<ConnectionSettings> = {}): ConnectionSettings => ({ profile: '', region: '', endpoint: '', ...s });

/** Asserts that `fn` rejects with an AwsProblem of this code (and action kind), and returns it. */

/** A loopback HTTP server that answers every request like an empty ListBillingGroups, and keeps its headers. */
interface Recorder {
  endpoint: string;
  requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }>;
  stop(): Promise<void>;
}
async function startRecorder(): Promise<Recorder> {
  const requests: Recorder['requests'] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      const body = JSON.stringify({ billingGroups: [] });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-amzn-RequestId': 'rec-1' });
      res.end(body);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The access key id a SigV4 Authorization header was signed with. */
function signingKey(headers: http.IncomingHttpHeaders): string | undefined {
  return /Credential=([^/]+)\//.exec(headers.authorization ?? '')?.[1];
}

describe('AWS connection, profiles and credentials', () => {
  let moto: MotoServer;
  let recorder: Recorder;
  let aws: AwsHome;
  /** Every CallLog entry of every layer of this file, and every problem message: searched for secrets at the end. */
  const logged: CallLog[] = [];
  const messages: string[] = [];
  const layers: AwsLayer[] = [];
  const layer = (extraEnv: NodeJS.ProcessEnv = {}, home: AwsHome = aws) => {
    const l = createAwsLayer({
      env: home.env(extraEnv),
      log: (e) => logged.push(e),
      client: { maxAttempts: 2, connectionTimeoutMs: 1000, requestTimeoutMs: 5000 },
    });
    layers.push(l);
    return l;
  };
  /** A layer whose MFA prompt answers with `answer` and records the mfa_serial it was asked for. */
  const mfaLayer = (answer: (serial: string) => Promise<string>) => {
    const asked: string[] = [];
    const l = createAwsLayer({
      env: aws.env(),
      log: (e) => logged.push(e),
      client: {
        maxAttempts: 1,
        mfaCodeProvider: (serial) => {
          asked.push(serial);
          return answer(serial);
        },
      },
    });
    layers.push(l);
    return { l, asked };
  };
  /** Runs a call and keeps the message of whatever it throws, for the secret check. */
  const keep = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (e) {
      messages.push(String((e as Error)?.message ?? e));
      throw e;
    }
  };

  before(async () => {
    moto = await startMoto();
    recorder = await startRecorder();
    aws = makeAwsHome({ endpointUrl: moto.endpoint });
  });
  after(async () => {
    for (const l of layers) l.dispose();
    await recorder?.stop();
    await moto?.stop();
    aws?.remove();
  });

  describe('resolveConnection: profile', () => {
    it('uses the profile setting over AWS_PROFILE', async () => {
      const conn = await layer({ AWS_PROFILE: 'noregion' }).resolveConnection(settings({ profile: 'eu' }));
      assert.equal(conn.profile, 'eu');
      assert.equal(conn.implicitProfile, false);
      assert.equal(conn.region, 'eu-west-1');
    });
    it('uses AWS_PROFILE when the setting is empty', async () => {
      const conn = await layer({ AWS_PROFILE: 'eu' }).resolveConnection(settings({ profile: '  ' }));
      assert.equal(conn.profile, 'eu');
      assert.equal(conn.implicitProfile, false);
    });
    it('uses "default" when neither is set', async () => {
      const conn = await layer().resolveConnection(settings());
      assert.equal(conn.profile, 'default');
      assert.equal(conn.implicitProfile, true);
      assert.equal(conn.region, 'us-east-1');
      assert.equal(conn.endpoint, undefined);
    });
    it('gives connections that differ in profile, region or endpoint different cache keys', async () => {
      const l = layer();
      const keys = new Set(
        await Promise.all([
          l.resolveConnection(settings()),
          l.resolveConnection(settings({ profile: 'default' })),
          l.resolveConnection(settings({ region: 'eu-west-1' })),
          l.resolveConnection(settings({ endpoint: moto.endpoint })),
        ]).then((cs) => cs.map((c) => c.key)),
      );
      assert.equal(keys.size, 4);
    });
    it('an unknown profile setting is ProfileNotFound with "Select AWS Profile"', async () => {
      const p = await rejectsWithProblem(() => keep(layer().resolveConnection(settings({ profile: 'nosuch' }))), 'ProfileNotFound', 'selectProfile');
      assert.match(p.message, /"nosuch"/);
      assert.ok(p.message.includes(aws.configPath), 'names the config file');
    });
    it('an unknown AWS_PROFILE is ProfileNotFound too', async () => {
      await rejectsWithProblem(() => keep(layer({ AWS_PROFILE: 'ghost' }).resolveConnection(settings())), 'ProfileNotFound', 'selectProfile');
    });
    it('no default profile and no environment keys is NoCredentials with "Select AWS Profile"', async () => {
      const empty = makeAwsHome();
      try {
        fs.rmSync(empty.configPath);
        fs.rmSync(empty.credentialsPath);
        await rejectsWithProblem(() => keep(layer({}, empty).resolveConnection(settings())), 'NoCredentials', 'selectProfile');
      } finally {
        empty.remove();
      }
    });
  });

  describe('resolveConnection: region', () => {
    it('the region setting wins over the profile region and AWS_REGION', async () => {
      const conn = await layer({ AWS_REGION: 'us-west-2' }).resolveConnection(settings({ profile: 'eu', region: 'ap-southeast-2' }));
      assert.equal(conn.region, 'ap-southeast-2');
    });
    it('the profile region wins over AWS_REGION', async () => {
      const conn = await layer({ AWS_REGION: 'us-west-2' }).resolveConnection(settings({ profile: 'eu' }));
      assert.equal(conn.region, 'eu-west-1');
    });
    it('AWS_REGION is used when the profile has no region', async () => {
      const conn = await layer({ AWS_REGION: 'us-west-2' }).resolveConnection(settings({ profile: 'noregion' }));
      assert.equal(conn.region, 'us-west-2');
    });
    it('no region anywhere is NoRegion with "Select AWS Region"', async () => {
      const p = await rejectsWithProblem(() => keep(layer().resolveConnection(settings({ profile: 'noregion' }))), 'NoRegion', 'selectRegion');
      assert.match(p.message, /"noregion"/);
    });
    it('profileRegion reads the config file', async () => {
      const l = layer();
      assert.equal(await l.profileRegion('eu'), 'eu-west-1');
      assert.equal(await l.profileRegion('noregion'), undefined);
      assert.equal(await l.profileRegion('nosuch'), undefined);
    });
  });

  describe('resolveConnection: endpoint and files', () => {
    it('an endpoint setting that is not a URL is BadEndpoint pointing at the setting', async () => {
      const p = await rejectsWithProblem(() => keep(layer().resolveConnection(settings({ endpoint: 'localhost 5000' }))), 'BadEndpoint', 'openSettings');
      assert.deepEqual(p.action, { kind: 'openSettings', setting: 'iotBillingGroups.endpoint' });
    });
    it('an endpoint that is not http(s) is BadEndpoint', async () => {
      await rejectsWithProblem(() => keep(layer().resolveConnection(settings({ endpoint: 'ftp://127.0.0.1:5000' }))), 'BadEndpoint', 'openSettings');
    });
    it('a trailing slash of the endpoint setting is dropped', async () => {
      const conn = await layer().resolveConnection(settings({ endpoint: `${moto.endpoint}/` }));
      assert.equal(conn.endpoint, moto.endpoint);
    });
    it("uses the profile's endpoint_url when the setting is empty, and the setting over it", async () => {
      const l = layer();
      const fromProfile = await l.resolveConnection(settings({ profile: 'withendpoint' }));
      assert.equal(fromProfile.endpoint, moto.endpoint);
      const fromSetting = await l.resolveConnection(settings({ profile: 'withendpoint', endpoint: recorder.endpoint }));
      assert.equal(fromSetting.endpoint, recorder.endpoint);
      // And the call really goes there: moto answers with its (empty) list.
      await moto.reset();
      const page = await l.service(fromProfile).listBillingGroups();
      assert.deepEqual(page.items, []);
    });
    it('a malformed config is MalformedConfig naming the line; fixing the file needs no new layer', async () => {
      const l = layer();
      aws.writeMalformedConfig();
      try {
        const p = await rejectsWithProblem(() => keep(l.resolveConnection(settings())), 'MalformedConfig', 'openFile');
        assert.deepEqual(p.action, { kind: 'openFile', path: aws.configPath });
        assert.match(p.message, /line 1/);
      } finally {
        aws.restoreConfig();
      }
      const conn = await l.resolveConnection(settings());
      assert.equal(conn.region, 'us-east-1');
    });
  });

  describe('listProfiles', () => {
    it('lists the profiles of both files, "default" first, without sso-session sections', async () => {
      const profiles = await layer().listProfiles();
      assert.equal(profiles[0], 'default');
      assert.deepEqual([...profiles].sort(), ['badproc', 'default', 'eu', 'mfa', 'noregion', 'proc', 'role', 'sso', 'ssofresh', 'ssolegacy', 'ssorefresh', 'withendpoint']);
      assert.ok(!profiles.some((p) => p.includes('corp')), 'the sso-session "corp" is not a profile');
    });
    it('sees a profile added to the credentials file without a new layer', async () => {
      const l = layer();
      const before = fs.readFileSync(aws.credentialsPath, 'utf8');
      try {
        fs.appendFileSync(aws.credentialsPath, '\n[added]\naws_access_key_id = testing\naws_secret_access_key = x\n');
        assert.ok((await l.listProfiles()).includes('added'));
      } finally {
        fs.writeFileSync(aws.credentialsPath, before);
      }
      assert.ok(!(await l.listProfiles()).includes('added'));
    });
  });

  describe('credentials', () => {
    it('signs with the static keys of the named profile, from the files of the given HOME', async () => {
      const l = layer();
      const conn = await l.resolveConnection(settings({ endpoint: recorder.endpoint }));
      recorder.requests.length = 0;
      await l.service(conn).listBillingGroups();
      assert.equal(recorder.requests.length, 1);
      assert.equal(signingKey(recorder.requests[0].headers), ACCESS_KEYS.default);
      assert.match(recorder.requests[0].headers.authorization ?? '', /\/us-east-1\/iot\/aws4_request/);
    });
    it('uses credential_process, with its session token', async () => {
      const l = layer();
      const conn = await l.resolveConnection(settings({ profile: 'proc', endpoint: recorder.endpoint }));
      recorder.requests.length = 0;
      await keep(l.service(conn).listBillingGroups());
      assert.equal(signingKey(recorder.requests[0].headers), ACCESS_KEYS.proc);
      assert.equal(recorder.requests[0].headers['x-amz-security-token'], SECRETS.procSessionToken);
      // And against moto.
      await moto.reset();
      const real = await l.resolveConnection(settings({ profile: 'proc', endpoint: moto.endpoint }));
      assert.deepEqual((await l.service(real).listBillingGroups()).items, []);
    });
    it('uses environment keys when no profile is named and there is no default profile', async () => {
      const noDefault = makeAwsHome();
      try {
        fs.writeFileSync(noDefault.configPath, '[profile eu]\nregion = eu-west-1\n');
        fs.writeFileSync(noDefault.credentialsPath, '');
        const env = { AWS_ACCESS_KEY_ID: 'AKIAENVTESTING000001', AWS_SECRET_ACCESS_KEY: SECRETS.envSecretKey, AWS_SESSION_TOKEN: SECRETS.envSessionToken, AWS_REGION: 'us-west-2' };
        const l = layer(env, noDefault);
        const conn = await l.resolveConnection(settings({ endpoint: recorder.endpoint }));
        assert.equal(conn.implicitProfile, true);
        assert.equal(conn.region, 'us-west-2');
        recorder.requests.length = 0;
        await keep(l.service(conn).listBillingGroups());
        assert.equal(signingKey(recorder.requests[0].headers), 'AKIAENVTESTING000001');
        assert.equal(recorder.requests[0].headers['x-amz-security-token'], SECRETS.envSessionToken);
      } finally {
        noDefault.remove();
      }
    });
    it('a named profile wins over environment keys (as in the AWS CLI)', async () => {
      const l = layer({ AWS_ACCESS_KEY_ID: 'AKIAENVTESTING000002', AWS_SECRET_ACCESS_KEY: SECRETS.envSecretKey });
      const conn = await l.resolveConnection(settings({ profile: 'default', endpoint: recorder.endpoint }));
      recorder.requests.length = 0;
      await l.service(conn).listBillingGroups();
      assert.equal(signingKey(recorder.requests[0].headers), ACCESS_KEYS.default);
    });
    it('a failing credential_process is CredentialProcessFailed, and nothing is sent', async () => {
      const l = layer();
      const conn = await l.resolveConnection(settings({ profile: 'badproc', endpoint: recorder.endpoint }));
      recorder.requests.length = 0;
      const p = await rejectsWithProblem(() => keep(l.service(conn).listBillingGroups()), 'CredentialProcessFailed', 'selectProfile');
      assert.match(p.message, /"badproc"/);
      assert.equal(recorder.requests.length, 0);
      const entry = logged.at(-1);
      assert.equal(entry?.operation, 'ListBillingGroups');
      assert.equal(entry?.outcome, 'CredentialProcessFailed');
    });
    it('after the credential_process is fixed and the layer invalidated, calls work without a reload', async () => {
      const l = layer();
      const conn = await l.resolveConnection(settings({ profile: 'badproc', endpoint: recorder.endpoint }));
      await rejectsWithProblem(() => keep(l.service(conn).listBillingGroups()), 'CredentialProcessFailed');
      const good = fs.readFileSync(aws.configPath, 'utf8');
      try {
        fs.writeFileSync(aws.configPath, good.replace('creds-bad.js', 'creds-ok.js'));
        l.invalidate(); // what the extension does when the AWS files change
        recorder.requests.length = 0;
        await l.service(await l.resolveConnection(settings({ profile: 'badproc', endpoint: recorder.endpoint }))).listBillingGroups();
        assert.equal(signingKey(recorder.requests[0].headers), ACCESS_KEYS.proc);
      } finally {
        fs.writeFileSync(aws.configPath, good);
      }
    });
    it('an expired SSO session (sso_session) is SsoSessionExpired saying to run aws sso login; nothing is sent', async () => {
      const l = layer();
      const conn = await l.resolveConnection(settings({ profile: 'sso', endpoint: recorder.endpoint }));
      recorder.requests.length = 0;
      // The SDK looks for the token cache under process.env.HOME, whatever files it was given.
      const p = await withProcessHome(aws.home, () => rejectsWithProblem(() => keep(l.service(conn).listBillingGroups()), 'SsoSessionExpired'));
      assert.deepEqual(p.action, { kind: 'ssoLogin', profile: 'sso' });
      assert.match(p.message, /aws sso login --profile sso/);
      assert.equal(recorder.requests.length, 0);
      // The cache file was found and read (not "not found"): the SDK stopped at the expired token.
      assert.doesNotMatch(logged.at(-1)?.detail ?? '', /not found/);
    });
    it('an expired SSO session (legacy sso_start_url profile) is SsoSessionExpired too', async () => {
      const l = layer();
      const conn = await l.resolveConnection(settings({ profile: 'ssolegacy', endpoint: recorder.endpoint }));
      recorder.requests.length = 0;
      const p = await withProcessHome(aws.home, () => rejectsWithProblem(() => keep(l.service(conn).listBillingGroups()), 'SsoSessionExpired', 'ssoLogin'));
      assert.match(p.message, /aws sso login --profile ssolegacy/);
      assert.match(logged.at(-1)?.detail ?? '', /expired/);
      assert.equal(recorder.requests.length, 0);
    });
  });

  describe('assume-role, against the emulator\'s STS (AWS_ENDPOINT_URL_STS) through a recording proxy', () => {
    let proxy: FaultProxy;
    before(async () => {
      proxy = await startFaultProxy(moto.endpoint);
    });
    after(async () => {
      await proxy?.stop();
    });
    const stsCalls = (): Array<{ req: ProxiedRequest; form: URLSearchParams }> =>
      proxy
        .forwarded()
        .filter((r) => r.method === 'POST' && r.pathname === '/' && typeof r.body === 'string')
        .map((req) => ({ req, form: new URLSearchParams(req.body as string) }))
        .filter(({ form }) => form.get('Action') === 'AssumeRole');
    const iotCalls = () => proxy.forwarded().filter((r) => r.operation === 'ListBillingGroups');

    it('a role_arn + source_profile profile: AssumeRole signed with the source keys, IoT calls with the role\'s', async () => {
      proxy.reset();
      const l = layer();
      const conn = await l.resolveConnection(settings({ profile: 'role', endpoint: proxy.endpoint }));
      const page = await withProcessEnv({ AWS_ENDPOINT_URL_STS: proxy.endpoint }, () => keep(l.service(conn).listBillingGroups()));
      assert.ok(Array.isArray(page.items));
      const [assume, ...more] = stsCalls();
      assert.ok(assume, 'AssumeRole reached STS');
      assert.equal(more.length, 0, 'one AssumeRole');
      assert.equal(assume.form.get('RoleArn'), 'arn:aws:iam::123456789012:role/FleetAdmin');
      assert.equal(assume.form.get('RoleSessionName'), 'iotbg-test');
      assert.equal(assume.req.signedWith, ACCESS_KEYS.default, 'signed with the source profile\'s key');
      const [list] = iotCalls();
      assert.ok(list?.signedWith, 'the IoT call is signed');
      assert.notEqual(list.signedWith, ACCESS_KEYS.default, 'the IoT call uses the role\'s credentials, not the source profile\'s');
      assert.match(list.signedWith, /^ASIA/, 'temporary credentials from STS');
    });

    it('with mfa_serial: the code asked for goes to AssumeRole with the serial, and the call works', async () => {
      proxy.reset();
      const { l, asked } = mfaLayer(async () => '123456');
      const conn = await l.resolveConnection(settings({ profile: 'mfa', endpoint: proxy.endpoint }));
      await withProcessEnv({ AWS_ENDPOINT_URL_STS: proxy.endpoint }, () => keep(l.service(conn).listBillingGroups()));
      assert.deepEqual(asked, ['arn:aws:iam::123456789012:mfa/tester']);
      const [assume] = stsCalls();
      assert.equal(assume?.form.get('SerialNumber'), 'arn:aws:iam::123456789012:mfa/tester');
      assert.equal(assume?.form.get('TokenCode'), '123456');
      assert.match(iotCalls()[0]?.signedWith ?? '', /^ASIA/);
    });
  });

  describe('SSO sessions that work: a stand-in portal and SSO OIDC (moto has neither), the IoT call to moto', () => {
    let proxy: FaultProxy;
    let sso: SsoStandIn;
    before(async () => {
      proxy = await startFaultProxy(moto.endpoint);
      sso = await startSsoStandIn({
        validTokens: [SECRETS.ssoFreshToken],
        refresh: { refreshToken: SECRETS.ssoRefreshToken, newAccessToken: SECRETS.ssoNewToken, newRefreshToken: SECRETS.ssoNewRefreshToken },
        roleAccessKeyId: 'ASIASSOROLE000000001',
        roleSecretAccessKey: SECRETS.ssoRoleSecretKey,
        roleSessionToken: SECRETS.ssoRoleSessionToken,
      });
    });
    after(async () => {
      await proxy?.stop();
      await sso?.stop();
    });
    const ssoEnv = () => ({ HOME: aws.home, AWS_ENDPOINT_URL_SSO: sso.endpoint, AWS_ENDPOINT_URL_SSO_OIDC: sso.endpoint });

    it('a valid cached token: GetRoleCredentials with it for the account and role; the IoT call signed with the role\'s key', async () => {
      proxy.reset();
      sso.requests.length = 0;
      const l = layer();
      const conn = await l.resolveConnection(settings({ profile: 'ssofresh', endpoint: proxy.endpoint }));
      await withProcessEnv(ssoEnv(), () => keep(l.service(conn).listBillingGroups()));
      assert.deepEqual(
        sso.requests.map((r) => [r.method, r.path, r.bearer]),
        [['GET', '/federation/credentials?account_id=123456789012&role_name=Developer', SECRETS.ssoFreshToken]],
        'no refresh of a valid token',
      );
      const list = proxy.forwarded().find((r) => r.operation === 'ListBillingGroups');
      assert.equal(list?.signedWith, sso.roleAccessKeyId);
    });

    it('a token about to expire is refreshed through SSO OIDC (refresh_token grant), used, and saved to the cache', async () => {
      proxy.reset();
      sso.requests.length = 0;
      const l = layer();
      const conn = await l.resolveConnection(settings({ profile: 'ssorefresh', endpoint: proxy.endpoint }));
      await withProcessEnv(ssoEnv(), () => keep(l.service(conn).listBillingGroups()));
      const [token, creds, ...more] = sso.requests;
      assert.equal(more.length, 0, JSON.stringify(sso.requests.map((r) => r.path)));
      assert.equal(token?.path, '/token');
      assert.deepEqual(token?.body, { clientId: 'iotbg-test-client', clientSecret: SECRETS.ssoClientSecret, grantType: 'refresh_token', refreshToken: SECRETS.ssoRefreshToken });
      assert.equal(creds?.bearer, SECRETS.ssoNewToken, 'the refreshed token is used');
      const cached = JSON.parse(fs.readFileSync(ssoCacheFile(aws.home, 'refreshing'), 'utf8')) as { accessToken: string; refreshToken: string; expiresAt: string };
      assert.equal(cached.accessToken, SECRETS.ssoNewToken, 'the cache holds the new token');
      assert.equal(cached.refreshToken, SECRETS.ssoNewRefreshToken);
      assert.ok(Date.parse(cached.expiresAt) > Date.now() + 50 * 60e3, `expires ${cached.expiresAt}`);
      assert.equal(proxy.forwarded().find((r) => r.operation === 'ListBillingGroups')?.signedWith, sso.roleAccessKeyId);
    });
  });

  describe('assume-role with MFA, the prompt (nothing reaches STS)', () => {
    it('without an MFA prompt: MfaRequired, nothing sent', async () => {
      const l = layer();
      const conn = await l.resolveConnection(settings({ profile: 'mfa', endpoint: recorder.endpoint }));
      recorder.requests.length = 0;
      await rejectsWithProblem(() => keep(l.service(conn).listBillingGroups()), 'MfaRequired', 'refresh');
      assert.equal(recorder.requests.length, 0);
    });
    it('asks for the code with the mfa_serial; a cancelled prompt is MfaRequired, nothing sent', async () => {
      const { l, asked } = mfaLayer(async () => {
        throw new Error('MFA code entry was cancelled'); // what the extension's input box does on Escape
      });
      const conn = await l.resolveConnection(settings({ profile: 'mfa', endpoint: recorder.endpoint }));
      recorder.requests.length = 0;
      const p = await rejectsWithProblem(() => keep(l.service(conn).listBillingGroups()), 'MfaRequired', 'refresh');
      assert.match(p.message, /"mfa"/);
      assert.deepEqual(asked, ['arn:aws:iam::123456789012:mfa/tester']);
      assert.equal(recorder.requests.length, 0);
    });
  });

  describe('network', () => {
    it('an endpoint where nothing listens is EndpointUnreachable, within a bounded time', async () => {
      const port = await freePort(); // free: nothing listens there
      const l = layer();
      const conn = await l.resolveConnection(settings({ endpoint: `http://127.0.0.1:${port}` }));
      const started = Date.now();
      const p = await rejectsWithProblem(() => keep(l.service(conn).listBillingGroups()), 'EndpointUnreachable', 'retry');
      const elapsed = Date.now() - started;
      assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
      assert.ok(p.message.includes(`127.0.0.1:${port}`), 'names the endpoint');
      const entry = logged.at(-1);
      assert.equal(entry?.outcome, 'EndpointUnreachable');
      assert.equal(entry?.attempts, 2, 'retried once (maxAttempts 2)');
    });
  });

  describe('the log', () => {
    it('every call is logged with operation, region, duration and outcome', async () => {
      const l = layer();
      const conn = await l.resolveConnection(settings({ endpoint: moto.endpoint }));
      const before = logged.length;
      await l.service(conn).listBillingGroups();
      const entry = logged.at(-1);
      assert.equal(logged.length, before + 1);
      assert.equal(entry?.operation, 'ListBillingGroups');
      assert.equal(entry?.region, 'us-east-1');
      assert.equal(entry?.outcome, 'ok');
      assert.equal(typeof entry?.durationMs, 'number');
      assert.ok(entry?.requestId, 'moto sends a request id');
    });
    it('never holds a secret key, session token or SSO token (whole log and every problem message)', () => {
      assert.ok(logged.length >= 10, `only ${logged.length} entries: the other tests did not run?`);
      assert.ok(logged.some((e) => e.outcome === 'CredentialProcessFailed'));
      assert.ok(logged.some((e) => e.outcome === 'SsoSessionExpired'));
      const text = JSON.stringify(logged) + '\n' + messages.join('\n');
      for (const [name, secret] of Object.entries(SECRETS)) assert.ok(!text.includes(secret), `${name} appears in the log`);
    });
  });
});
