// Where the figures come from: the cache while fresh, else the one Cost Explorer query. Nothing here
// runs until someone asks for costs (the panel, Refresh, Export, or showInTree turned on).
import vscode = require('vscode');
import type { Connection } from '../aws';
import { costsPartition } from '../core/costAllocation';
import { costPeriod } from '../core/costPeriod';
import type { CostData, KnownGroup } from '../core/costs';
import type { Tag } from '../core/types';
import type { Session } from '../connection/session';
import type { Deps } from '../shared/deps';
import { asProblem, type ProblemLike } from '../shared/problems';
import { cachedOrQueried, CostCache, costCacheKey, LoadGate, type CostCacheKey } from './costCache';
import { loadCostsAws } from './costsAwsLoader';
import type { CostExplorerLayer, CostExplorerService } from '../aws/costExplorer';
import { readCostSettings, type CostSettings } from './costSettings';

export interface LoadedCosts {
  data: CostData;
  groups: KnownGroup[];
  key: CostCacheKey;
  fromCache: boolean;
  /** Set when the figures are older than wanted because the query failed (e.g. offline). */
  problem?: ProblemLike;
}

/** The account of a billing group ARN: arn:PARTITION:iot:REGION:ACCOUNT:billinggroup/NAME. */
export function accountOfArn(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

/** Problems after which cached figures still serve: nothing answered. */
const OFFLINE_CODES = new Set(['EndpointUnreachable', 'BadResponse', 'InternalFailure']);

export class CostsModel implements vscode.Disposable {
  private layer: CostExplorerLayer | undefined;
  private readonly cache: CostCache;
  private readonly changed = new vscode.EventEmitter<LoadedCosts>();
  /** Fires with each new set of figures (a query, or the cache read for another key). */
  readonly onDidChange = this.changed.event;
  /** Tags read by Set Up (name → tags): groups tagged another way than the convention are matched through them. */
  readonly knownTags = new Map<string, Tag[]>();
  private groupsCache: { generation: number; groups: { name: string; arn: string }[] } | undefined;
  private readonly gate = new LoadGate<LoadedCosts>();
  last: LoadedCosts | undefined;
  /** STS's answer for an account without groups, kept for the session's connection. */
  private account: string | undefined;

  constructor(private readonly deps: Deps) {
    this.cache = new CostCache(deps.context.globalState);
  }

  /** The connection whose costs are shown: the first (costs across connections: see issue 17). */
  get session(): Session {
    return this.deps.connections.primary;
  }

  /** The Cost Explorer service of the current connection (loads dist/costs-aws.js on first use). */
  async costExplorer(): Promise<{ ce: CostExplorerService; connection: Connection }> {
    const { connection } = await this.session.connect();
    if (!this.layer) {
      const { createCostExplorerLayer } = loadCostsAws();
      this.layer = createCostExplorerLayer({ log: (e) => this.deps.log.call(e) });
    }
    const aws = this.session.aws();
    return { ce: this.layer.service(connection, aws.credentials(connection)), connection };
  }

  /** Cost Explorer requests this window sent (bench, log). */
  requestCount(): number {
    return this.layer?.requestCount() ?? 0;
  }

  private async groups(force: boolean, signal?: AbortSignal): Promise<{ name: string; arn: string }[]> {
    const { service, generation } = await this.session.connect();
    const known = this.groupsCache?.generation === generation ? this.groupsCache : undefined;
    if (force || !known) {
      if (!known) this.account = undefined;
      try {
        this.groupsCache = { generation, groups: await service.listAllBillingGroups({}, signal) };
      } catch (e) {
        // Offline: the groups listed before serve, so the cached figures can still be shown (loadNow).
        if (!known || !OFFLINE_CODES.has(asProblem(e)?.code ?? '')) throw e;
        this.deps.log.warn(`Costs: the billing groups could not be listed again (${asProblem(e)?.code}); those listed before are used`);
        return known.groups;
      }
      return this.groupsCache.groups;
    }
    return known.groups;
  }

  /** Forgets the group list (groups were created, deleted or tagged). */
  forgetGroups(): void {
    this.groupsCache = undefined;
  }

  /**
   * The costs: cached while fresh (force: query anyway). Concurrent callers share one load; a forced
   * Refresh during a load that queries shares it (one billed query, not two).
   */
  load(options: { force?: boolean } = {}): Promise<LoadedCosts> {
    return this.gate.run(options.force === true, (force) => this.loadNow(force, readCostSettings()));
  }

  private async loadNow(force: boolean, s: CostSettings): Promise<LoadedCosts> {
    const { connection, service } = await this.session.connect();
    const list = await this.groups(force);
    // The account from the groups' ARNs; without groups, from STS (all usage is then Unallocated).
    const account = list.map((g) => accountOfArn(g.arn)).find((a) => a !== undefined) ?? (this.account ??= await service.callerAccount());
    // Tags the extension already read or wrote (details, Edit Tags, Set Up): groups tagged another way are matched through them.
    const groups: KnownGroup[] = list.map((g) => ({ name: g.name, tags: service.knownTags(g.arn) ?? this.knownTags.get(g.name) }));
    // GovCloud: its costs are in the associated standard account's Cost Explorer; said before anything is sent.
    if (costsPartition(connection.region, list.map((g) => g.arn)) === 'aws-us-gov') (await this.costExplorer()).ce.refuseGovCloud(list.map((g) => g.arn));
    // The key holds the period of this instant: after 00:00 UTC on the 1st, last month's figures are another key.
    const now = new Date();
    const key: CostCacheKey = costCacheKey(s, { profile: connection.profile, account, region: connection.region }, now);
    try {
      const r = await cachedOrQueried(this.cache, key, { force, cacheHours: s.cacheHours, now: now.getTime() }, async () => {
        const { ce } = await this.costExplorer();
        return ce.getCostAndUsage({
          tagKey: s.tagKey,
          metric: s.metric,
          services: s.services,
          account,
          region: connection.region,
          period: costPeriod(now, s.months),
          includeCreditsAndRefunds: s.includeCreditsAndRefunds,
        });
      });
      if (r.fromCache) this.deps.log.info(`Costs: cached figures of ${new Date(r.data.fetchedAt).toISOString()} used (no Cost Explorer request)`);
      return this.publish({ data: r.data, groups, key, fromCache: r.fromCache });
    } catch (e) {
      // Nothing answered (offline, or Cost Explorer failing): the cached figures, however old, with the problem.
      const cached = this.cache.get(key);
      const problem = asProblem(e);
      if (cached && problem && OFFLINE_CODES.has(problem.code)) return this.publish({ data: cached.data, groups, key, fromCache: true, problem });
      throw e;
    }
  }

  private publish(loaded: LoadedCosts): LoadedCosts {
    this.last = loaded;
    this.changed.fire(loaded);
    return loaded;
  }

  dispose(): void {
    this.layer?.dispose();
    this.changed.dispose();
  }
}
