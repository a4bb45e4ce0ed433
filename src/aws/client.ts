// Builds and caches one IoTClient per profile + region + endpoint.
import { IoTClient } from '@aws-sdk/client-iot';
import { fromEnv, fromIni } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Connection } from './connection';
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

export function createClient(conn: Connection, options: ClientOptions = {}, env: NodeJS.ProcessEnv = process.env): IoTClient {
  const o = { ...DEFAULT_CLIENT_OPTIONS, ...options };
  // Environment keys count only when no profile was named: a named profile always wins, as in the AWS CLI.
  // The instance-metadata and container providers are left out on purpose: an editor never runs on them
  // by accident, and probing them would send traffic to link-local addresses.
  // Credentials come from the same environment and files that resolveConnection read (env may be
  // another object than process.env, e.g. in tests): fromIni is given the files' paths explicitly.
  const paths = sharedConfigPaths(env);
  const credentials =
    conn.implicitProfile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? env === process.env
        ? fromEnv()
        : fromEnvObject(env)
      : fromIni({
          profile: conn.profile,
          filepath: paths.credentials,
          configFilepath: paths.config,
          mfaCodeProvider: o.mfaCodeProvider,
          ignoreCache: true,
        });
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
  constructor(
    private readonly options: ClientOptions = {},
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get(conn: Connection): IoTClient {
    let client = this.clients.get(conn.key);
    if (!client) {
      client = createClient(conn, this.options, this.env);
      this.clients.set(conn.key, client);
    }
    return client;
  }

  /** Drops every client, e.g. after the AWS files changed, so that credentials are read again. */
  clear(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }
}
