// TEST CODE ONLY — what moto_server 5.2.1 lacks of Cost Explorer, answered beside the tag layer.
// Never shipped.
//
// moto answers GetCostAndUsage from results queued through POST /moto-api/static/ce/cost-and-usage-results
// (queueCostAndUsage below), but not GetDimensionValues, ListCostAllocationTags,
// UpdateCostAllocationTagsStatus or StartCostAllocationTagBackfill (ListCostAllocationTags answers 500).
// This stand-in answers those four with the shapes of the SDK's model (JSON 1.1 protocol: POST /,
// X-Amz-Target: AWSInsightsIndexService.<Operation>), and any Cost Explorer operation with an error
// queued by failNext(), so each problem Cost Explorer can report is reproducible. It also models
// what an account is (issue 16):
//   - accountType 'member': a member (linked) account of an organisation, which Cost Explorer refuses
//     the cost-allocation tag operations whatever its IAM permissions (HTTP 400 AccessDeniedException
//     "Failed to list Cost Allocation Tags: Linked account doesn't have access to cost allocation
//     tags." — the answer quoted in public issues: hashicorp/terraform-provider-aws#37636,
//     aws/aws-parallelcluster-ui#242, 2i2c-org/infrastructure#4932 for Update…; the backfill's
//     wording is modelled alike, an assumption);
//   - GovCloud: a request signed for a us-gov-* region (the credential scope of its Authorization
//     header) is counted in govCloudRequests and refused: a GovCloud account's costs are in its
//     associated standard account's Cost Explorer;
//   - record types: with `usage` set, GetCostAndUsage is answered from it (monthly, grouped by the
//     TAG key), applying the request's RECORD_TYPE filter (Dimensions, or Not Dimensions) as Cost
//     Explorer does, so credits and refunds can be left out or kept.
// Issue 17 (costs across connections) adds what AWS does with several accounts and regions:
//   - usage records may name their account and region (and service); the whole Filter is applied
//     (And, Or, Not of Dimensions SERVICE, LINKED_ACCOUNT, REGION, RECORD_TYPE), each Expression with
//     one root (Cost Explorer API reference, Expression: "Expression has more than one roots. Only one
//     root operator is allowed for each expression"); a record without a field is kept by a filter of it;
//   - GroupBy holds at most two entries (GetCostAndUsage API reference, GroupBy: "up to two
//     different groups"): TAG first, then DIMENSION LINKED_ACCOUNT or REGION, whose value is the
//     group's second key;
//   - who asks: a request's signing access key (its SigV4 Credential) is mapped to its account —
//     moto's default account for keys the layer never saw issued, else the account of the role whose
//     AssumeRole answer passed through the tag layer (learnKey) — and Cost Explorer of an account sees
//     the usage of the accounts it pays for (its own, and its members' when it is a management
//     account: `payers`), as consolidated billing does: a member's Cost Explorer sees only its own;
//   - with `usagePageSize` set, the groups are spread over pages of that many, each page's token bound
//     to the request's other parameters (another request with that token is RequestChangedException).
import type * as http from 'node:http';
import { randomUUID } from 'node:crypto';

export const COST_EXPLORER_TARGET_PREFIX = 'AWSInsightsIndexService.';

/** The Cost Explorer operation of a request (from X-Amz-Target), or undefined. */
export function costExplorerOperation(headers: http.IncomingHttpHeaders): string | undefined {
  const target = headers['x-amz-target'];
  return typeof target === 'string' && target.startsWith(COST_EXPLORER_TARGET_PREFIX) ? target.slice(COST_EXPLORER_TARGET_PREFIX.length) : undefined;
}

export interface StandInTag {
  key: string;
  status: 'Active' | 'Inactive';
  type?: 'UserDefined' | 'AWSGenerated';
}

interface QueuedError {
  operation: string;
  /** An error's type, or undefined for a successful answer (`body`). */
  type?: string;
  message: string;
  body?: unknown;
  status: number;
  times: number;
  skip: number;
}

/** One month's usage of one tag value ('' = untagged) by Cost Explorer record type (Usage, Credit, Refund, Tax, …). */
export interface UsageRecord {
  /** YYYY-MM. */
  month: string;
  value: string;
  recordType: string;
  amount: number;
  /** LINKED_ACCOUNT; absent: kept by any account filter and seen by every account. */
  account?: string;
  /** REGION; absent: kept by any region filter. */
  region?: string;
  /** SERVICE; absent: kept by any service filter. */
  service?: string;
}

