// Where the figures come from: the cache while fresh, else Cost Explorer — one query per payer across
// the connections (issue 17; costsAcross.ts runs the plan), never one per connection. Nothing here
// runs until someone asks for costs (the panel, Refresh, Export, or showInTree turned on).
import vscode = require('vscode');
import type { BillingGroupService, Connection } from '../aws';
import type { CostConnection, CostData, KnownGroup } from '../core/costs';
import type { Tag } from '../core/types';
import type { Session } from '../connection/session';
import type { Deps } from '../shared/deps';
import { asProblem, isCancellation, type ProblemLike } from '../shared/problems';
import { CostCache, LoadGate } from './costCache';
import { loadCostsAcross, OFFLINE_CODES, PayerBook, type CostSource, type CostsAcrossPorts, type LeftOut } from './costsAcross';
import { loadCostsAws } from './costsAwsLoader';
import type { CostExplorerLayer, CostExplorerService } from '../aws/costExplorer';
import { readCostSettings, type CostSettings } from './costSettings';

export interface LoadedCosts {
  /** The figures of every connection shown, each amount with its account and region. */
  data: CostData;
  /** The connections those figures cover (with their groups), in the tree's order. */
  connections: CostConnection[];
  /** Every figure came from the cache. */
  fromCache: boolean;
  /** Set when some figures are older than wanted because their query failed (e.g. offline). */
  problem?: ProblemLike;
  /** Connections whose costs are not shown, each with the sentence saying why. */
  leftOut: { id: string; label: string; message: string }[];
}

