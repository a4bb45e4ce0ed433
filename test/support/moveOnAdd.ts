// TEST CODE ONLY — AWS IoT's "an add moves the thing", for moto. The one implementation, used by both
// layers that put AWS's rules in front of moto: the thing layer (thingLayer.ts: bulk assignment, Add
// Thing, drag and drop, the cost-attribution check) and the AWS semantics layer (awsSemanticsLayer.ts:
// the manifest). Not part of the extension.
//
// A thing belongs to one billing group at most (DescribeThing has a single billingGroupName), and
// AddThingToBillingGroup takes it out of its previous group: its API reference
// (https://docs.aws.amazon.com/iot/latest/apireference/API_AddThingToBillingGroup.html) says of
// billingGroupName "This call is asynchronous. It might take several seconds for the detachment to
// propagate". moto_server 5.2.1 instead keeps the thing listed in both groups (and DescribeThing
// names the last). So, for an AddThingToBillingGroup:
//   1. ask moto where the thing is (DescribeThing);
//   2. if it is in another group and the add can succeed (the target group exists, DescribeBillingGroup),
//      remove it from there (RemoveThingFromBillingGroup) — a remove moto cannot carry out is
//      answered as an InternalFailureException of the add, so the emulation never fails unseen;
//   3. forward the add as the client sent it;
//   4. if the add failed, put the thing back in its previous group: on AWS a failed add moves nothing.
// The emulation's own calls go to moto itself, never through the layers behind the caller, so a
// recording layer there (tagLayer.ts) records only what the extension sent. Not modelled: the seconds
// AWS takes to show the change (moto shows it at once; the unit tests' account model,
// test/unit/manifestModel.ts, has the delay).
import type * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import { forward, parseBody, type UpstreamResponse } from './faultProxy';

export interface EmulatedMove {
  thing: string;
  from: string;
  to: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A name, or the last segment of an ARN. */
const nameOf = (name: unknown, arn: unknown): string | undefined =>
  typeof name === 'string' && name ? name : typeof arn === 'string' && arn ? arn.slice(arn.lastIndexOf('/') + 1) || undefined : undefined;

/**
 * The client's headers for a call of the emulation's own (moto picks account and region from the
 * Authorization header; a request without one is given a us-east-1 signature shape).
 */
function ownHeaders(client: http.IncomingHttpHeaders, json: boolean): http.IncomingHttpHeaders {
  const headers: http.IncomingHttpHeaders = { ...client };
  delete headers['content-length'];
  delete headers['content-type'];
  delete headers['x-amzn-principal'];
  if (json) headers['content-type'] = 'application/json';
  if (!headers.authorization) headers.authorization = 'AWS4-HMAC-SHA256 Credential=testing/20200101/us-east-1/iot/aws4_request, SignedHeaders=host, Signature=0';
  return headers;
}

/** An AWS REST-JSON error as an upstream answer (see sendAwsError in faultProxy.ts). */
function awsError(status: number, errorType: string, message: string): UpstreamResponse {
  const body = Buffer.from(JSON.stringify({ message }));
  return {
    status,
    statusMessage: '',
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': errorType, 'x-amzn-requestid': randomUUID() },
    body,
  };
}

/**
 * Carries out one AddThingToBillingGroup the way AWS does: `request` is the client's (headers and
 * body), `forwardAdd` sends it on unchanged and gives the answer, which is returned (or the
 * emulation's own error). A move carried out is appended to `moves`.
 */
export async function addMovingThing(
  moto: URL,
  request: { headers: http.IncomingHttpHeaders; body: Buffer },
  forwardAdd: () => Promise<UpstreamResponse>,
  moves: EmulatedMove[],
): Promise<UpstreamResponse> {
  const body = parseBody(request.body);
  const thing = isObject(body) ? nameOf(body.thingName, body.thingArn) : undefined;
  const to = isObject(body) ? nameOf(body.billingGroupName, body.billingGroupArn) : undefined;
  const atMoto = (method: string, path: string, json?: unknown) =>
    forward(moto, { method, path, headers: ownHeaders(request.headers, json !== undefined), body: json === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(json)) });

  let from: string | undefined;
  if (thing && to) {
    const described = await atMoto('GET', `/things/${encodeURIComponent(thing)}`);
    const info = described.status === 200 ? parseBody(described.body) : undefined;
    const was = isObject(info) && typeof info.billingGroupName === 'string' && info.billingGroupName !== '' ? info.billingGroupName : undefined;
    // Only when the add can succeed (the target exists), so a refused add moves nothing.
    if (was && was !== to && (await atMoto('GET', `/billing-groups/${encodeURIComponent(to)}`)).status === 200) {
      const removed = await atMoto('PUT', '/billing-groups/removeThingFromBillingGroup', { billingGroupName: was, thingName: thing });
      if (removed.status >= 300) return awsError(500, 'InternalFailureException', `move-on-add emulation: could not detach ${thing} from ${was} (HTTP ${removed.status})`);
      from = was;
    }
  }
  const putBack = async () => {
    if (from && thing) await atMoto('PUT', '/billing-groups/addThingToBillingGroup', { billingGroupName: from, thingName: thing });
  };
  let answer: UpstreamResponse;
  try {
    answer = await forwardAdd();
  } catch (e) {
    await putBack();
    throw e;
  }
  if (answer.status >= 300) await putBack();
  else if (from && thing && to) moves.push({ thing, from, to });
  return answer;
}
