// Costs across connections (issue 17): from the connections' accounts, regions and groups to the
// figures of each — the payer of each account, the plan (src/core/costQueries.ts: one query per
// payer, or per account without a connection in the payer account), each query from the cache while
// fresh, else asked of Cost Explorer with its signer's credentials, and the answers merged with each
// amount placed under its account and region. No vscode import: the integration tests run it against
// moto with the real SDK, and the model (costsModel.ts) gives it the connections.
import type { Connection, PayerInfo } from '../aws';
import type { CostExplorerService } from '../aws/costExplorer';
import { costsPartition } from '../core/costAllocation';
import { costPeriod } from '../core/costPeriod';
import { planCostQueries, type PlannedCostQuery } from '../core/costQueries';
import { mergeCostData, type CostConnection, type CostData, type KnownGroup } from '../core/costs';
import { cachedOrQueried, queryCacheKey, type CostCache, type CostCacheKey, type CostKeySettings, type MementoLike } from './costCache';

/** A connection whose costs are wanted: resolved, with its account and its groups listed. */
export interface CostSource {
  /** The connection's id. */
  id: string;
  /** "profile @ region". */
  label: string;
  connection: Connection;
  account: string;
  groups: KnownGroup[];
  /** The groups' ARNs (GovCloud is told by them too). */
  arns: string[];
}

/** A connection whose costs are not shown, and why. */
export interface LeftOut {
  id: string;
  label: string;
  error: unknown;
}

export interface QueryOutcome {
  plan: PlannedCostQuery;
  /** The label of the connection whose credentials sign it. */
  signer: string;
  key: CostCacheKey;
  /** Its figures (undefined when it failed and nothing was cached). */
  data?: CostData;
  fromCache: boolean;
  /** Why it failed; with data, the figures are the cached ones because nothing answered (offline). */
  error?: unknown;
}

export interface CostsAcross {
  /** Every answered query's figures, each amount with its account and region. */
  data: CostData;
  /** The connections those figures cover, in the order given. */
  connections: CostConnection[];
  outcomes: QueryOutcome[];
  /** Connections left out (their groups could not be listed, GovCloud, their query failed), each with why. */
  leftOut: LeftOut[];
}

export interface CostsAcrossPorts {
  cache: CostCache;
  payers: PayerBook;
  /** DescribeOrganization through this connection (AwsLayer.organizations(conn).payer()). */
  describePayer(source: CostSource): Promise<PayerInfo>;
  /** Cost Explorer with this connection's credentials. */
  costExplorer(source: CostSource): CostExplorerService;
  log: { info(message: string): void; warn(message: string): void };
}

export interface CostsAcrossSettings extends CostKeySettings {
  cacheHours: number;
}

/** Problems after which cached figures still serve: nothing answered. */
export const OFFLINE_CODES = new Set(['EndpointUnreachable', 'BadResponse', 'InternalFailure']);

/** An AwsProblem's code and message, recognised by shape (it comes from a lazily loaded bundle). */
export function problemOf(e: unknown): { code: string; message: string } | undefined {
  return typeof e === 'object' && e !== null && (e as { awsProblem?: unknown }).awsProblem === true ? (e as { code: string; message: string }) : undefined;
}

const PAYERS_KEY = 'iotBillingGroups.costs.payers';
/** A payer read from AWS Organizations serves a day: an account rarely changes organisation, and DescribeOrganization is one call per account. */
export const PAYER_TTL_MS = 24 * 3_600_000;
/** Accounts remembered at most (the oldest go first). */
const MAX_PAYERS = 200;

/**
 * The payer of each account: read with DescribeOrganization through one of its connections, kept in
 * globalState for a day (PAYER_TTL_MS) across windows and restarts. On any failure (AccessDenied, no
 * permission organizations:DescribeOrganization, a network error) the account counts as its own
 * payer — its costs are then asked of its own Cost Explorer, which sees at least its own — and the
 * log says why; the failure is remembered in memory only, and a forced load (Refresh Costs) asks again.
 */
export class PayerBook {
  private readonly failed = new Map<string, string>();

  constructor(
    private readonly memento: MementoLike,
    private readonly clock: () => number = Date.now,
  ) {}

  private stored(): Record<string, { payer: string; at: number }> {
    const v = this.memento.get<unknown>(PAYERS_KEY);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, { payer: string; at: number }>) : {};
  }

  /** The payer known without a call: fresh from globalState, or the account itself after a failure (until forced). */
  known(account: string, force = false): string | undefined {
    if (!force && this.failed.has(account)) return account;
    const e = this.stored()[account];
    const age = this.clock() - (e?.at ?? Number.NaN);
    return e && typeof e.payer === 'string' && /^\d{12}$/.test(e.payer) && age >= 0 && age < PAYER_TTL_MS ? e.payer : undefined;
  }

  async payerOf(account: string, via: string, ask: () => Promise<PayerInfo>, log: CostsAcrossPorts['log'], force = false): Promise<string> {
    const known = this.known(account, force);
    if (known) return known;
    try {
      const info = await ask();
      const payer = info.kind === 'organization' ? info.managementAccount : account;
      this.failed.delete(account);
      const next = Object.entries({ ...this.stored(), [account]: { payer, at: this.clock() } })
        .sort((a, b) => b[1].at - a[1].at)
        .slice(0, MAX_PAYERS);
      await this.memento.update(PAYERS_KEY, Object.fromEntries(next));
      log.info(`Costs: account ${account} is paid for by ${payer === account ? 'itself' : payer} (${info.kind}, read through ${via})`);
      return payer;
    } catch (e) {
      const why = problemOf(e) ? `${problemOf(e)?.code}: ${problemOf(e)?.message}` : String((e as Error)?.message ?? e);
      this.failed.set(account, why);
      log.warn(`Costs: the payer of account ${account} could not be read through ${via} (${why}); it counts as its own payer: its costs are asked of its own Cost Explorer`);
      return account;
    }
  }
}