/** The account of a billing group ARN: arn:PARTITION:iot:REGION:ACCOUNT:billinggroup/NAME. */
export function accountOfArn(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

export class CostsModel implements vscode.Disposable {
  private layer: CostExplorerLayer | undefined;
  private readonly cache: CostCache;
  /** The payer of each account, kept a day in globalState (DescribeOrganization once per account). */
  private readonly payers: PayerBook;
  private readonly changed = new vscode.EventEmitter<LoadedCosts>();
  /** Fires with each new set of figures (a query, or the cache read for another key). */
  readonly onDidChange = this.changed.event;
  /** Tags read by Set Up, per connection id and group name: groups tagged another way than the convention are matched through them. */
  private readonly tagsSeen = new Map<string, Map<string, Tag[]>>();
  /** Each connection's groups, per session generation. */
  private readonly groupLists = new Map<string, { generation: number; groups: { name: string; arn: string }[] }>();
  /** STS's answer for a connection without groups, per session generation. */
  private readonly stsAccounts = new Map<string, { generation: number; account: string }>();
  private readonly gate = new LoadGate<LoadedCosts>();
  last: LoadedCosts | undefined;

  constructor(private readonly deps: Deps) {
    this.cache = new CostCache(deps.context.globalState);
    this.payers = new PayerBook(deps.context.globalState);
  }

  /** The connections whose costs are shown: every connection of the view, the first one first. */
  sessions(): Session[] {
    return this.deps.connections.all.filter((s) => !s.disposed);
  }

  /** Cost Explorer with a connection's credentials (loads dist/costs-aws.js on first use). */
  private ceFor(connection: Connection): CostExplorerService {
    if (!this.layer) {
      const { createCostExplorerLayer } = loadCostsAws();
      this.layer = createCostExplorerLayer({ log: (e) => this.deps.log.call(e) });
    }
    return this.layer.service(connection, this.deps.connections.aws().credentials(connection));
  }

  /** The Cost Explorer service of a connection (Set Up acts on one). */
  async costExplorer(session: Session): Promise<{ ce: CostExplorerService; connection: Connection }> {
    const { connection } = await session.connect();
    return { ce: this.ceFor(connection), connection };
  }

  /** Cost Explorer requests this window sent (bench, log). */
  requestCount(): number {
    return this.layer?.requestCount() ?? 0;
  }

  /** Tags Set Up read or wrote for a group of a connection. */
  rememberTags(session: Session, name: string, tags: Tag[]): void {
    const mine = this.tagsSeen.get(session.id) ?? new Map<string, Tag[]>();
    mine.set(name, tags);
    this.tagsSeen.set(session.id, mine);
  }

  /** Forgets a connection's group list (groups were created, deleted or tagged). */
  forgetGroups(session: Session): void {
    this.groupLists.delete(session.id);
  }

  private async groups(session: Session, service: BillingGroupService, generation: number, force: boolean): Promise<{ name: string; arn: string }[]> {
    const kept = this.groupLists.get(session.id);
    const known = kept?.generation === generation ? kept : undefined;
    if (!force && known) return known.groups;
    try {
      const groups = await service.listAllBillingGroups({}, session.signal);
      this.groupLists.set(session.id, { generation, groups });
      return groups;
    } catch (e) {
      // Offline: the groups listed before serve, so the cached figures can still be shown.
      if (!known || !OFFLINE_CODES.has(asProblem(e)?.code ?? '')) throw e;
      this.deps.log.warn(`Costs: the billing groups of ${session.label} could not be listed again (${asProblem(e)?.code}); those listed before are used`);
      return known.groups;
    }
  }

  /** A connection as the plan needs it: resolved, its groups listed, its account (the groups' ARNs, else STS once per generation). */
  private async source(session: Session, force: boolean): Promise<CostSource> {
    const { connection, service, generation } = await session.connect();
    const list = await this.groups(session, service, generation, force);
    let account = list.map((g) => accountOfArn(g.arn)).find((a) => a !== undefined) ?? session.account;
    if (!account) {
      const kept = this.stsAccounts.get(session.id);
      account = kept?.generation === generation ? kept.account : await service.callerAccount(session.signal);
      this.stsAccounts.set(session.id, { generation, account });
    }
    const seen = this.tagsSeen.get(session.id);
    // Tags the extension already read or wrote (details, Edit Tags, Set Up): groups tagged another way are matched through them.
    const groups: KnownGroup[] = list.map((g) => ({ name: g.name, tags: service.knownTags(g.arn) ?? seen?.get(g.name) }));
    return { id: session.id, label: session.label, connection, account, groups, arns: list.map((g) => g.arn) };
  }

  /**
   * The costs: cached while fresh (force: query anyway). Concurrent callers share one load; a forced
   * Refresh during a load that queries shares it (one billed query per payer, not two).
   */
  load(options: { force?: boolean } = {}): Promise<LoadedCosts> {
    return this.gate.run(options.force === true, (force) => this.loadNow(force, readCostSettings()));
  }

  private async loadNow(force: boolean, s: CostSettings): Promise<LoadedCosts> {
    const sessions = this.sessions();
    // What was kept of connections since removed goes.
    const live = new Set(sessions.map((x) => x.id));
    for (const kept of [this.groupLists, this.stsAccounts, this.tagsSeen]) for (const id of [...kept.keys()]) if (!live.has(id)) kept.delete(id);
    // Each connection on its own: one whose groups cannot be listed is left out, with why (with one
    // connection, its problem is the load's, as it always was).
    const read = await Promise.all(
      sessions.map(async (session): Promise<CostSource | LeftOut> => {
        try {
          return await this.source(session, force);
        } catch (e) {
          if (sessions.length === 1) throw e;
          return { id: session.id, label: session.label, error: e };
        }
      }),
    );
    const sources = read.filter((r): r is CostSource => 'connection' in r);
    const leftOut = read.filter((r): r is LeftOut => !('connection' in r));
    const ports: CostsAcrossPorts = {
      cache: this.cache,
      payers: this.payers,
      describePayer: async (source) => {
        const org = this.deps.connections.aws().organizations(source.connection);
        try {
          return await org.payer();
        } finally {
          org.dispose();
        }
      },
      costExplorer: (source) => this.ceFor(source.connection),
      log: { info: (m) => this.deps.log.info(m), warn: (m) => this.deps.log.warn(m) },
    };
    // The key holds the period of this instant: after 00:00 UTC on the 1st, last month's figures are another key.
    const r = await loadCostsAcross(sources, leftOut, s, { force, now: new Date() }, ports);
    const answered = r.outcomes.filter((o) => o.data);
    const offline = answered.find((o) => o.error !== undefined);
    const said = (e: unknown) => asProblem(e)?.message ?? String((e as Error)?.message ?? e);
    for (const l of r.leftOut) this.deps.log.warn(`Costs: the costs of ${l.label} are not shown: ${said(l.error)}`);
    return this.publish({
      data: r.data,
      connections: r.connections,
      fromCache: answered.every((o) => o.fromCache),
      ...(offline ? { problem: asProblem(offline.error) } : {}),
      leftOut: r.leftOut.filter((l) => !isCancellation(l.error)).map((l) => ({ id: l.id, label: l.label, message: said(l.error) })),
    });
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
