// TEST CODE ONLY — the test suite's thing layer for moto. Not part of the extension, never shipped.
//
// moto_server 5.2.1 differs from AWS IoT where bulk assignment and the cost-attribution check look,
// and this HTTP layer, in front of moto (or of the tag layer in front of it), does what AWS does:
//   - AddThingToBillingGroup  AWS moves the thing out of its previous group; moto keeps it listed in
//                             both. moveOnAdd.ts does what AWS does — the one implementation of that
//                             emulation, shared with the AWS semantics layer (awsSemanticsLayer.ts).
//   - AttachThingPrincipal    forwarded; the thingPrincipalType of the request (query) is remembered
//                             (none = NON_EXCLUSIVE_THING, the API's default); DetachThingPrincipal
//                             forgets it. moto ignores the type.
//   - ListThingPrincipalsV2   moto answers without thingPrincipalType: here each object gets the type
//                             it was attached with. With `principalsV2: false` the layer answers as an
//                             endpoint that does not know the operation (HTTP 404, UnknownOperationException;
//                             with `v2Unknown: 'html404'` a bare 404 page; with 'html500' the HTML
//                             500 page moto answers for operations it has not implemented).
// The layer's own reads and writes go to `direct` (moto itself), never through the upstream, so a
// recording layer behind it (tagLayer.ts) records only what the extension sent.
// Not modelled: the seconds AWS takes to show a membership change (moto shows it at once), and AWS
// refusing a second attachment of an exclusively attached certificate.
import type * as http from 'node:http';
import { forward, iotOperation, parseBody, readBody, sendAwsError, sendUpstreamResponse, serveOnLoopback, type UpstreamResponse } from './faultProxy';
import { addMovingThing, type EmulatedMove } from './moveOnAdd';

export interface ThingLayerRequest {
  method: string;
  path: string;
  /** IoT operation, including the principal operations this layer knows. */
  operation: string | undefined;
  status: number;
  answeredBy: 'thingLayer' | 'upstream';
}

export interface ThingLayerOptions {
  /** moto itself, for the layer's own calls (defaults to `upstream`). */
  direct?: string;
  /** false: ListThingPrincipalsV2 is answered as an unknown operation. Default true. */
  principalsV2?: boolean;
  /** How an unknown V2 is answered: 404 UnknownOperationException (default), a bare 404 HTML page, or an HTML 500 page. */
  v2Unknown?: 'unknownOperation' | 'html404' | 'html500';
}

export interface ThingLayer {
  readonly endpoint: string;
  /** Every request answered, in order of completion. */
  readonly requests: ThingLayerRequest[];
  /** Moves made for AWS's semantics: {thing, from, to}. */
  readonly moves: EmulatedMove[];
  /** Whether ListThingPrincipalsV2 is known, and how an unknown one is answered. */
  setPrincipalsV2(on: boolean, unknownAs?: ThingLayerOptions['v2Unknown']): void;
  /** Forgets recorded requests, moves and attachment types (pair with moto.reset()). */
  clear(): void;
  stop(): Promise<void>;
}

const PRINCIPAL_ROUTES: ReadonlyArray<readonly [string, RegExp, string]> = [
  ['GET', /^\/things\/([^/]+)\/principals-v2$/, 'ListThingPrincipalsV2'],
  ['GET', /^\/things\/([^/]+)\/principals$/, 'ListThingPrincipals'],
  ['PUT', /^\/things\/([^/]+)\/principals$/, 'AttachThingPrincipal'],
  ['DELETE', /^\/things\/([^/]+)\/principals$/, 'DetachThingPrincipal'],
];

function principalRoute(method: string, pathname: string): { operation: string; thing: string } | undefined {
  for (const [m, re, operation] of PRINCIPAL_ROUTES) {
    const hit = m === method ? re.exec(pathname) : null;
    if (hit) return { operation, thing: safeDecode(hit[1]) };
  }
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export async function startThingLayer(upstream: string, options: ThingLayerOptions = {}): Promise<ThingLayer> {
  const upstreamUrl = new URL(upstream);
  const directUrl = new URL(options.direct ?? upstream);
  let principalsV2 = options.principalsV2 ?? true;
  let v2Unknown = options.v2Unknown ?? 'unknownOperation';
  const requests: ThingLayerRequest[] = [];
  const moves: ThingLayer['moves'] = [];
  /** "thing\nprincipal" → the type it was attached with. */
  const types = new Map<string, string>();

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = req.url ?? '/';
    const url = new URL(path, 'http://thing-layer.invalid');
    const principal = principalRoute(method, url.pathname);
    const operation = principal?.operation ?? iotOperation(method, url.pathname);
    const record = (status: number, answeredBy: ThingLayerRequest['answeredBy']) => requests.push({ method, path, operation, status, answeredBy });
    const pass = async (): Promise<UpstreamResponse> => forward(upstreamUrl, { method, path, headers: req.headers, body: raw });

    if (operation === 'ListThingPrincipalsV2' && !principalsV2) {
      if (v2Unknown === 'unknownOperation') {
        sendAwsError(res, 404, 'UnknownOperationException', 'Unknown operation ListThingPrincipalsV2');
        record(404, 'thingLayer');
      } else {
        const status = v2Unknown === 'html404' ? 404 : 500;
        const body = `<!doctype html><title>${status}</title><h1>${status === 404 ? 'Not Found' : 'Internal Server Error'}</h1>`;
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        record(status, 'thingLayer');
      }
      return;
    }

    if (operation === 'AddThingToBillingGroup') {
      const up = await addMovingThing(directUrl, { headers: req.headers, body: raw }, pass, moves);
      sendUpstreamResponse(res, up);
      record(up.status, 'upstream');
      return;
    }

    const up = await pass();
    if (principal && up.status < 300) {
      const who = req.headers['x-amzn-principal'];
      const key = `${principal.thing}\n${typeof who === 'string' ? who : ''}`;
      if (principal.operation === 'AttachThingPrincipal') types.set(key, url.searchParams.get('thingPrincipalType') || 'NON_EXCLUSIVE_THING');
      else if (principal.operation === 'DetachThingPrincipal') types.delete(key);
      else if (principal.operation === 'ListThingPrincipalsV2') {
        const out = parseBody(up.body);
        if (isObject(out) && Array.isArray(out.thingPrincipalObjects)) {
          const objects = out.thingPrincipalObjects.filter(isObject).map((o) => ({
            principal: o.principal,
            thingPrincipalType: types.get(`${principal.thing}\n${String(o.principal)}`) ?? 'NON_EXCLUSIVE_THING',
          }));
          const body = Buffer.from(JSON.stringify({ ...out, thingPrincipalObjects: objects }));
          sendUpstreamResponse(res, { ...up, body });
          record(up.status, 'upstream');
          return;
        }
      }
    }
    if (method === 'POST' && url.pathname === '/moto-api/reset' && up.status < 300) types.clear();
    sendUpstreamResponse(res, up);
    record(up.status, 'upstream');
  };

  const listening = await serveOnLoopback('thing layer', handle);
  return {
    endpoint: listening.endpoint,
    requests,
    moves,
    setPrincipalsV2(on, unknownAs) {
      principalsV2 = on;
      if (unknownAs) v2Unknown = unknownAs;
    },
    clear() {
      requests.length = 0;
      moves.length = 0;
      types.clear();
    },
    stop: () => listening.stop(),
  };
}
