// TEST CODE ONLY — the test suite's tag layer for moto. Not part of the extension, never shipped.
//
// moto_server 5.2.1 drops the `tags` of CreateBillingGroup and answers TagResource, UntagResource and
// ListTagsForResource with HTTP 500 (not implemented). This HTTP layer sits in front of moto and
// implements exactly those gaps for billing-group ARNs, the way the AWS API reference describes them:
//   - TagResource         POST /tags   {resourceArn, tags:[{Key,Value}]}
//   - UntagResource       POST /untag  {resourceArn, tagKeys:[...]}
//   - ListTagsForResource GET  /tags?resourceArn=…&nextToken=…  → {tags, nextToken?}
//   - CreateBillingGroup  forwarded unchanged; on 200 the request's tags are kept for the returned ARN
//   - DeleteBillingGroup  forwarded unchanged; on success that group's tags are dropped
// Everything else (other ARNs included) passes through to moto unchanged. Whether a billing group
// exists is always asked of moto (DescribeBillingGroup), so groups created directly in moto can be
// tagged too, and tags of a group that moto no longer has (or recreated) never resurface.
import type * as http from 'node:http';
import { costExplorerOperation, createCostExplorerStandIn, signingKey, type CostExplorerStandIn } from './costExplorerLayer';
import { forward, iotOperation, parseBody, readBody, sendAwsError, sendJson, sendUpstreamResponse, UpstreamResponse, serveOnLoopback } from './faultProxy';

export interface Tag {
  Key: string;
  Value?: string;
}

export interface RecordedRequest {
  method: string;
  /** Path and query, exactly as sent. */
  path: string;
  /** The IoT operation, when the route is known (e.g. 'CreateBillingGroup'), or the Cost Explorer one from X-Amz-Target. */
  operation: string | undefined;
  /** The X-Amz-Target header (JSON-protocol services such as Cost Explorer), when sent. */
  target?: string;
  /** Parsed JSON body, raw text if not JSON, undefined if empty. */
  body: unknown;
  /** Status the client was answered with. */
  status: number;
  /** Who answered: this layer (tag operations, Cost Explorer's missing operations) or moto. */
  answeredBy: 'tagLayer' | 'upstream';
  /** The access key the request was signed with (SigV4 Credential), if signed. */
  signedWith?: string;
  /** The account of that key: moto's default account, or the role's for a key an AssumeRole answer issued (seen by this layer). */
  signingAccount?: string;
}

export interface TagLayer {
  readonly endpoint: string;
  /** Every request answered, in order of completion. Cleared in place by clear(). */
  readonly requests: RecordedRequest[];
  /** Cost Explorer operations moto lacks, and queued Cost Explorer errors (test/support/costExplorerLayer.ts). */
  readonly costExplorer: CostExplorerStandIn;
  /** Tags the layer holds for an ARN (as stored; does not ask moto whether the group still exists). */
  tagsOf(arn: string): Tag[];
  /** Forgets recorded requests and all tags (pair with moto.reset()). */
  clear(): void;
  stop(): Promise<void>;
}

export interface TagLayerOptions {
  /** Tags per ListTagsForResource page (default 50), small values exercise the client's paging. */
  pageSize?: number;
}

/** arn:aws:iot:REGION:ACCOUNT:billinggroup/NAME */
const BILLING_GROUP_ARN = /^arn:aws[a-z-]*:iot:([a-z0-9-]+):(\d{12}):billinggroup\/(.+)$/;

