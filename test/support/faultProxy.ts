// TEST CODE ONLY — the test suite's fault-injecting HTTP proxy. It sits between the AWS SDK and the
// emulator (moto_server, or the tag layer in front of it) and answers chosen requests with the faults
// real AWS produces: throttling, 5xx, reset connections, responses that never come or come cut short,
// and responses lost after the service already acted. Nothing here ships with the extension.
//
// Only Node built-ins: the proxy must behave the same wherever the tests run.
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type * as net from 'node:net';
import { freePort } from './moto';

// ---------------------------------------------------------------------------------------------
// Shared HTTP helpers (also used by tagLayer.ts)
// ---------------------------------------------------------------------------------------------

/** Headers that describe one hop, not the message: never copied from one connection to the next. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
]);

/** IoT REST-JSON routes we name, so rules and assertions can say "CreateBillingGroup" instead of a regex. */
const IOT_ROUTES: ReadonlyArray<readonly [string, RegExp, string]> = [
  ['GET', /^\/billing-groups$/, 'ListBillingGroups'],
  ['PUT', /^\/billing-groups\/addThingToBillingGroup$/, 'AddThingToBillingGroup'],
  ['PUT', /^\/billing-groups\/removeThingFromBillingGroup$/, 'RemoveThingFromBillingGroup'],
  ['GET', /^\/billing-groups\/[^/]+\/things$/, 'ListThingsInBillingGroup'],
  ['POST', /^\/billing-groups\/[^/]+$/, 'CreateBillingGroup'],
  ['GET', /^\/billing-groups\/[^/]+$/, 'DescribeBillingGroup'],
  ['PATCH', /^\/billing-groups\/[^/]+$/, 'UpdateBillingGroup'],
  ['DELETE', /^\/billing-groups\/[^/]+$/, 'DeleteBillingGroup'],
  ['POST', /^\/tags$/, 'TagResource'],
  ['POST', /^\/untag$/, 'UntagResource'],
  ['GET', /^\/tags$/, 'ListTagsForResource'],
  ['GET', /^\/things$/, 'ListThings'],
  ['GET', /^\/things\/[^/]+\/thing-groups$/, 'ListThingGroupsForThing'],
  ['POST', /^\/things\/[^/]+$/, 'CreateThing'],
  ['GET', /^\/things\/[^/]+$/, 'DescribeThing'],
  ['PATCH', /^\/things\/[^/]+$/, 'UpdateThing'],
  ['DELETE', /^\/things\/[^/]+$/, 'DeleteThing'],
];

/** The IoT operation a REST request stands for (billing groups, tags, things), or undefined. */
export function iotOperation(method: string, pathname: string): string | undefined {
  for (const [m, re, op] of IOT_ROUTES) if (m === method && re.test(pathname)) return op;
  return undefined;
}

/** JSON if the body is JSON, the raw text if not, undefined if empty: what assertions want to look at. */
export function parseBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export interface UpstreamResponse {
  status: number;
  statusMessage: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Headers safe to send on another connection (hop-by-hop ones and undefined values dropped). */
export function endToEndHeaders(headers: http.IncomingHttpHeaders, drop: readonly string[] = []): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || HOP_BY_HOP.has(k) || drop.includes(k)) continue;
    out[k] = v;
  }
  return out;
}

/**
 * Sends one request upstream and buffers the whole answer (the bodies are small JSON documents;
 * buffering lets callers inspect them and lets the fault proxy truncate them).
 * The Host header is kept as the client sent it, so the SigV4 signature still matches it.
 */
export function forward(
  upstream: URL,
  req: { method: string; path: string; headers: http.IncomingHttpHeaders; body: Buffer },
  track?: (r: http.ClientRequest) => void,
): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    const headers = endToEndHeaders(req.headers, ['content-length']);
    headers['content-length'] = req.body.length;
    const out = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.path,
        headers,
        agent: false, // one connection per request: nothing lingers after stop()
      },
      (res) => {
        readBody(res).then(
          (body) => resolve({ status: res.statusCode ?? 502, statusMessage: res.statusMessage ?? '', headers: res.headers, body }),
          reject,
        );
      },
    );
    out.on('error', reject);
    track?.(out);
    out.end(req.body);
  });
}

/** Relays an upstream answer unchanged except for hop-by-hop headers and an exact Content-Length. */
export function sendUpstreamResponse(res: http.ServerResponse, up: UpstreamResponse): void {
  const headers = endToEndHeaders(up.headers, ['content-length']);
  headers['content-length'] = up.body.length;
  res.writeHead(up.status, up.statusMessage || undefined, headers);
  res.end(up.body);
}