/** moto's account for access keys it did not issue (the suite's "testing" keys). */
export const MOTO_DEFAULT_ACCOUNT = '123456789012';

export type AccountType = 'management' | 'member' | 'standalone';

const LINKED_ACCOUNT_REFUSAL: Record<string, string> = {
  ListCostAllocationTags: "Failed to list Cost Allocation Tags: Linked account doesn't have access to cost allocation tags.",
  UpdateCostAllocationTagsStatus: "Failed to update Cost Allocation Tag: Linked account doesn't have access to cost allocation tags.",
  StartCostAllocationTagBackfill: "Failed to start Cost Allocation Tag backfill: Linked account doesn't have access to cost allocation tags.",
};

export interface CostExplorerStandIn {
  /** 'member': the cost-allocation tag operations are refused as AWS refuses a linked account's. */
  accountType: AccountType;
  /** Usage by record type: when not empty, GetCostAndUsage is answered from it (with its RECORD_TYPE filter). */
  readonly usage: UsageRecord[];
  /** Requests signed for a GovCloud region (they are refused). */
  readonly govCloudRequests: number;
  /** Keys Billing knows (a key applied minutes ago is unknown for up to 24 hours: leave it out). */
  readonly tags: StandInTag[];
  /** Values per dimension, e.g. SERVICE → ["AWS IoT", …]. */
  readonly dimensionValues: Map<string, string[]>;
  /** Backfills asked for (BackfillFrom), in order. */
  readonly backfills: string[];
  /** Keys whose activation fails per key, in the response's Errors: key → [Code, Message]. */
  readonly activationErrors: Map<string, [string, string]>;
  /** After `skip` requests of `operation`, the next `times` get this error (before moto or the stand-in sees them). */
  failNext(operation: string, type: string, message: string, options?: { status?: number; times?: number; skip?: number }): void;
  /** The next request of `operation` is answered with this body (e.g. a GetCostAndUsage result moto would give for other parameters only). */
  answerNext(operation: string, body: unknown): void;
  /** Answers the request, or returns false to let it pass to moto. */
  handle(operation: string, body: unknown, res: http.ServerResponse, headers?: http.IncomingHttpHeaders): number | false;
  /** Account → the account that pays for it (its organisation's management account); absent: itself (standalone). */
  readonly payers: Map<string, string>;
  /** With usage set: groups per GetCostAndUsage page (undefined: one page). */
  usagePageSize: number | undefined;
  /** Remembers the account of an access key (an AssumeRole answer seen by the tag layer). */
  learnKey(accessKeyId: string, account: string): void;
  /** The account a request was signed for: its access key's, moto's default account for a key never issued. */
  signingAccount(headers: http.IncomingHttpHeaders | undefined): string | undefined;
  reset(): void;
}

/** The access key of a SigV4 Authorization header (Credential=KEY/DATE/REGION/SERVICE/aws4_request). */
export function signingKey(headers: http.IncomingHttpHeaders | undefined): string | undefined {
  const auth = headers?.authorization;
  const m = typeof auth === 'string' ? /Credential=([^/]+)\//.exec(auth) : null;
  return m ? m[1] : undefined;
}

const STAND_IN_OPERATIONS = new Set(['GetDimensionValues', 'ListCostAllocationTags', 'UpdateCostAllocationTagsStatus', 'StartCostAllocationTagBackfill']);

function send(res: http.ServerResponse, status: number, value: unknown): number {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': randomUUID(), 'content-length': Buffer.byteLength(body) });
  res.end(body);
  return status;
}

