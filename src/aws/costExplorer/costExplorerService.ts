// One method per Cost Explorer operation the extension uses. Each request costs USD 0.01, so every
// one is logged with its attempts and the session's running count, and a query is one request per page.
import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  GetDimensionValuesCommand,
  ListCostAllocationTagsCommand,
  StartCostAllocationTagBackfillCommand,
  UpdateCostAllocationTagsStatusCommand,
  type Expression,
  type GetCostAndUsageCommandOutput,
} from '@aws-sdk/client-cost-explorer';
import type { CostData, CostMonth } from '../../core/costs';
import { tagValueOfKey } from '../../core/costs';
import { CREDIT_RECORD_TYPES, costQueryFilter, costQueryGroupBy, secondGroupBy, type CostScope } from '../../core/costQueries';
import { monthOf, type CostPeriod } from '../../core/costPeriod';
import type { CallLogger } from '../billingGroupService';
import type { Connection } from '../connection';
import { costsPartition, type Partition } from '../../core/costAllocation';
import { isAbort } from '../errors';
import { govCloudProblem, toCostProblem } from './errors';

export interface CostQuery {
  tagKey: string;
  metric: string;
  /** SERVICE dimension values, e.g. "AWS IoT". */
  services: readonly string[];
  /**
   * LINKED_ACCOUNT and REGION: the connected accounts, each with its connected regions (billing groups
   * are regional). One account and region for one connection; a payer's query covers all of its
   * connected accounts (src/core/costQueries.ts).
   */
  scope: CostScope;
  period: CostPeriod;
  /**
   * false (the default setting): credits and refunds are left out with Not RECORD_TYPE in
   * [Credit, Refund] — the values GetDimensionValues lists for RECORD_TYPE (Cost Explorer API
   * reference, GetDimensionValues: "RECORD_TYPE - The different types of charges such as Reserved
   * Instance (RI) fees, usage costs, tax refunds, and credits").
   */
  includeCreditsAndRefunds: boolean;
}

export { CREDIT_RECORD_TYPES };

export type TagStatus = 'Active' | 'Inactive';

export interface CostAllocationTagInfo {
  key: string;
  status: string;
  type?: string;
  lastUsed?: string;
}

export interface TagStatusError {
  key: string;
  code: string;
  message: string;
}

/** How many Cost Explorer requests this session sent (they are billed). */
export interface RequestCounter {
  count: number;
}

/**
 * The request of a query, exactly as sent (also used by tests and the bench): its Filter and GroupBy
 * are src/core/costQueries.ts's (one account and region: the query as it always was).
 */
export function costAndUsageInput(q: CostQuery) {
  return {
    TimePeriod: { Start: q.period.start, End: q.period.end },
    Granularity: 'MONTHLY' as const,
    Metrics: [q.metric],
    // The core's Expression is the API's, with plain strings for its Dimension keys.
    Filter: costQueryFilter(q.scope, q.services, q.includeCreditsAndRefunds) as Expression,
    GroupBy: costQueryGroupBy(q.tagKey, secondGroupBy(q.scope)),
  };
}

export class CostExplorerService {
  /** From the connection's region; refuseGovCloud also looks at the groups' ARNs. */
  readonly partition: Partition;

  constructor(
    private readonly client: CostExplorerClient,
    readonly connection: Connection,
    private readonly log: CallLogger,
    private readonly counter: RequestCounter,
  ) {
    this.partition = costsPartition(connection.region, []);
  }

  /**
   * Throws the GovCloud sentence, before any request, when the region or the groups' ARNs say
   * aws-us-gov: a GovCloud account's costs are in its associated standard account's Cost Explorer.
   */
  refuseGovCloud(arns: readonly string[] = []): void {
    if (costsPartition(this.connection.region, arns) === 'aws-us-gov') throw govCloudProblem(this.connection.profile);
  }

  /** Sends one request, logs it (with the session's request count) and maps its error. */
  private async call<T extends { $metadata?: { requestId?: string; attempts?: number } }>(
    operation: string,
    send: () => Promise<T>,
    detail?: string,
  ): Promise<T> {
    this.refuseGovCloud(); // nothing is sent (or counted) from a GovCloud connection
    const started = Date.now();
    this.counter.count++;
    const entry = (outcome: string, meta?: { requestId?: string; attempts?: number }) =>
      this.log({
        operation,
        region: this.connection.region,
        requestId: meta?.requestId,
        durationMs: Date.now() - started,
        attempts: meta?.attempts,
        outcome,
        detail: `Cost Explorer${detail ? `, ${detail}` : ''}; ${this.counter.count} Cost Explorer request${this.counter.count === 1 ? '' : 's'} this session (USD 0.01 each)`,
      });
    try {
      const out = await send();
      entry('ok', out.$metadata);
      return out;
    } catch (e) {
      const meta = (e as { $metadata?: { requestId?: string; attempts?: number } }).$metadata;
      if (isAbort(e)) {
        entry('cancelled', meta);
        throw e;
      }
      const problem = toCostProblem(e, { operation, profile: this.connection.profile, region: this.connection.region });
      entry(problem.code, meta);
      throw Object.assign(problem, { sdkName: (e as { name?: string }).name });
    }
  }

