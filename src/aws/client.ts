// Builds and caches one IoTClient per connection (profile + role + region + endpoint), and one
// credential provider per profile (and role) shared by every region: several regions of one
// profile ask for its MFA code, or start its SSO session, once (issue 17).
import { IoTClient } from '@aws-sdk/client-iot';
import { fromEnv, fromIni, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { partitionOf } from '../core/connections';
import { isAwsEndpoint } from '../core/endpoints';
import type { Connection } from './connection';
import { sharedCredentials, type CredentialProvider } from './sharedCredentials';
import { sharedConfigPaths } from './sharedConfig';

export interface ClientOptions {
  /** Asked for an MFA code when an assume-role profile has mfa_serial. */
  mfaCodeProvider?: (mfaSerial: string) => Promise<string>;
  /** Time to open a TCP connection (ms). */
  connectionTimeoutMs?: number;
  /** Time for a whole response (ms): a response that never comes ends here, then is retried. */
  requestTimeoutMs?: number;
  /** Attempts per call including the first; throttling and 5xx are retried with backoff. */
  maxAttempts?: number;
  /** "adaptive" adds client-side rate limiting when throttled, which paces bulk work. */
  retryMode?: 'standard' | 'adaptive';
}

export const DEFAULT_CLIENT_OPTIONS = {
  connectionTimeoutMs: 5_000,
  requestTimeoutMs: 15_000,
  maxAttempts: 5,
  retryMode: 'adaptive',
} as const;

/** The profile's own credentials (no role of the connection). */
function profileCredentials(conn: Connection, options: ClientOptions, env: NodeJS.ProcessEnv): CredentialProvider {
  // Environment keys count only when no profile was named: a named profile always wins, as in the AWS CLI.
  // The instance-metadata and container providers are left out on purpose: an editor never runs on them
  // by accident, and probing them would send traffic to link-local addresses.
  // Credentials come from the same environment and files that resolveConnection read (env may be
  // another object than process.env, e.g. in tests): fromIni is given the files' paths explicitly.
  const paths = sharedConfigPaths(env);
  return conn.implicitProfile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
    ? env === process.env
      ? fromEnv()
      : fromEnvObject(env)
    : fromIni({
        profile: conn.profile,
        filepath: paths.credentials,
        configFilepath: paths.config,
        mfaCodeProvider: options.mfaCodeProvider,
        ignoreCache: true,
      });
}

/**
 * The connection's role, assumed with the profile's credentials (AssumeRole through STS of the
 * connection's region, so of its partition; an emulator's endpoint serves STS too).
 */
function roleCredentials(conn: Connection & { roleArn: string }, base: CredentialProvider): CredentialProvider {
  return fromTemporaryCredentials({
    params: { RoleArn: conn.roleArn, RoleSessionName: 'aws-iot-billing-groups-vscode', DurationSeconds: 3600 },
    masterCredentials: base,
    clientConfig: { region: conn.region, ...(conn.endpoint && !isAwsEndpoint(conn.endpoint) ? { endpoint: conn.endpoint } : {}), maxAttempts: 3 },
  });
}

export function createClient(conn: Connection, options: ClientOptions = {}, env: NodeJS.ProcessEnv = process.env, credentials?: CredentialProvider): IoTClient {
  const o = { ...DEFAULT_CLIENT_OPTIONS, ...options };
  credentials ??= conn.roleArn ? roleCredentials({ ...conn, roleArn: conn.roleArn }, profileCredentials(conn, o, env)) : profileCredentials(conn, o, env);
  return new IoTClient({
    region: conn.region,
    endpoint: conn.endpoint,
    credentials,
    maxAttempts: o.maxAttempts,
    retryMode: o.retryMode,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: o.connectionTimeoutMs,
      requestTimeout: o.requestTimeoutMs,
      // Without this, @smithy/node-http-handler 4.x only logs a warning when requestTimeout passes and
      // goes on waiting: a response that never comes would hang the call for ever.
      throwOnRequestTimeout: true,
    }),
  });
}

/** fromEnv() reads process.env only; this reads the same variables from another environment object. */
function fromEnvObject(env: NodeJS.ProcessEnv) {
  return async () => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) throw Object.assign(new Error('Could not resolve credentials from the environment'), { name: 'CredentialsProviderError' });
    const expiry = env.AWS_CREDENTIAL_EXPIRATION;
    return {
      accessKeyId,
      secretAccessKey,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      ...(expiry ? { expiration: new Date(expiry) } : {}),
    };
  };
}

export class ClientCache {
  private readonly clients = new Map<string, IoTClient>();
  /** By profile (and role): shared by the clients of every region. */
  private readonly providers = new Map<string, CredentialProvider>();
  constructor(
    private readonly options: ClientOptions = {},
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The credentials of a connection: one resolution (one MFA prompt, one SSO token) per profile and role, whatever the region. */
  credentials(conn: Connection): CredentialProvider {
    const baseKey = JSON.stringify([conn.profile, conn.implicitProfile]);
    let base = this.providers.get(baseKey);
    if (!base) {
      base = sharedCredentials(profileCredentials(conn, this.options, this.env));
      this.providers.set(baseKey, base);
    }
    if (!conn.roleArn) return base;
    // A role's STS endpoint is the partition's: the same role in a region of another partition is another provider.
    const roleKey = JSON.stringify([conn.profile, conn.implicitProfile, conn.roleArn, conn.endpoint ?? '', partitionOf(conn.region)]);
    let role = this.providers.get(roleKey);
    if (!role) {
      role = sharedCredentials(roleCredentials({ ...conn, roleArn: conn.roleArn }, base));
      this.providers.set(roleKey, role);
    }
    return role;
  }

  get(conn: Connection): IoTClient {
    let client = this.clients.get(conn.key);
    if (!client) {
      client = createClient(conn, this.options, this.env, this.credentials(conn));
      this.clients.set(conn.key, client);
    }
    return client;
  }

  /** Drops every client and credential, e.g. after the AWS files changed, so that credentials are read again. */
  clear(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
    this.providers.clear();
  }
}
