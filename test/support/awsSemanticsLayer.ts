// TEST CODE ONLY — rules of AWS IoT that moto_server 5.2.1 does not keep, kept by this HTTP layer in
// front of moto (usually in front of the tag and version layers too). Not part of the extension.
//
//   - AddThingToBillingGroup MOVES the thing out of its previous group, as on AWS (moto keeps it in
//     both): moveOnAdd.ts, the one implementation of that emulation, shared with the thing layer
//     (thingLayer.ts). Its own calls go directly to moto (`options.moto`), so the layers behind this
//     one do not record that emulation as a request of the client.
//   - TagResource and UntagResource refuse AWS-managed keys (the aws: prefix, in any letter case) with
//     InvalidRequestException: no caller may set, change or remove them (tag naming rules, AWS General
//     Reference "Tagging AWS resources").
//   - TagResource refuses, with 410 LimitExceededException (TagResource's API reference lists it),
//     a request after which the resource would hold more than 50 user tags; AWS-managed tags do not
//     count. The current tags are read through the upstream (the tag layer) first.
// Everything else passes through unchanged.
import type * as http from 'node:http';
import { forward, iotOperation, parseBody, readBody, sendAwsError, sendUpstreamResponse, serveOnLoopback, type UpstreamResponse } from './faultProxy';
import { addMovingThing, type EmulatedMove } from './moveOnAdd';

export type { EmulatedMove } from './moveOnAdd';

export interface AwsSemanticsLayer {
  readonly endpoint: string;
  /** Adds that moved a thing out of another group (what this layer removed at moto), in order. */
  readonly moves: EmulatedMove[];
  /** Tag requests refused here (reserved key or over 50 tags), in order. */
  readonly refused: { operation: string; error: string; body: unknown }[];
  clear(): void;
  stop(): Promise<void>;
}

const TAGS_MAX = 50;
const isAwsKey = (key: string) => key.toLowerCase().startsWith('aws:');

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The client's headers for a request of this layer's own (moto picks region and account from Authorization). */
function ownHeaders(client: http.IncomingHttpHeaders, json: boolean): http.IncomingHttpHeaders {
  const headers: http.IncomingHttpHeaders = { ...client };
  delete headers['content-length'];
  delete headers['content-type'];
  if (json) headers['content-type'] = 'application/json';
  if (!headers.authorization) headers.authorization = 'AWS4-HMAC-SHA256 Credential=testing/20200101/us-east-1/iot/aws4_request, SignedHeaders=host, Signature=0';
  return headers;
}

export async function startAwsSemanticsLayer(upstream: string, options: { moto: string }): Promise<AwsSemanticsLayer> {
  const upstreamUrl = new URL(upstream);
  const motoUrl = new URL(options.moto);
  const moves: EmulatedMove[] = [];
  const refused: AwsSemanticsLayer['refused'] = [];

  /** All tags of a resource, read through the upstream (the tag layer answers ListTagsForResource). */
  const currentTags = async (arn: string, headers: http.IncomingHttpHeaders): Promise<string[] | undefined> => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const query = new URLSearchParams({ resourceArn: arn, ...(token ? { nextToken: token } : {}) });
      const up = await forward(upstreamUrl, { method: 'GET', path: `/tags?${query.toString()}`, headers: ownHeaders(headers, false), body: Buffer.alloc(0) });
      if (up.status !== 200) return undefined; // let the request itself meet the error
      const body = parseBody(up.body);
      if (!isObject(body)) return undefined;
      for (const t of Array.isArray(body.tags) ? body.tags : []) if (isObject(t) && typeof t.Key === 'string') keys.push(t.Key);
      token = typeof body.nextToken === 'string' ? body.nextToken : undefined;
    } while (token);
    return keys;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = req.url ?? '/';
    const url = new URL(path, 'http://aws-semantics-layer.invalid');
    const op = iotOperation(method, url.pathname);
    const body = parseBody(raw);

    const refuse = (status: number, error: string, message: string) => {
      refused.push({ operation: op ?? '', error, body });
      sendAwsError(res, status, error, message);
    };

    if ((op === 'TagResource' || op === 'UntagResource') && isObject(body)) {
      const keys = op === 'TagResource' ? (Array.isArray(body.tags) ? body.tags.map((t) => (isObject(t) ? t.Key : undefined)) : []) : Array.isArray(body.tagKeys) ? body.tagKeys : [];
      const reserved = keys.find((k): k is string => typeof k === 'string' && isAwsKey(k));
      if (reserved !== undefined) return refuse(400, 'InvalidRequestException', `Tag key ${reserved} uses the prefix aws:, which is reserved for AWS use.`);
      if (op === 'TagResource' && typeof body.resourceArn === 'string') {
        const have = await currentTags(body.resourceArn, req.headers);
        if (have) {
          const after = new Set([...have, ...keys.filter((k): k is string => typeof k === 'string')].filter((k) => !isAwsKey(k)));
          if (after.size > TAGS_MAX) return refuse(410, 'LimitExceededException', `Tags limit exceeded: the resource would have ${after.size} tags; the limit is ${TAGS_MAX}.`);
        }
      }
    }

    let up: UpstreamResponse;
    try {
      const pass = () => forward(upstreamUrl, { method, path, headers: req.headers, body: raw });
      up = op === 'AddThingToBillingGroup' ? await addMovingThing(motoUrl, { headers: req.headers, body: raw }, pass, moves) : await pass();
    } catch (err) {
      sendAwsError(res, 502, 'BadGateway', `AWS semantics layer: upstream unreachable: ${(err as Error).message}`);
      return;
    }
    sendUpstreamResponse(res, up);
  };

  const listening = await serveOnLoopback('AWS semantics layer', handle);
  return {
    endpoint: listening.endpoint,
    moves,
    refused,
    clear() {
      moves.length = 0;
      refused.length = 0;
    },
    stop: () => listening.stop(),
  };
}
