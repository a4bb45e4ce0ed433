// TEST CODE ONLY — the test suite's version layer for moto. Not part of the extension, never shipped.
//
// moto_server's DescribeBillingGroup has no `version`, and its DeleteBillingGroup ignores
// expectedVersion, so the extension's optimistic locking cannot be seen against it. This tiny HTTP
// layer sits in front of moto (or of another layer) and keeps each group's version the way AWS does
// (API reference of UpdateBillingGroup and DeleteBillingGroup: "expectedVersion — the expected version
// of the billing group. If the version of the billing group does not match the expected version
// specified in the request, the … request is rejected with a VersionConflictException"):
//   - DescribeBillingGroup  forwarded; a 200 answer gets `version` added: a per-group counter that
//                           starts at 1
//   - UpdateBillingGroup    an expectedVersion other than the group's version is answered here with
//                           409 VersionConflictException and not forwarded; so are the next N
//                           (conflictNext(n)) whatever they carry; the others are forwarded, and a
//                           successful one bumps that group's counter (its answer carries the new version)
//   - DeleteBillingGroup    ?expectedVersion= other than the group's version: 409 VersionConflictException,
//                           not forwarded; else forwarded, and a deleted group's counter is forgotten
//   - every UpdateBillingGroup and DeleteBillingGroup is recorded with the expectedVersion it carried
//     (undefined if none), so a test can also see that a version was sent
// Everything else passes through unchanged.
import type * as http from 'node:http';
import { forward, iotOperation, parseBody, readBody, sendAwsError, sendUpstreamResponse, UpstreamResponse, serveOnLoopback } from './faultProxy';

export interface RecordedUpdate {
  group: string;
  /** The expectedVersion in the request (body for an update, query for a delete), undefined if none. */
  expectedVersion: number | undefined;
  /** Answered here with a VersionConflictException (true) or forwarded to the upstream (false). */
  conflicted: boolean;
  /** Status the client was answered with. */
  status: number;
  body: unknown;
}

export interface VersionLayer {
  readonly endpoint: string;
  /** Every UpdateBillingGroup, in order of completion. */
  readonly updates: RecordedUpdate[];
  /** Every DeleteBillingGroup, in order of completion (body is undefined). */
  readonly deletes: RecordedUpdate[];
  /** Answer the next `n` UpdateBillingGroup requests with 409 VersionConflictException, whatever version they carry. */
  conflictNext(n?: number): void;
  /** The current version of a group (1 until a forwarded update succeeds). */
  versionOf(group: string): number;
  /** Forgets counters, pending conflicts and recorded requests. */
  clear(): void;
  stop(): Promise<void>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function groupName(pathname: string): string {
  const raw = pathname.slice('/billing-groups/'.length);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The answer with a replaced JSON body (Content-Length is recomputed by sendUpstreamResponse). */
function withJson(up: UpstreamResponse, value: unknown): UpstreamResponse {
  return { ...up, body: Buffer.from(JSON.stringify(value)) };
}

export async function startVersionLayer(upstream: string): Promise<VersionLayer> {
  const upstreamUrl = new URL(upstream);
  const versions = new Map<string, number>();
  const updates: RecordedUpdate[] = [];
  const deletes: RecordedUpdate[] = [];
  let pendingConflicts = 0;
  const versionOf = (g: string) => versions.get(g) ?? 1;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = req.url ?? '/';
    const url = new URL(path, 'http://version-layer.invalid');
    const op = iotOperation(method, url.pathname);

    if (op === 'UpdateBillingGroup' || op === 'DeleteBillingGroup') {
      const group = groupName(url.pathname);
      const body = op === 'UpdateBillingGroup' ? parseBody(raw) : undefined;
      const query = url.searchParams.get('expectedVersion');
      const expectedVersion =
        op === 'UpdateBillingGroup'
          ? isObject(body) && typeof body.expectedVersion === 'number'
            ? body.expectedVersion
            : undefined
          : query !== null && /^[0-9]+$/.test(query)
            ? Number(query)
            : undefined;
      const record = op === 'UpdateBillingGroup' ? updates : deletes;
      const forced = op === 'UpdateBillingGroup' && pendingConflicts > 0;
      if (forced || (expectedVersion !== undefined && expectedVersion !== versionOf(group))) {
        if (forced) pendingConflicts--;
        sendAwsError(res, 409, 'VersionConflictException', `The version of billing group ${group} does not match the expected version.`);
        record.push({ group, expectedVersion, conflicted: true, status: 409, body });
        return;
      }
      let up: UpstreamResponse;
      try {
        up = await forward(upstreamUrl, { method, path, headers: req.headers, body: raw });
      } catch (err) {
        sendAwsError(res, 502, 'BadGateway', `version layer: upstream unreachable: ${(err as Error).message}`);
        record.push({ group, expectedVersion, conflicted: false, status: 502, body });
        return;
      }
      if (op === 'UpdateBillingGroup' && up.status === 200) {
        versions.set(group, versionOf(group) + 1);
        const out = parseBody(up.body);
        if (isObject(out)) up = withJson(up, { ...out, version: versionOf(group) });
      } else if (op === 'DeleteBillingGroup' && up.status >= 200 && up.status < 300) {
        versions.delete(group); // a group created again under that name starts at 1
      }
      sendUpstreamResponse(res, up);
      record.push({ group, expectedVersion, conflicted: false, status: up.status, body });
      return;
    }

    let up: UpstreamResponse;
    try {
      up = await forward(upstreamUrl, { method, path, headers: req.headers, body: raw });
    } catch (err) {
      sendAwsError(res, 502, 'BadGateway', `version layer: upstream unreachable: ${(err as Error).message}`);
      return;
    }
    if (op === 'DescribeBillingGroup' && up.status === 200) {
      const out = parseBody(up.body);
      if (isObject(out)) up = withJson(up, { ...out, version: versionOf(groupName(url.pathname)) });
    } else if (method === 'POST' && url.pathname === '/moto-api/reset' && up.status < 300) {
      versions.clear();
    }
    sendUpstreamResponse(res, up);
  };

  const listening = await serveOnLoopback('version layer', handle);

  return {
    endpoint: listening.endpoint,
    updates,
    deletes,
    conflictNext(n = 1) {
      pendingConflicts = n;
    },
    versionOf,
    clear() {
      versions.clear();
      updates.length = 0;
      deletes.length = 0;
      pendingConflicts = 0;
    },
    stop() {
      return listening.stop();
    },
  };
}
