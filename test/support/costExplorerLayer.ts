// TEST CODE ONLY — what moto_server 5.2.1 lacks of Cost Explorer, answered beside the tag layer.
// Never shipped.
//
// moto answers GetCostAndUsage from results queued through POST /moto-api/static/ce/cost-and-usage-results
// (queueCostAndUsage below), but not GetDimensionValues, ListCostAllocationTags,
// UpdateCostAllocationTagsStatus or StartCostAllocationTagBackfill (ListCostAllocationTags answers 500).
// This stand-in answers those four with the shapes of the SDK's model (JSON 1.1 protocol: POST /,
// X-Amz-Target: AWSInsightsIndexService.<Operation>), and any Cost Explorer operation with an error
// queued by failNext(), so each problem Cost Explorer can report is reproducible.
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

export interface CostExplorerStandIn {
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
  handle(operation: string, body: unknown, res: http.ServerResponse): number | false;
  reset(): void;
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

export function createCostExplorerStandIn(options: { pageSize?: number } = {}): CostExplorerStandIn {
  const pageSize = options.pageSize ?? 2;
  const tags: StandInTag[] = [];
  const dimensionValues = new Map<string, string[]>();
  const backfills: string[] = [];
  const activationErrors = new Map<string, [string, string]>();
  const errors: QueuedError[] = [];

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
    tags,
    dimensionValues,
    backfills,
    activationErrors,
    answerNext(operation, body) {
      errors.push({ operation, message: '', body, status: 200, times: 1, skip: 0 });
    },
    failNext(operation, type, message, o = {}) {
      errors.push({ operation, type, message, status: o.status ?? 400, times: o.times ?? 1, skip: o.skip ?? 0 });
    },
    handle(op, rawBody, res) {
      const queued = errors.find((e) => e.operation === op && e.times > 0);
      if (queued && queued.skip > 0) queued.skip--;
      else if (queued) {
        queued.times--;
        return queued.type === undefined ? send(res, queued.status, queued.body) : sendError(res, queued.status, queued.type, queued.message);
      }
      if (!STAND_IN_OPERATIONS.has(op)) return false;
      const body = obj(rawBody);
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
      tags.length = 0;
      dimensionValues.clear();
      backfills.length = 0;
      activationErrors.clear();
      errors.length = 0;
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
