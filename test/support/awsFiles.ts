// A temporary HOME with ~/.aws/config and ~/.aws/credentials for the integration tests of src/aws/.
// Every secret written here is a distinctive fake, so a test can search the log for it.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Fake secrets: any of these showing up in a log is a leak. */
export const SECRETS = {
  defaultSecretKey: 'dfltSECRETkey0000ZZZZqqqq1111xxxx',
  noregionSecretKey: 'noregSECRETkey2222YYYYwwww3333vvvv',
  euSecretKey: 'euSECRETkey4444XXXXuuuu5555tttt',
  procSecretKey: 'procSECRETkey6666WWWWssss7777rrrr',
  procSessionToken: 'procSESSIONtoken8888VVVVpppp9999oooo',
  ssoAccessToken: 'ssoACCESStoken1010UUUUnnnn1212mmmm',
  envSecretKey: 'envSECRETkey1313TTTTkkkk1414jjjj',
  envSessionToken: 'envSESSIONtoken1515SSSShhhh1616gggg',
  ssoFreshToken: 'ssoFRESHtoken1717RRRRffff1818eeee',
  ssoStaleToken: 'ssoSTALEtoken1919QQQQdddd2020cccc',
  ssoRefreshToken: 'ssoREFRESHtoken2121PPPPbbbb2222aaaa',
  ssoNewToken: 'ssoNEWtoken2323OOOOzzzz2424yyyy',
  ssoNewRefreshToken: 'ssoNEWREFRESHtoken2525NNNNxxxx2626',
  ssoClientSecret: 'ssoCLIENTsecret2727MMMMwwww2828vvvv',
  ssoRoleSecretKey: 'ssoROLEsecret2929LLLLuuuu3030tttt',
  ssoRoleSessionToken: 'ssoROLEsession3131KKKKssss3232rrrr',
} as const;

export const ACCESS_KEYS = {
  default: 'testing',
  proc: 'AKIAPROCTESTING00001',
} as const;

export interface AwsHome {
  /** The temporary HOME. */
  home: string;
  configPath: string;
  credentialsPath: string;
  /** An environment with only HOME (and PATH, for credential_process) plus `extra`. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** Replaces ~/.aws/config with one the SDK's parser would half-read. */
  writeMalformedConfig(): void;
  /** Puts the good config back. */
  restoreConfig(): void;
  /** Removes the directory. */
  remove(): void;
}

export interface AwsHomeOptions {
  /** Adds a profile "withendpoint" (keys and region) whose endpoint_url is this. */
  endpointUrl?: string;
}