  /**
   * A query: every page of GetCostAndUsage. When Cost Explorer refuses a page because the
   * request's parameters changed between pages (RequestChangedException: "Your request parameters
   * changed between pages. Try again with the old parameters or without a pagination token.", API
   * reference of GetCostAndUsage) or the page token (InvalidNextTokenException: "Try again without a
   * pagination token"), the query starts again without a token, once.
   */
  async getCostAndUsage(q: CostQuery, signal?: AbortSignal): Promise<CostData> {
    try {
      return await this.readAllPages(q, signal);
    } catch (e) {
      const name = (e as { sdkName?: string }).sdkName;
      if (name !== 'RequestChangedException' && name !== 'InvalidNextTokenException') throw e;
      return await this.readAllPages(q, signal, 'restarted');
    }
  }

  private async readAllPages(q: CostQuery, signal: AbortSignal | undefined, why?: string): Promise<CostData> {
    const input = costAndUsageInput(q);
    // A group's second key (GroupBy's order: "Keys", GetCostAndUsage API reference, Group) is its account or region.
    const second = secondGroupBy(q.scope);
    const place = (keys: readonly string[]) => {
      const v = keys[1];
      if (v === undefined || v === '') return {};
      return second === 'LINKED_ACCOUNT' ? { account: v } : second === 'REGION' ? { region: v } : {};
    };
    const byMonth = new Map<string, CostMonth>();
    for (const m of q.period.months) byMonth.set(m, { month: m, estimated: false, entries: [] });
    let token: string | undefined;
    let pages = 0;
    do {
      pages++;
      const out: GetCostAndUsageCommandOutput = await this.call(
        'GetCostAndUsage',
        () => this.client.send(new GetCostAndUsageCommand({ ...input, NextPageToken: token }), { abortSignal: signal }),
        `page ${pages}${why ? `, query ${why}` : ''}`,
      );
      for (const r of out.ResultsByTime ?? []) {
        const month = monthOf(r.TimePeriod?.Start ?? '');
        if (!month) continue;
        let m = byMonth.get(month);
        if (!m) {
          m = { month, estimated: false, entries: [] };
          byMonth.set(month, m);
        }
        m.estimated ||= r.Estimated === true;
        for (const g of r.Groups ?? []) {
          const metric = g.Metrics?.[q.metric];
          const amount = Number(metric?.Amount ?? 0);
          m.entries.push({ value: tagValueOfKey(g.Keys?.[0] ?? ''), amount: Number.isFinite(amount) ? amount : 0, unit: metric?.Unit ?? '', ...place(g.Keys ?? []) });
        }
      }
      token = out.NextPageToken || undefined;
    } while (token);
    const months = [...byMonth.values()].sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
    return { tagKey: q.tagKey, metric: q.metric, months, fetchedAt: Date.now(), pages, includesCreditsAndRefunds: q.includeCreditsAndRefunds };
  }

  /** Values of a dimension (e.g. SERVICE) seen in the period, every page. */
  async getDimensionValues(dimension: string, period: { start: string; end: string }, searchString?: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const r = await this.call('GetDimensionValues', () =>
        this.client.send(
          new GetDimensionValuesCommand({
            TimePeriod: { Start: period.start, End: period.end },
            Dimension: dimension as never,
            Context: 'COST_AND_USAGE',
            SearchString: searchString,
            NextPageToken: token,
          }),
        ),
      );
      for (const v of r.DimensionValues ?? []) if (v.Value !== undefined) out.push(v.Value);
      token = r.NextPageToken || undefined;
    } while (token);
    return out;
  }

  /**
   * The cost-allocation status of these keys (a key Billing has not seen yet is absent), or, with
   * `keys` undefined, of every key of the organisation with that status (user-defined and AWS-generated).
   */
  async listCostAllocationTags(keys: readonly string[] | undefined, status?: TagStatus): Promise<CostAllocationTagInfo[]> {
    const out: CostAllocationTagInfo[] = [];
    let token: string | undefined;
    do {
      const r = await this.call('ListCostAllocationTags', () =>
        this.client.send(
          new ListCostAllocationTagsCommand({ ...(keys ? { TagKeys: [...keys], Type: 'UserDefined' as const } : {}), ...(status ? { Status: status } : {}), NextToken: token }),
        ),
      );
      for (const t of r.CostAllocationTags ?? [])
        if (t.TagKey !== undefined) out.push({ key: t.TagKey, status: t.Status ?? 'Inactive', type: t.Type, lastUsed: t.LastUsedDate });
      token = r.NextToken || undefined;
    } while (token);
    return out;
  }

  /** Activates or deactivates keys. Per-key failures come back in Errors, not as an exception. */
  async updateCostAllocationTagsStatus(changes: readonly { key: string; status: TagStatus }[]): Promise<TagStatusError[]> {
    const r = await this.call('UpdateCostAllocationTagsStatus', () =>
      this.client.send(new UpdateCostAllocationTagsStatusCommand({ CostAllocationTagsStatus: changes.map((c) => ({ TagKey: c.key, Status: c.status })) })),
    );
    return (r.Errors ?? []).map((e) => ({ key: e.TagKey ?? '', code: e.Code ?? '', message: e.Message ?? '' }));
  }

  /** Asks Billing to apply active cost-allocation tags to usage since `from` (at most 12 months back, once per 24 hours). */
  async startCostAllocationTagBackfill(from: string): Promise<{ status: string; from: string }> {
    const r = await this.call('StartCostAllocationTagBackfill', () => this.client.send(new StartCostAllocationTagBackfillCommand({ BackfillFrom: from })));
    return { status: r.BackfillRequest?.BackfillStatus ?? 'PROCESSING', from: r.BackfillRequest?.BackfillFrom ?? from };
  }
}
