// Which account and region to talk to: the extension's settings, then the environment, then the
// shared AWS files. The result is either a usable connection or a problem a person can fix.
import { AwsProblem } from './errors';
import { readSharedConfig, sharedConfigPaths } from './sharedConfig';

export interface ConnectionSettings {
  /** `iotBillingGroups.profile`; empty: AWS_PROFILE, else "default". */
  profile: string;
  /** `iotBillingGroups.region`; empty: the profile's region, else AWS_REGION. */
  region: string;
  /** `iotBillingGroups.endpoint`; empty: the profile's endpoint_url, else AWS. */
  endpoint: string;
  /** A role to assume with the profile's credentials (a connection to another account, issue 17). */
  roleArn?: string;
}

export interface Connection {
  profile: string;
  /** True when no profile was named anywhere: environment credentials may be used. */
  implicitProfile: boolean;
  region: string;
  endpoint?: string;
  /** The role assumed with the profile's credentials, if any. */
  roleArn?: string;
  /** Stable key for caching clients. */
  key: string;
}

export function parseEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AwsProblem('BadEndpoint', `The endpoint setting "${value}" is not a URL. Use a URL such as http://127.0.0.1:5000, or leave it empty for AWS.`, {
      kind: 'openSettings',
      setting: 'iotBillingGroups.endpoint',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new AwsProblem('BadEndpoint', `The endpoint "${value}" must start with http:// or https://.`, {
      kind: 'openSettings',
      setting: 'iotBillingGroups.endpoint',
    });
  return value.replace(/\/+$/, '');
}

export async function resolveConnection(settings: ConnectionSettings, env: NodeJS.ProcessEnv = process.env): Promise<Connection> {
  const named = settings.profile.trim() || env.AWS_PROFILE || '';
  const profile = named || 'default';
  const envKeys = !!(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY);
  const shared = await readSharedConfig(env);
  if (shared.problems.length > 0) {
    const paths = sharedConfigPaths(env);
    throw new AwsProblem('MalformedConfig', `Your AWS configuration cannot be read: ${shared.problems[0]}. Fix the file (${paths.config}), then Refresh.`, {
      kind: 'openFile',
      path: shared.problems[0].startsWith(paths.credentials) ? paths.credentials : paths.config,
    });
  }
  const profileKnown = shared.profiles.includes(profile);
  if (!profileKnown && (named || !envKeys)) {
    const paths = sharedConfigPaths(env);
    const message = named
      ? `AWS profile "${profile}" was not found in ${paths.config} or ${paths.credentials}. Select another profile, or add it with "aws configure --profile ${profile}".`
      : `No AWS credentials were found: there is no "default" profile in ${paths.config} or ${paths.credentials} and no AWS_ACCESS_KEY_ID in the environment. Select a profile, or run "aws configure".`;
    throw new AwsProblem(named ? 'ProfileNotFound' : 'NoCredentials', message, { kind: 'selectProfile' });
  }
  const profileConfig = shared.config[profile] ?? {};
  const region = settings.region.trim() || profileConfig.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
  if (!region)
    throw new AwsProblem('NoRegion', `No AWS region is set for profile "${profile}". Select a region, or add "region = …" to the profile.`, {
      kind: 'selectRegion',
    });
  const endpointText = settings.endpoint.trim() || profileConfig.endpoint_url || '';
  const endpoint = endpointText ? parseEndpoint(endpointText) : undefined;
  const roleArn = settings.roleArn?.trim() || undefined;
  return {
    profile,
    implicitProfile: !named,
    region,
    endpoint,
    ...(roleArn ? { roleArn } : {}),
    key: JSON.stringify([profile, !named, region, endpoint ?? '', roleArn ?? '']),
  };
}