/** The name the SDK gives the token cache of an sso-session: sha1 of the session name (of the start URL for legacy profiles). */
export function ssoCacheFile(home: string, id: string): string {
  return path.join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update(id).digest('hex')}.json`);
}

/**
 * Profiles:
 * - default: static keys (access key "testing"), region us-east-1
 * - noregion: static keys, no region
 * - eu: static keys, region eu-west-1
 * - proc: credential_process = node script printing JSON credentials (with a session token)
 * - badproc: credential_process = node script that exits 1
 * - sso: sso_session "corp" with an expired token cache (no refresh token: nothing is fetched)
 * - ssolegacy: sso_start_url form with an expired token cache
 * - ssofresh: sso_session "fresh" with a token valid for an hour
 * - ssorefresh: sso_session "refreshing" whose token expires within the SDK's 5-minute window and
 *   has a refresh token and client registration (the SDK refreshes it through SSO OIDC)
 * - role: assume-role from "default" (role_arn, source_profile, role_session_name)
 * - mfa: assume-role from "default" with mfa_serial
 *   (STS is the emulator's only where a test points AWS_ENDPOINT_URL_STS at it; see withProcessEnv)
 * - withendpoint (if options.endpointUrl): static keys, region, endpoint_url
 */
export function makeAwsHome(options: AwsHomeOptions = {}): AwsHome {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'iotbg-home-'));
  const aws = path.join(home, '.aws');
  fs.mkdirSync(path.join(aws, 'sso', 'cache'), { recursive: true });
  const configPath = path.join(aws, 'config');
  const credentialsPath = path.join(aws, 'credentials');

  const okScript = path.join(home, 'creds-ok.js');
  fs.writeFileSync(
    okScript,
    `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: ${JSON.stringify(ACCESS_KEYS.proc)}, SecretAccessKey: ${JSON.stringify(SECRETS.procSecretKey)}, SessionToken: ${JSON.stringify(SECRETS.procSessionToken)}, Expiration: new Date(Date.now() + 3600e3).toISOString() }));\n`,
  );
  const badScript = path.join(home, 'creds-bad.js');
  fs.writeFileSync(badScript, `process.stderr.write('token service unavailable\\n');\nprocess.exit(1);\n`);
  const node = JSON.stringify(process.execPath);

  const legacyStartUrl = 'https://legacy.example.invalid/start';
  const config = [
    '[default]',
    'region = us-east-1',
    '',
    '[profile noregion]',
    '',
    '[profile eu]',
    'region = eu-west-1',
    '',
    '[profile proc]',
    'region = us-east-1',
    `credential_process = ${node} ${JSON.stringify(okScript)}`,
    '',
    '[profile badproc]',
    'region = us-east-1',
    `credential_process = ${node} ${JSON.stringify(badScript)}`,
    '',
    '[profile sso]',
    'sso_session = corp',
    'sso_account_id = 123456789012',
    'sso_role_name = Developer',
    'region = us-east-1',
    '',
    '[sso-session corp]',
    'sso_start_url = https://corp.example.invalid/start',
    'sso_region = us-east-1',
    'sso_registration_scopes = sso:account:access',
    '',
    '[profile ssofresh]',
    'sso_session = fresh',
    'sso_account_id = 123456789012',
    'sso_role_name = Developer',
    'region = us-east-1',
    '',
    '[sso-session fresh]',
    'sso_start_url = https://fresh.example.invalid/start',
    'sso_region = us-east-1',
    'sso_registration_scopes = sso:account:access',
    '',
    '[profile ssorefresh]',
    'sso_session = refreshing',
    'sso_account_id = 123456789012',
    'sso_role_name = Developer',
    'region = us-east-1',
    '',
    '[sso-session refreshing]',
    'sso_start_url = https://refreshing.example.invalid/start',
    'sso_region = us-east-1',
    'sso_registration_scopes = sso:account:access',
    '',
    '[profile ssolegacy]',
    `sso_start_url = ${legacyStartUrl}`,
    'sso_region = us-east-1',
    'sso_account_id = 123456789012',
    'sso_role_name = Developer',
    'region = us-east-1',
    '',
    '[profile role]',
    'role_arn = arn:aws:iam::123456789012:role/FleetAdmin',
    'source_profile = default',
    'role_session_name = iotbg-test',
    'region = us-east-1',
    '',
    '[profile mfa]',
    'role_arn = arn:aws:iam::123456789012:role/Admin',
    'source_profile = default',
    'mfa_serial = arn:aws:iam::123456789012:mfa/tester',
    'region = us-east-1',
    '',
    ...(options.endpointUrl ? ['[profile withendpoint]', 'region = us-east-1', `endpoint_url = ${options.endpointUrl}`, ''] : []),
  ].join('\n');
  const credentials = [
    '[default]',
    `aws_access_key_id = ${ACCESS_KEYS.default}`,
    `aws_secret_access_key = ${SECRETS.defaultSecretKey}`,
    '',
    '[noregion]',
    'aws_access_key_id = testing',
    `aws_secret_access_key = ${SECRETS.noregionSecretKey}`,
    '',
    '[eu]',
    'aws_access_key_id = testing',
    `aws_secret_access_key = ${SECRETS.euSecretKey}`,
    '',
    ...(options.endpointUrl ? ['[withendpoint]', 'aws_access_key_id = testing', `aws_secret_access_key = ${SECRETS.defaultSecretKey}`, ''] : []),
  ].join('\n');
  fs.writeFileSync(configPath, config);
  fs.writeFileSync(credentialsPath, credentials);

  const expired = new Date(Date.now() - 3600e3).toISOString().replace(/\.\d{3}Z$/, 'Z');
  fs.writeFileSync(
    ssoCacheFile(home, 'corp'),
    JSON.stringify({ startUrl: 'https://corp.example.invalid/start', region: 'us-east-1', accessToken: SECRETS.ssoAccessToken, expiresAt: expired }),
  );
  fs.writeFileSync(
    ssoCacheFile(home, 'fresh'),
    JSON.stringify({
      startUrl: 'https://fresh.example.invalid/start',
      region: 'us-east-1',
      accessToken: SECRETS.ssoFreshToken,
      expiresAt: new Date(Date.now() + 3600e3).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    }),
  );
  fs.writeFileSync(
    ssoCacheFile(home, 'refreshing'),
    JSON.stringify({
      startUrl: 'https://refreshing.example.invalid/start',
      region: 'us-east-1',
      accessToken: SECRETS.ssoStaleToken,
      expiresAt: new Date(Date.now() + 60e3).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      refreshToken: SECRETS.ssoRefreshToken,
      clientId: 'iotbg-test-client',
      clientSecret: SECRETS.ssoClientSecret,
      registrationExpiresAt: new Date(Date.now() + 86400e3).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    }),
  );
  fs.writeFileSync(
    ssoCacheFile(home, legacyStartUrl),
    JSON.stringify({ startUrl: legacyStartUrl, region: 'us-east-1', accessToken: SECRETS.ssoAccessToken, expiresAt: expired }),
  );

  return {
    home,
    configPath,
    credentialsPath,
    env: (extra = {}) => ({ HOME: home, PATH: process.env.PATH, ...extra }),
    writeMalformedConfig() {
      fs.writeFileSync(configPath, ['[default', 'region = us-east-1', 'this line is not a setting', ''].join('\n'));
    },
    restoreConfig() {
      fs.writeFileSync(configPath, config);
    },
    remove() {
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `fn` with these process.env variables set (undefined: removed), then puts them back. The SDK
 * reads some things from process.env whatever files and environment it was given: the SSO token
 * cache under HOME, and the endpoints of the clients it builds itself to assume a role
 * (AWS_ENDPOINT_URL_STS) or to use an SSO session (AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL_SSO_OIDC).
 * That is how a test sends those calls to the emulator or a stand-in instead of real AWS.
 */
export async function withProcessEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const put = (v: Record<string, string | undefined>) => {
    for (const [k, value] of Object.entries(v)) {
      if (value === undefined) delete process.env[k];
      else process.env[k] = value;
    }
  };
  put(vars);
  try {
    return await fn();
  } finally {
    put(saved);
  }
}

/** Runs `fn` with process.env.HOME pointing at `home` (where the SDK looks for the SSO token cache). */
export function withProcessHome<T>(home: string, fn: () => Promise<T>): Promise<T> {
  return withProcessEnv({ HOME: home }, fn);
}
