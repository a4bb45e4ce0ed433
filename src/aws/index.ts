// The lazily loaded AWS layer (bundled apart as dist/aws.js): everything that needs the SDK.
import { BillingGroupService, type CallLogger } from './billingGroupService';
import { ClientCache, type ClientOptions } from './client';
import { resolveConnection, type Connection, type ConnectionSettings } from './connection';
import { OrganizationsService } from './organizations';
import { readSharedConfig, sharedConfigPaths } from './sharedConfig';
import type { CredentialProvider } from './sharedCredentials';

export type { CallLog, CallLogger, CreateResult, ThingDetails, ThingSummary } from './billingGroupService';
export { BillingGroupService, ConfigurationConflict } from './billingGroupService';
export { connectionAccount, manifestReader, manifestWriter } from './manifestAccount';
export { membershipPort, ThingService, type CountOptions, type CountProgress, type Membership, type MembershipSources, type ThingFilter, type ThingRecord, type UnassignedCount } from './thingService';
export type { Connection, ConnectionSettings } from './connection';
export { AwsProblem, isAbort, isAwsProblem, type ProblemAction } from './errors';
export { sharedConfigPaths } from './sharedConfig';
export { OrganizationsService, type OrganizationAccount, type PayerInfo } from './organizations';
export type { CredentialProvider } from './sharedCredentials';

export interface AwsLayer {
  resolveConnection(settings: ConnectionSettings): Promise<Connection>;
  /** The service for a connection, on a cached client. */
  service(conn: Connection): BillingGroupService;
  /** The connection's credential provider, shared by every region of its profile (and role) and by clients bundled apart (Cost Explorer): one MFA prompt, one SSO session. */
  credentials(conn: Connection): CredentialProvider;
  /** AWS Organizations with the connection's credentials (its accounts; a connection's payer). */
  organizations(conn: Connection): OrganizationsService;
  /** Profiles of the shared config and credentials files, "default" first. */
  listProfiles(): Promise<string[]>;
  /** The profile's region in the config file, if any. */
  profileRegion(profile: string): Promise<string | undefined>;
  /** Forget cached clients and credentials (the AWS files changed, or the user asked). */
  invalidate(): void;
  dispose(): void;
}

export function createAwsLayer(options: { log?: CallLogger; client?: ClientOptions; env?: NodeJS.ProcessEnv } = {}): AwsLayer {
  const env = options.env ?? process.env;
  const clients = new ClientCache(options.client, env);
  const log = options.log ?? (() => undefined);
  return {
    resolveConnection: (settings) => resolveConnection(settings, env),
    service: (conn) => new BillingGroupService(clients.get(conn), conn, log),
    credentials: (conn) => clients.credentials(conn),
    organizations: (conn) => new OrganizationsService(conn, clients.credentials(conn), log),
    listProfiles: async () => (await readSharedConfig(env)).profiles,
    profileRegion: async (profile) => (await readSharedConfig(env)).config[profile]?.region,
    invalidate: () => clients.clear(),
    dispose: () => clients.clear(),
  };
}

export { sharedConfigPaths as awsFilePaths };