/**
 * An error the way AWS REST-JSON services send it. The SDK (loadRestJsonErrorCode) takes the error
 * name from the `x-amzn-ErrorType` header first (text after ':' is dropped), then body `code`, then
 * `__type`; the message from body `message`.
 */
export function sendAwsError(res: http.ServerResponse, status: number, errorType: string, message: string): void {
  const body = JSON.stringify({ message });
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-ErrorType': errorType,
    'x-amzn-RequestId': randomUUID(),
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-RequestId': randomUUID(),
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

// ---------------------------------------------------------------------------------------------
// Fault proxy
// ---------------------------------------------------------------------------------------------

export type FaultKind =
  /** 400 ThrottlingException "Rate exceeded" — what AWS IoT really sends when throttling. */
  | 'throttle400'
  /** 429 ThrottlingException — the SDK classifies any 429 as throttling. */
  | 'throttle429'
  /** 500 InternalFailureException. */
  | 'internal500'
  /** 503 ServiceUnavailableException. */
  | 'unavailable503'
  /** TCP reset of the client connection; the request is not forwarded. */
  | 'reset'
  /** Never answers; the socket stays open until the client gives up or the proxy stops. */
  | 'hang'
  /** Forwards, then sends status + headers (Content-Length of the full body) and half the body, then closes. */
  | 'truncated'
  /** Forwards (so the upstream acts), then drops the client connection without answering. */
  | 'lostResponse'
  /** Forwards normally after `delayMs` — a slow service, for races such as refresh during a load. */
  | 'delay'
  /** Answers with the rule's `error` (status, AWS error type, message); the request is not forwarded. */
  | 'awsError';

/** One request as the proxy saw it. */
export interface ProxiedRequest {
  method: string;
  /** Path and query, exactly as sent. */
  path: string;
  pathname: string;
  query: URLSearchParams;
  /** The IoT operation, when iotOperation() knows the route; for JSON-RPC services (STS query, Organizations) the X-Amz-Target's operation. */
  operation: string | undefined;
  /** Parsed JSON body, raw text if not JSON, undefined if empty. */
  body: unknown;
  /** The access key id the SigV4 Authorization header was signed with. */
  signedWith: string | undefined;
  /** The region of the SigV4 credential scope (Credential=KEY/DATE/REGION/SERVICE/aws4_request). */
  region: string | undefined;
  /** Date.now() when the request was complete: lets load tests check pacing. */
  at: number;
}

/**
 * Which requests a rule, rate limit or count applies to. Every given field must hold:
 * `path` is tested against the pathname only (no query; use `when` for the query or body).
 * A plain function is also accepted.
 */
export interface RequestMatch {
  method?: string;
  path?: RegExp;
  operation?: string | readonly string[];
  when?: (req: ProxiedRequest) => boolean;
}
export type RequestPredicate = RequestMatch | ((req: ProxiedRequest) => boolean);

export function matches(pred: RequestPredicate | undefined, req: ProxiedRequest): boolean {
  if (pred === undefined) return true;
  if (typeof pred === 'function') return pred(req);
  if (pred.method !== undefined && pred.method.toUpperCase() !== req.method) return false;
  if (pred.path !== undefined) {
    pred.path.lastIndex = 0; // a /g or /y regex must not carry state between requests
    if (!pred.path.test(req.pathname)) return false;
  }
  if (pred.operation !== undefined) {
    const ops = typeof pred.operation === 'string' ? [pred.operation] : pred.operation;
    if (req.operation === undefined || !ops.includes(req.operation)) return false;
  }
  if (pred.when !== undefined && !pred.when(req)) return false;
  return true;
}

export interface FaultRule {
  /** Which requests; omitted = every request. */
  match?: RequestPredicate;
  fault: FaultKind;
  /** How many matching requests get the fault (default 1; Infinity = until removed or reset()). */
  times?: number;
  /** Wait this long before acting (required for 'delay'; optional for the others). */
  delayMs?: number;
  /** The answer of an 'awsError' rule. */
  error?: { status: number; type: string; message: string };
}

export interface RuleHandle {
  /** Matching requests that got this rule's fault so far. */
  readonly hits: number;
  /** Matching requests still to be faulted. */
  readonly remaining: number;
  remove(): void;
}

export interface RateLimit {
  /** At most this many matching requests are forwarded in any 1 s sliding window. */
  perSecond: number;
  /** Which requests count and are limited; omitted = every request. */
  match?: RequestPredicate;
}

export type Outcome = 'forwarded' | FaultKind | 'rateLimited' | 'upstreamError';

export interface ProxyEvent {
  request: ProxiedRequest;
  outcome: Outcome;
  /** The request was sent on to the upstream (forwarded, truncated, lostResponse, delay). */
  reachedUpstream: boolean;
  /** Status the upstream answered, once it has. */
  upstreamStatus?: number;
}

export interface FaultProxyStats {
  /** Requests received from clients. */
  received: number;
  /** Requests that reached the upstream (including truncated, lostResponse and delay). */
  forwarded: number;
  /** Requests answered by a rule (any FaultKind) or by the rate limit. */
  faults: number;
  byOutcome: Partial<Record<Outcome, number>>;
  /** Forwarded requests per "METHOD /pathname". */
  forwardedByRoute: Record<string, number>;
}

export interface FaultProxy {
  readonly endpoint: string;
  /** Rules are tried in the order added; the first matching rule with hits left applies. */
  addRule(rule: FaultRule): RuleHandle;
  /** Throttles (throttle400) above a rate instead of forwarding; undefined lifts the limit. Rules apply first. */
  setRateLimit(opts: RateLimit | undefined): void;
  /** Requests that reached the upstream, in order. */
  forwarded(): ProxiedRequest[];
  /** How many forwarded requests match (all if no predicate). */
  countForwarded(pred?: RequestPredicate): number;
  /** Every request received with what happened to it, in order of arrival. */
  events(): ProxyEvent[];
  stats(): FaultProxyStats;
  /** Forgets rules, rate limit and counters (not open connections). */
  reset(): void;
  /** Closes everything, hanging connections included. */
  stop(): Promise<void>;
}

interface LiveRule {
  rule: FaultRule;
  hits: number;
  removed: boolean;
}

const FAULT_ANSWERS: Partial<Record<FaultKind, readonly [number, string, string]>> = {
  throttle400: [400, 'ThrottlingException', 'Rate exceeded'],
  throttle429: [429, 'ThrottlingException', 'Rate exceeded'],
  internal500: [500, 'InternalFailureException', 'Internal failure'],
  unavailable503: [503, 'ServiceUnavailableException', 'Service unavailable'],
};

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const upstreamUrl = new URL(upstream);
  let rules: LiveRule[] = [];
  let rateLimit: RateLimit | undefined;
  let admitted: number[] = []; // times of rate-limited-class requests let through, for the sliding window
  let log: ProxyEvent[] = [];
  let stopped = false;
  const upstreamRequests = new Set<http.ClientRequest>();
  const sleepers = new Set<() => void>();

  // Resolves early on stop() so no delayed handler outlives the proxy.
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        sleepers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      sleepers.add(done);
    });

  const trackUpstream = (r: http.ClientRequest) => {
    upstreamRequests.add(r);
    r.on('close', () => upstreamRequests.delete(r));
  };

  const pickRule = (req: ProxiedRequest): FaultRule | undefined => {
    for (const live of rules) {
      if (live.removed || live.hits >= (live.rule.times ?? 1)) continue;
      if (!matches(live.rule.match, req)) continue;
      live.hits++;
      return live.rule;
    }
    return undefined;
  };

  const overRate = (req: ProxiedRequest): boolean => {
    if (!rateLimit || !matches(rateLimit.match, req)) return false;
    const now = req.at; // the time recorded on the request, so forwarded()[i].at shows the pacing exactly
    admitted = admitted.filter((t) => now - t < 1000);
    if (admitted.length >= rateLimit.perSecond) return true;
    admitted.push(now);
    return false;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const info: ProxiedRequest = {
      method,
      path: req.url ?? '/',
      pathname: url.pathname,
      query: url.searchParams,
      // X-Amz-Target "AWSOrganizationsV20161128.ListAccounts": JSON-RPC services name their operation there.
      operation: iotOperation(method, url.pathname) ?? (typeof req.headers['x-amz-target'] === 'string' ? req.headers['x-amz-target'].split('.').pop() : undefined),
      body: parseBody(raw),
      signedWith: /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1],
      region: /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1],
      at: Date.now(),
    };
    const event: ProxyEvent = { request: info, outcome: 'forwarded', reachedUpstream: false };
    log.push(event);
    const socket = req.socket;

    const rule = pickRule(info);
    if (rule?.delayMs) await sleep(rule.delayMs);
    if (stopped) return;

    const fault = rule?.fault;
    if (fault === undefined && overRate(info)) {
      event.outcome = 'rateLimited';
      sendAwsError(res, 400, 'ThrottlingException', 'Rate exceeded');
      return;
    }
    if (fault !== undefined) event.outcome = fault;

    if (fault === 'awsError') {
      const error = rule?.error ?? { status: 400, type: 'InvalidRequestException', message: 'fault proxy: awsError without error' };
      sendAwsError(res, error.status, error.type, error.message);
      return;
    }
    const answer = fault !== undefined ? FAULT_ANSWERS[fault] : undefined;
    if (answer) {
      sendAwsError(res, ...answer);
      return;
    }
    if (fault === 'reset') {
      socket.resetAndDestroy(); // RST, not FIN: a real "connection reset"
      return;
    }
    if (fault === 'hang') return; // stop() destroys the socket

    let up: UpstreamResponse;
    event.reachedUpstream = true;
    try {
      up = await forward(upstreamUrl, { method, path: info.path, headers: req.headers, body: raw }, trackUpstream);
    } catch (err) {
      if (stopped) return;
      event.reachedUpstream = false;
      event.outcome = 'upstreamError';
      sendAwsError(res, 502, 'BadGateway', `fault proxy: upstream unreachable: ${(err as Error).message}`);
      return;
    }
    event.upstreamStatus = up.status;
    if (stopped || socket.destroyed) return;

    if (fault === 'lostResponse') {
      socket.destroy(); // the upstream has acted; the client never hears of it
      return;
    }
    if (fault === 'truncated') {
      // Written straight to the socket: ServerResponse would refuse to send less than Content-Length.
      // An empty body still claims one byte, so the answer is always incomplete.
      const declared = Math.max(up.body.length, 1);
      const headers = endToEndHeaders(up.headers, ['content-length']);
      let head = `HTTP/1.1 ${up.status} ${up.statusMessage || 'OK'}\r\n`;
      for (const [k, v] of Object.entries(headers)) {
        for (const one of Array.isArray(v) ? v : [String(v)]) head += `${k}: ${one}\r\n`;
      }
      head += `content-length: ${declared}\r\nconnection: close\r\n\r\n`;
      socket.write(head);
      socket.end(up.body.subarray(0, Math.floor(up.body.length / 2)));
      return;
    }
    sendUpstreamResponse(res, up);
  };

  const listening = await serveOnLoopback('fault proxy', handle);

  const forwardedEvents = () => log.filter((e) => e.reachedUpstream);

  return {
    endpoint: listening.endpoint,
    addRule(rule) {
      const live: LiveRule = { rule, hits: 0, removed: false };
      rules.push(live);
      return {
        get hits() {
          return live.hits;
        },
        get remaining() {
          return live.removed ? 0 : Math.max(0, (rule.times ?? 1) - live.hits);
        },
        remove() {
          live.removed = true;
        },
      };
    },
    setRateLimit(opts) {
      rateLimit = opts;
      admitted = [];
    },
    forwarded: () => forwardedEvents().map((e) => e.request),
    countForwarded: (pred) => forwardedEvents().filter((e) => matches(pred, e.request)).length,
    events: () => [...log],
    stats() {
      const byOutcome: Partial<Record<Outcome, number>> = {};
      for (const e of log) byOutcome[e.outcome] = (byOutcome[e.outcome] ?? 0) + 1;
      const fwd = forwardedEvents();
      const forwardedByRoute: Record<string, number> = {};
      for (const e of fwd) {
        const k = `${e.request.method} ${e.request.pathname}`;
        forwardedByRoute[k] = (forwardedByRoute[k] ?? 0) + 1;
      }
      return {
        received: log.length,
        forwarded: fwd.length,
        faults: log.filter((e) => e.outcome !== 'forwarded' && e.outcome !== 'upstreamError').length,
        byOutcome,
        forwardedByRoute,
      };
    },
    reset() {
      rules = [];
      rateLimit = undefined;
      admitted = [];
      log = [];
    },
    stop() {
      stopped = true;
      for (const wake of [...sleepers]) wake();
      for (const r of upstreamRequests) r.destroy();
      return listening.stop();
    },
  };
}

/** An HTTP server of the test suite on a free loopback port; stop() also ends open (even hanging) connections. */
export interface LoopbackServer {
  endpoint: string;
  stop(): Promise<void>;
}

export async function serveOnLoopback(label: string, handle: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>): Promise<LoopbackServer> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) sendAwsError(res, 500, 'InternalFailureException', `${label}: ${String(err)}`);
    });
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