/**
 * The figures of these connections (see the header). `leftOutBefore` are connections that could not
 * be read at all (their groups did not list). Throws when no connection's figures can be shown: the
 * first problem, so that one connection fails exactly as it always did.
 */
export async function loadCostsAcross(
  sources: readonly CostSource[],
  leftOutBefore: readonly LeftOut[],
  s: CostsAcrossSettings,
  options: { force: boolean; now: Date },
  ports: CostsAcrossPorts,
): Promise<CostsAcross> {
  const leftOut: LeftOut[] = [...leftOutBefore];
  // GovCloud: its costs are in the associated standard account's Cost Explorer; said before anything is sent.
  const usable: CostSource[] = [];
  for (const source of sources) {
    try {
      if (costsPartition(source.connection.region, source.arns) === 'aws-us-gov') ports.costExplorer(source).refuseGovCloud(source.arns);
      usable.push(source);
    } catch (e) {
      leftOut.push({ id: source.id, label: source.label, error: e });
    }
  }
  if (usable.length === 0) throw leftOut[0]?.error ?? new Error('No connection to show the costs of.');

  // The payer of each account, only when there are several accounts: with one, its own query is the plan whatever its payer.
  const accounts = [...new Set(usable.map((u) => u.account))];
  const payers = new Map<string, string>(accounts.map((a) => [a, a]));
  if (accounts.length > 1)
    await Promise.all(
      accounts.map(async (account) => {
        const via = usable.find((u) => u.account === account) as CostSource;
        payers.set(account, await ports.payers.payerOf(account, via.label, () => ports.describePayer(via), ports.log, options.force));
      }),
    );

  const plan = planCostQueries(usable.map((u) => ({ id: u.id, account: u.account, region: u.connection.region, payer: payers.get(u.account) ?? u.account })));
  const byId = new Map(usable.map((u) => [u.id, u]));
  const period = costPeriod(options.now, s.months);
  const outcomes = await Promise.all(
    plan.map(async (q): Promise<QueryOutcome> => {
      const signer = byId.get(q.signer) as CostSource;
      const key = queryCacheKey(s, { signer: { profile: signer.connection.profile, account: q.signerAccount, region: signer.connection.region, roleArn: signer.connection.roleArn }, scope: q.scope, payer: q.payer }, options.now);
      const what = plan.length > 1 || q.connections.length > 1 ? ` of ${q.connections.map((id) => byId.get(id)?.label).join(', ')}` : '';
      try {
        const r = await cachedOrQueried(ports.cache, key, { force: options.force, cacheHours: s.cacheHours, now: options.now.getTime() }, () =>
          ports.costExplorer(signer).getCostAndUsage({
            tagKey: s.tagKey,
            metric: s.metric,
            services: s.services,
            scope: q.scope,
            period,
            includeCreditsAndRefunds: s.includeCreditsAndRefunds,
          }),
        );
        if (r.fromCache) ports.log.info(`Costs: cached figures${what} of ${new Date(r.data.fetchedAt).toISOString()} used (no Cost Explorer request)`);
        else if (what) ports.log.info(`Costs: one query${what}, signed by ${signer.label} (payer ${q.payer}): ${r.data.pages} page${r.data.pages === 1 ? '' : 's'}`);
        return { plan: q, signer: signer.label, key, data: r.data, fromCache: r.fromCache };
      } catch (e) {
        // Nothing answered (offline, or Cost Explorer failing): the cached figures, however old, with the problem.
        const cached = ports.cache.get(key);
        if (cached && OFFLINE_CODES.has(problemOf(e)?.code ?? '')) return { plan: q, signer: signer.label, key, data: cached.data, fromCache: true, error: e };
        return { plan: q, signer: signer.label, key, fromCache: false, error: e };
      }
    }),
  );
  const answered = outcomes.filter((o) => o.data !== undefined);
  if (answered.length === 0) throw outcomes[0].error;
  for (const o of outcomes) if (!o.data) for (const id of o.plan.connections) leftOut.push({ id, label: byId.get(id)?.label ?? id, error: o.error });
  const covered = new Set(answered.flatMap((o) => o.plan.connections));
  return {
    data: mergeCostData(answered.map((o) => ({ data: o.data as CostData, scope: o.plan.scope }))),
    connections: usable.filter((u) => covered.has(u.id)).map((u) => ({ id: u.id, label: u.label, account: u.account, region: u.connection.region, groups: u.groups })),
    outcomes,
    leftOut,
  };
}