/** An error as JSON 1.1 services send it: `__type` names it. */
function sendError(res: http.ServerResponse, status: number, type: string, message: string): number {
  return send(res, status, { __type: type, Message: message });
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The region of a SigV4 Authorization header's credential scope (Credential=KEY/DATE/REGION/SERVICE/aws4_request). */
function signingRegion(headers: http.IncomingHttpHeaders | undefined): string | undefined {
  const auth = headers?.authorization;
  const m = typeof auth === 'string' ? /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(auth) : null;
  return m ? m[1] : undefined;
}

const ROOTS = ['And', 'Or', 'Not', 'Dimensions', 'Tags', 'CostCategories'];

/** Cost Explorer's refusal of an Expression with more than one root operator (or none), or undefined. */
function expressionProblem(expr: unknown): string | undefined {
  const e = obj(expr);
  const roots = ROOTS.filter((k) => e[k] !== undefined);
  if (roots.length !== 1) return 'Expression has more than one roots. Only one root operator is allowed for each expression: And, Or, Not, Dimensions, Tags, CostCategories';
  if (Array.isArray(e.And)) return e.And.map(expressionProblem).find((x) => x);
  if (Array.isArray(e.Or)) return e.Or.map(expressionProblem).find((x) => x);
  if (e.Not !== undefined) return expressionProblem(e.Not);
  return undefined;
}

/** The record's value of a dimension (undefined: the record does not say). */
function dimensionOf(u: UsageRecord, key: unknown): string | undefined {
  switch (key) {
    case 'RECORD_TYPE':
      return u.recordType;
    case 'LINKED_ACCOUNT':
      return u.account;
    case 'REGION':
      return u.region;
    case 'SERVICE':
      return u.service;
  }
  return undefined;
}

/**
 * Does a Cost Explorer Expression keep this record? true, false, or undefined when it filters on what
 * the record does not say (kept in the end, so records without accounts keep their old meaning).
 */
function evaluate(expr: unknown, u: UsageRecord): boolean | undefined {
  const e = obj(expr);
  const all = (xs: unknown[]) => xs.map((x) => evaluate(x, u));
  if (Array.isArray(e.And)) {
    const r = all(e.And);
    return r.includes(false) ? false : r.includes(undefined) ? undefined : true;
  }
  if (Array.isArray(e.Or)) {
    const r = all(e.Or);
    return r.includes(true) ? true : r.includes(undefined) ? undefined : false;
  }
  if (e.Not !== undefined) {
    const r = evaluate(e.Not, u);
    return r === undefined ? undefined : !r;
  }
  const d = obj(e.Dimensions);
  const value = dimensionOf(u, d.Key);
  if (value === undefined) return undefined;
  return Array.isArray(d.Values) && d.Values.includes(value);
}

function keeps(expr: unknown, u: UsageRecord): boolean {
  return expr === undefined || evaluate(expr, u) !== false;
}

function nextMonthStart(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

export function createCostExplorerStandIn(options: { pageSize?: number } = {}): CostExplorerStandIn {
  const pageSize = options.pageSize ?? 2;
  const usage: UsageRecord[] = [];
  let govCloudRequests = 0;
  let accountType: AccountType = 'management';
  const tags: StandInTag[] = [];
  const dimensionValues = new Map<string, string[]>();
  const backfills: string[] = [];
  const activationErrors = new Map<string, [string, string]>();
  const errors: QueuedError[] = [];
  const payers = new Map<string, string>();
  const keyAccounts = new Map<string, string>();
  let usagePageSize: number | undefined;
  const signingAccount = (headers: http.IncomingHttpHeaders | undefined) => {
    const key = signingKey(headers);
    return key === undefined ? undefined : (keyAccounts.get(key) ?? MOTO_DEFAULT_ACCOUNT);
  };
  /** What the signing account's Cost Explorer sees: its own usage and that of the accounts it pays for. */
  const visibleTo = (viewer: string | undefined, u: UsageRecord) => viewer === undefined || u.account === undefined || u.account === viewer || payers.get(u.account) === viewer;

  /** Paging by offset, the token bound to the operation so it cannot be replayed elsewhere. */
  const page = <T>(items: T[], token: unknown, op: string): { items: T[]; next?: string } | undefined => {
    let offset = 0;
    if (typeof token === 'string' && token !== '') {
      const m = /^(\d+):(.*)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
      if (!m || m[2] !== op) return undefined;
      offset = Number(m[1]);
    }
    const next = offset + pageSize < items.length ? Buffer.from(`${offset + pageSize}:${op}`).toString('base64url') : undefined;
    return { items: items.slice(offset, offset + pageSize), next };
  };

  return {
    get accountType() {
      return accountType;
    },
    set accountType(v: AccountType) {
      accountType = v;
    },
    usage,
    get govCloudRequests() {
      return govCloudRequests;
    },
    tags,
    dimensionValues,
    backfills,
    activationErrors,
    payers,
    get usagePageSize() {
      return usagePageSize;
    },
    set usagePageSize(v: number | undefined) {
      usagePageSize = v;
    },
    learnKey(accessKeyId, account) {
      keyAccounts.set(accessKeyId, account);
    },
    signingAccount,
    answerNext(operation, body) {
      errors.push({ operation, message: '', body, status: 200, times: 1, skip: 0 });
    },
    failNext(operation, type, message, o = {}) {
      errors.push({ operation, type, message, status: o.status ?? 400, times: o.times ?? 1, skip: o.skip ?? 0 });
    },
    handle(op, rawBody, res, headers) {
      if (/^us-gov-/.test(signingRegion(headers) ?? '')) {
        govCloudRequests++;
        return sendError(res, 400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
      }
      const queued = errors.find((e) => e.operation === op && e.times > 0);
      if (queued && queued.skip > 0) queued.skip--;
      else if (queued) {
        queued.times--;
        return queued.type === undefined ? send(res, queued.status, queued.body) : sendError(res, queued.status, queued.type, queued.message);
      }
      const body = obj(rawBody);
      // A member account: set as such, or (issue 17) signed by an account another pays for.
      const signer = signingAccount(headers);
      const member = accountType === 'member' || (signer !== undefined && payers.has(signer) && payers.get(signer) !== signer);
      if (member && LINKED_ACCOUNT_REFUSAL[op]) return sendError(res, 400, 'AccessDeniedException', LINKED_ACCOUNT_REFUSAL[op]);
      if (op === 'GetCostAndUsage' && usage.length > 0) {
        const start = String(obj(body.TimePeriod).Start ?? '');
        const end = String(obj(body.TimePeriod).End ?? '');
        const metric = Array.isArray(body.Metrics) ? String(body.Metrics[0]) : 'UnblendedCost';
        const groupBy = Array.isArray(body.GroupBy) ? body.GroupBy.map(obj) : [];
        if (groupBy.length > 2) return sendError(res, 400, 'ValidationException', 'GroupBy can contain at most two elements');
        const filterProblem = body.Filter === undefined ? undefined : expressionProblem(body.Filter);
        if (filterProblem) return sendError(res, 400, 'ValidationException', filterProblem);
        const tagKey = String(groupBy[0]?.Key ?? '');
        const second = groupBy[1] && groupBy[1].Type === 'DIMENSION' ? String(groupBy[1].Key) : undefined;
        const viewer = signer;
        const kept = usage.filter((u) => visibleTo(viewer, u) && keeps(body.Filter, u));
        const months = [...new Set(usage.map((u) => u.month))].filter((m) => `${m}-01` >= start.slice(0, 8) + '01' && `${m}-01` < end).sort();
        // Every group of the answer, month by month; pages of usagePageSize groups when set.
        const groups: { month: string; keys: string[]; amount: number }[] = [];
        for (const month of months) {
          const byKey = new Map<string, { keys: string[]; amount: number }>();
          for (const u of kept) {
            if (u.month !== month) continue;
            const keys = [`${tagKey}$${u.value}`, ...(second ? [String(dimensionOf(u, second) ?? '')] : [])];
            const k = JSON.stringify(keys);
            const g = byKey.get(k) ?? { keys, amount: 0 };
            g.amount += u.amount;
            byKey.set(k, g);
          }
          for (const g of byKey.values()) groups.push({ month, ...g });
        }
        const { NextPageToken: token, ...request } = body;
        const binding = JSON.stringify(request);
        let offset = 0;
        if (typeof token === 'string' && token !== '') {
          const m = /^(\d+):(.*)$/s.exec(Buffer.from(token, 'base64url').toString('utf8'));
          if (!m) return sendError(res, 400, 'InvalidNextTokenException', 'Invalid pagination token');
          if (m[2] !== binding) return sendError(res, 400, 'RequestChangedException', 'Your request parameters changed between pages. Try again with the old parameters or without a pagination token.');
          offset = Number(m[1]);
        }
        const size = usagePageSize ?? Math.max(1, groups.length);
        const pageGroups = groups.slice(offset, offset + size);
        const next = offset + size < groups.length ? Buffer.from(`${offset + size}:${binding}`).toString('base64url') : undefined;
        // The first page lists every month (empty months too); later pages only the months of their groups.
        const pageMonths = offset === 0 ? months : [...new Set(pageGroups.map((g) => g.month))];
        return send(res, 200, {
          ResultsByTime: pageMonths.map((month) => {
            const monthEnd = nextMonthStart(month) < end ? nextMonthStart(month) : end;
            return {
              TimePeriod: { Start: `${month}-01` < start ? start : `${month}-01`, End: monthEnd },
              Total: {},
              Groups: pageGroups.filter((g) => g.month === month).map((g) => ({ Keys: g.keys, Metrics: { [metric]: { Amount: String(g.amount), Unit: 'USD' } } })),
              Estimated: monthEnd === end,
            };
          }),
          DimensionValueAttributes: [],
          ...(next ? { NextPageToken: next } : {}),
        });
      }
      if (!STAND_IN_OPERATIONS.has(op)) return false;
      switch (op) {
        case 'GetDimensionValues': {
          if (typeof body.Dimension !== 'string' || !obj(body.TimePeriod).Start || !obj(body.TimePeriod).End)
            return sendError(res, 400, 'ValidationException', 'TimePeriod and Dimension are required');
          const search = typeof body.SearchString === 'string' ? body.SearchString.toLowerCase() : '';
          const values = (dimensionValues.get(body.Dimension) ?? []).filter((v) => v.toLowerCase().includes(search));
          const p = page(values, body.NextPageToken, op);
          if (!p) return sendError(res, 400, 'InvalidNextTokenException', 'Invalid pagination token');
          return send(res, 200, {
            DimensionValues: p.items.map((Value) => ({ Value, Attributes: {} })),
            ReturnSize: p.items.length,
            TotalSize: values.length,
            ...(p.next ? { NextPageToken: p.next } : {}),
          });
        }
        case 'ListCostAllocationTags': {
          const keys = Array.isArray(body.TagKeys) ? (body.TagKeys as unknown[]) : undefined;
          const found = tags.filter((t) => (!keys || keys.includes(t.key)) && (body.Type === undefined || (t.type ?? 'UserDefined') === body.Type) && (body.Status === undefined || t.status === body.Status));
          const p = page(found, body.NextToken, op);
          if (!p) return sendError(res, 400, 'InvalidNextTokenException', 'Invalid pagination token');
          return send(res, 200, {
            CostAllocationTags: p.items.map((t) => ({ TagKey: t.key, Type: t.type ?? 'UserDefined', Status: t.status })),
            ...(p.next ? { NextToken: p.next } : {}),
          });
        }
        case 'UpdateCostAllocationTagsStatus': {
          const list = Array.isArray(body.CostAllocationTagsStatus) ? body.CostAllocationTagsStatus.map(obj) : [];
          if (list.length === 0 || list.length > 20) return sendError(res, 400, 'ValidationException', 'CostAllocationTagsStatus must hold 1 to 20 entries');
          const out: { TagKey: string; Code: string; Message: string }[] = [];
          for (const entry of list) {
            const key = String(entry.TagKey ?? '');
            const status = entry.Status === 'Active' ? 'Active' : 'Inactive';
            const forced = activationErrors.get(key);
            const tag = tags.find((t) => t.key === key);
            if (forced) out.push({ TagKey: key, Code: forced[0], Message: forced[1] });
            else if (!tag) out.push({ TagKey: key, Code: 'TagKeysNotFoundException', Message: `The tag key ${key} was not found.` });
            else tag.status = status;
          }
          return send(res, 200, { Errors: out });
        }
        case 'StartCostAllocationTagBackfill': {
          if (typeof body.BackfillFrom !== 'string') return sendError(res, 400, 'ValidationException', 'BackfillFrom is required');
          if (backfills.length > 0) return sendError(res, 400, 'BackfillLimitExceededException', 'You can request a backfill once every 24 hours.');
          backfills.push(body.BackfillFrom);
          const now = new Date().toISOString();
          return send(res, 200, { BackfillRequest: { BackfillFrom: body.BackfillFrom, RequestedAt: now, BackfillStatus: 'PROCESSING', LastUpdatedAt: now } });
        }
      }
      return false;
    },
    reset() {
      accountType = 'management';
      usage.length = 0;
      govCloudRequests = 0;
      tags.length = 0;
      dimensionValues.clear();
      backfills.length = 0;
      activationErrors.clear();
      errors.length = 0;
      payers.clear();
      keyAccounts.clear();
      usagePageSize = undefined;
    },
  };
}

/** Queues GetCostAndUsage answers in moto (its static results API), in the order requests take them. */
export async function queueCostAndUsage(motoEndpoint: string, results: unknown[]): Promise<void> {
  const res = await fetch(`${motoEndpoint}/moto-api/static/ce/cost-and-usage-results`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ results }),
  });
  if (!res.ok) throw new Error(`queueing Cost Explorer results failed: HTTP ${res.status} ${await res.text()}`);
}

/** One month of a GetCostAndUsage answer: `amounts` maps tag values ('' = untagged) to amounts in USD. */
export function costMonthResult(start: string, end: string, tagKey: string, amounts: Record<string, number>, options: { estimated?: boolean; metric?: string } = {}) {
  const metric = options.metric ?? 'UnblendedCost';
  return {
    TimePeriod: { Start: start, End: end },
    Total: {},
    Groups: Object.entries(amounts).map(([value, amount]) => ({ Keys: [`${tagKey}$${value}`], Metrics: { [metric]: { Amount: String(amount), Unit: 'USD' } } })),
    Estimated: options.estimated ?? false,
  };
}