interface StoredTags {
  /** billingGroupId when the tags were stored: a group deleted and recreated behind our back has another id. */
  groupId: string;
  tags: Tag[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Tags from a request body, or undefined if malformed. Later duplicates of a key win, as a map would. */
function parseTags(v: unknown): Tag[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: Tag[] = [];
  for (const t of v) {
    if (!isObject(t) || typeof t.Key !== 'string') return undefined;
    if (t.Value !== undefined && typeof t.Value !== 'string') return undefined;
    const tag: Tag = t.Value === undefined ? { Key: t.Key } : { Key: t.Key, Value: t.Value };
    const i = out.findIndex((o) => o.Key === tag.Key);
    if (i >= 0) out[i] = tag;
    else out.push(tag);
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Region of the SigV4 credential scope (…/DATE/REGION/SERVICE/aws4_request). */
function scopeRegion(headers: http.IncomingHttpHeaders): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\/iot\/aws4_request/.exec(headers.authorization ?? '')?.[1];
}

export async function startTagLayer(upstream: string, options: TagLayerOptions = {}): Promise<TagLayer> {
  const pageSize = options.pageSize ?? 50;
  const upstreamUrl = new URL(upstream);
  const requests: RecordedRequest[] = [];
  const store = new Map<string, StoredTags>();
  const costExplorer = createCostExplorerStandIn();

  /**
   * Asks moto whether the group of this ARN exists, reusing the client's headers: moto picks the
   * service, region and account from the Authorization header (without one it thinks it is S3).
   * Returns its billingGroupId, or undefined if moto has no such group.
   */
  const describeInMoto = async (arn: string, name: string, clientHeaders: http.IncomingHttpHeaders): Promise<string | undefined> => {
    const headers: http.IncomingHttpHeaders = { ...clientHeaders };
    delete headers['content-type'];
    delete headers['content-length'];
    if (!headers.authorization) {
      const region = BILLING_GROUP_ARN.exec(arn)?.[1] ?? 'us-east-1';
      headers.authorization = `AWS4-HMAC-SHA256 Credential=testing/20200101/${region}/iot/aws4_request, SignedHeaders=host, Signature=0`;
    }
    const up = await forward(upstreamUrl, {
      method: 'GET',
      path: `/billing-groups/${encodeURIComponent(name)}`,
      headers,
      body: Buffer.alloc(0),
    });
    if (up.status === 404) return undefined;
    const body = parseBody(up.body);
    if (up.status !== 200 || !isObject(body)) throw new Error(`DescribeBillingGroup answered ${up.status}`);
    // Same name in another region or account is another group.
    return body.billingGroupArn === arn && typeof body.billingGroupId === 'string' ? body.billingGroupId : undefined;
  };

  /** Tag operations: answers the request itself, or returns false to let it pass through to moto. */
  const handleTagOperation = async (
    op: string,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    body: unknown,
  ): Promise<number | false> => {
    const arn = op === 'ListTagsForResource' ? url.searchParams.get('resourceArn') : isObject(body) ? body.resourceArn : undefined;
    if (typeof arn !== 'string' || arn === '') {
      sendAwsError(res, 400, 'InvalidRequestException', 'resourceArn is required');
      return 400;
    }
    const m = BILLING_GROUP_ARN.exec(arn);
    if (!m) return false; // not a billing group: moto's own behaviour, whatever it is

    let groupId: string | undefined;
    try {
      groupId = await describeInMoto(arn, m[3], req.headers);
    } catch (err) {
      sendAwsError(res, 500, 'InternalFailureException', `tag layer: ${(err as Error).message}`);
      return 500;
    }
    if (groupId === undefined) {
      store.delete(arn);
      sendAwsError(res, 404, 'ResourceNotFoundException', `The specified resource does not exist: ${arn}`);
      return 404;
    }
    let entry = store.get(arn);
    if (!entry || entry.groupId !== groupId) {
      entry = { groupId, tags: [] };
      store.set(arn, entry);
    }

    if (op === 'TagResource') {
      const tags = parseTags(isObject(body) ? body.tags : undefined);
      if (!tags) {
        sendAwsError(res, 400, 'InvalidRequestException', 'tags must be a list of {Key, Value}');
        return 400;
      }
      for (const t of tags) {
        const i = entry.tags.findIndex((o) => o.Key === t.Key);
        if (i >= 0) entry.tags[i] = t;
        else entry.tags.push(t);
      }
      sendJson(res, 200, {});
      return 200;
    }
    if (op === 'UntagResource') {
      const keys = isObject(body) ? body.tagKeys : undefined;
      if (!Array.isArray(keys) || !keys.every((k): k is string => typeof k === 'string')) {
        sendAwsError(res, 400, 'InvalidRequestException', 'tagKeys must be a list of strings');
        return 400;
      }
      entry.tags = entry.tags.filter((t) => !keys.includes(t.Key));
      sendJson(res, 200, {});
      return 200;
    }
    // ListTagsForResource: the token is the offset, bound to the ARN so it cannot be replayed elsewhere.
    let offset = 0;
    const token = url.searchParams.get('nextToken');
    if (token) {
      const decoded = /^(\d+):(.*)$/s.exec(Buffer.from(token, 'base64url').toString('utf8'));
      if (!decoded || decoded[2] !== arn) {
        sendAwsError(res, 400, 'InvalidRequestException', 'Invalid nextToken');
        return 400;
      }
      offset = Number(decoded[1]);
    }
    const page = entry.tags.slice(offset, offset + pageSize);
    const next = offset + pageSize < entry.tags.length ? Buffer.from(`${offset + pageSize}:${arn}`).toString('base64url') : undefined;
    sendJson(res, 200, next === undefined ? { tags: page } : { tags: page, nextToken: next });
    return 200;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = req.url ?? '/';
    const url = new URL(path, 'http://tag-layer.invalid');
    const ceOp = costExplorerOperation(req.headers);
    const op = iotOperation(method, url.pathname) ?? ceOp;
    const body = parseBody(raw);
    const target = typeof req.headers['x-amz-target'] === 'string' ? req.headers['x-amz-target'] : undefined;
    const signedWith = signingKey(req.headers);
    const signingAccount = costExplorer.signingAccount(req.headers);
    const record = (status: number, answeredBy: RecordedRequest['answeredBy']) =>
      requests.push({ method, path, operation: op, ...(target ? { target } : {}), body, status, answeredBy, ...(signedWith ? { signedWith, signingAccount } : {}) });

    if (ceOp) {
      const status = costExplorer.handle(ceOp, body, res, req.headers);
      if (status !== false) {
        record(status, 'tagLayer');
        return;
      }
    }

    if (op === 'TagResource' || op === 'UntagResource' || op === 'ListTagsForResource') {
      const status = await handleTagOperation(op, req, res, url, body);
      if (status !== false) {
        record(status, 'tagLayer');
        return;
      }
    }

    let up: UpstreamResponse;
    try {
      up = await forward(upstreamUrl, { method, path, headers: req.headers, body: raw });
    } catch (err) {
      sendAwsError(res, 502, 'BadGateway', `tag layer: moto unreachable: ${(err as Error).message}`);
      record(502, 'tagLayer');
      return;
    }

    if (op === 'CreateBillingGroup' && up.status === 200) {
      const out = parseBody(up.body);
      if (isObject(out) && typeof out.billingGroupArn === 'string' && typeof out.billingGroupId === 'string') {
        store.set(out.billingGroupArn, {
          groupId: out.billingGroupId,
          tags: parseTags(isObject(body) ? body.tags : undefined) ?? [],
        });
      }
    } else if (op === 'DeleteBillingGroup' && up.status >= 200 && up.status < 300) {
      const name = safeDecode(url.pathname.slice('/billing-groups/'.length));
      const region = scopeRegion(req.headers);
      for (const arn of [...store.keys()]) {
        const m = BILLING_GROUP_ARN.exec(arn);
        if (m && m[3] === name && (region === undefined || m[1] === region)) store.delete(arn);
      }
    } else if (method === 'POST' && url.pathname === '/moto-api/reset' && up.status < 300) {
      store.clear(); // moto forgot every group, so their tags go too
    } else if (method === 'POST' && up.status === 200 && typeof body === 'string' && new URLSearchParams(body).get('Action') === 'AssumeRole') {
      // STS's answer names the role's account (AssumedRoleUser Arn arn:aws:sts::ACCOUNT:assumed-role/…):
      // Cost Explorer requests signed with the key it issued are that account's.
      const xml = up.body.toString('utf8');
      const key = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(xml)?.[1];
      const account = /<Arn>arn:[^:]+:sts::(\d{12}):assumed-role\//.exec(xml)?.[1];
      if (key && account) costExplorer.learnKey(key, account);
    }
    sendUpstreamResponse(res, up);
    record(up.status, 'upstream');
  };

  const listening = await serveOnLoopback('tag layer', handle);

  return {
    endpoint: listening.endpoint,
    requests,
    costExplorer,
    tagsOf: (arn) => (store.get(arn)?.tags ?? []).map((t) => ({ ...t })),
    clear() {
      requests.length = 0;
      store.clear();
      costExplorer.reset();
    },
    stop() {
      return listening.stop();
    },
  };
}
