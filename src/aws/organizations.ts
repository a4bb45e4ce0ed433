// AWS Organizations, for issue 17: the accounts of an organisation (ListAccounts, from the
// management account or a delegated administrator) to add as connections through a role, and the
// management (payer) account of a connection's account (DescribeOrganization, which any member may
// call), so that costs are asked of each payer once. Loaded only when asked for (dynamic import).
import type { Connection } from './connection';
import type { CallLogger } from './billingGroupService';
import { AwsProblem, isAbort, isAwsProblem, toProblem } from './errors';
import { isAwsEndpoint } from '../core/endpoints';
import type { CredentialProvider } from './sharedCredentials';

export interface OrganizationAccount {
  id: string;
  name: string;
  email?: string;
  /** ACTIVE, SUSPENDED, PENDING_CLOSURE…: only active accounts can be connected. */
  state: string;
}

/** Where a connection's account stands: in an organisation (with its management account) or standalone. */
export type PayerInfo = { kind: 'organization'; managementAccount: string } | { kind: 'standalone' };

type Sdk = typeof import('@aws-sdk/client-organizations');
type Client = import('@aws-sdk/client-organizations').OrganizationsClient;
type Meta = { $metadata?: { requestId?: string; attempts?: number } };

export class OrganizationsService {
  private client: Client | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly credentials: CredentialProvider,
    private readonly log: CallLogger = () => undefined,
  ) {}

  private async call<T extends Meta>(operation: string, run: (client: Client, sdk: Sdk, options: { abortSignal?: AbortSignal }) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const sdk = await import('@aws-sdk/client-organizations');
    // Organizations has one endpoint per partition; the SDK picks it from any region of the partition.
    // An emulator's endpoint serves it too; an AWS IoT endpoint (FIPS, VPC) says nothing about it.
    this.client ??= new sdk.OrganizationsClient({
      region: this.connection.region,
      credentials: this.credentials,
      maxAttempts: 5,
      ...(this.connection.endpoint && !isAwsEndpoint(this.connection.endpoint) ? { endpoint: this.connection.endpoint } : {}),
    });
    const started = Date.now();
    try {
      const out = await run(this.client, sdk, { abortSignal: signal });
      this.log({ operation, region: this.connection.region, requestId: out.$metadata?.requestId, attempts: out.$metadata?.attempts, durationMs: Date.now() - started, outcome: 'ok' });
      return out;
    } catch (e) {
      if (isAbort(e) || signal?.aborted) {
        this.log({ operation, region: this.connection.region, durationMs: Date.now() - started, outcome: 'cancelled' });
        throw e;
      }
      const problem = organizationsProblem(e, operation, this.connection);
      const meta = (e as Meta).$metadata;
      this.log({ operation, region: this.connection.region, requestId: meta?.requestId, attempts: meta?.attempts, durationMs: Date.now() - started, outcome: problem.code, detail: `${(e as Error)?.name ?? ''}: ${(e as Error)?.message ?? e}` });
      throw problem;
    }
  }

  /** Every account of the organisation, page after page (ListAccounts answers at most 20 a page). */
  async listAccounts(signal?: AbortSignal): Promise<OrganizationAccount[]> {
    const out: OrganizationAccount[] = [];
    let NextToken: string | undefined;
    do {
      const input = { NextToken, MaxResults: 20 };
      const page = await this.call('ListAccounts', (c, sdk, o) => c.send(new sdk.ListAccountsCommand(input), o), signal);
      for (const a of page.Accounts ?? [])
        if (a.Id)
          // `State` replaces the deprecated `Status` (AWS Organizations API reference, Account); read either.
          out.push({ id: a.Id, name: a.Name ?? a.Id, email: a.Email, state: String((a as { State?: string }).State ?? a.Status ?? 'ACTIVE') });
      NextToken = page.NextToken || undefined;
    } while (NextToken);
    return out.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  /** The management account of the connection's organisation, or standalone when the account is in none. */
  async payer(signal?: AbortSignal): Promise<PayerInfo> {
    try {
      const out = await this.call('DescribeOrganization', (c, sdk, o) => c.send(new sdk.DescribeOrganizationCommand({}), o), signal);
      const id = out.Organization?.MasterAccountId;
      if (!id) throw new AwsProblem('NoAccount', 'AWS Organizations did not say which account manages the organization.');
      return { kind: 'organization', managementAccount: id };
    } catch (e) {
      if (isAwsProblem(e) && e.code === 'NotInOrganization') return { kind: 'standalone' };
      throw e;
    }
  }

  dispose(): void {
    this.client?.destroy();
  }
}

function organizationsProblem(e: unknown, operation: string, conn: Connection): AwsProblem {
  const name = (e as { name?: string })?.name;
  const who = `profile "${conn.profile}"${conn.roleArn ? ` (as ${conn.roleArn})` : ''}`;
  if (name === 'AWSOrganizationsNotInUseException')
    return new AwsProblem('NotInOrganization', `The account of ${who} is not in an organization of AWS Organizations: there are no other accounts to list.`);
  if (name === 'AccessDeniedException' && operation === 'ListAccounts')
    return new AwsProblem(
      'NotManagementAccount',
      `The accounts of an organization can be listed only from its management account or a delegated administrator, and ${who} is not allowed organizations:ListAccounts. Use the management account's profile, or add connections with Add Connection….`,
      { kind: 'selectProfile' },
    );
  return toProblem(e, { operation, service: 'organizations', profile: conn.profile, region: conn.region, endpoint: conn.endpoint });
}
