// The service errors moto never sends (access denied, rejected credentials, version conflicts,
// limits, unreadable answers), answered over HTTP by a scripted loopback server in the exact shape of
// AWS IoT's REST-JSON errors, and parsed by the real SDK: each becomes its AwsProblem.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { createAwsLayer, type AwsLayer, type BillingGroupService, type CallLog } from '../../src/aws/index';
import { makeAwsHome, type AwsHome } from '../support/awsFiles';
import { freePort } from '../support/moto';
import { rejectsWithProblem } from '../support/assertProblem';

interface Answer {
  status: number;
  /** x-amzn-ErrorType, as AWS sends it (the SDK drops what follows ':'). */
  errorType?: string;
  body: string;
  contentType?: string;
}


describe('service errors the emulator never sends', () => {
  let server: http.Server;
  let endpoint: string;
  let answer: Answer;
  let received: number;
  let aws: AwsHome;
  let layer: AwsLayer;
  let svc: BillingGroupService;
  const calls: CallLog[] = [];
  const awsError = (status: number, errorType: string, message: string): Answer => ({ status, errorType, body: JSON.stringify({ message }) });

  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received++;
        const headers: http.OutgoingHttpHeaders = {
          'content-type': answer.contentType ?? 'application/json',
          'content-length': Buffer.byteLength(answer.body),
          'x-amzn-RequestId': `req-${received}`,
        };
        if (answer.errorType) headers['x-amzn-ErrorType'] = answer.errorType;
        res.writeHead(answer.status, headers);
        res.end(answer.body);
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    endpoint = `http://127.0.0.1:${port}`;
    aws = makeAwsHome();
    layer = createAwsLayer({ env: aws.env(), log: (e) => calls.push(e), client: { maxAttempts: 2, connectionTimeoutMs: 1000, requestTimeoutMs: 5000 } });
    svc = layer.service(await layer.resolveConnection({ profile: 'default', region: '', endpoint }));
  });
  beforeEach(() => {
    received = 0;
    calls.length = 0;
  });
  after(async () => {
    layer?.dispose();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    aws?.remove();
  });

  it('AccessDeniedException → AccessDenied naming the missing iot: action', async () => {
    answer = awsError(403, 'AccessDeniedException:http://internal.amazon.com/coral/com.amazonaws.iot/', 'User is not authorized');
    const p = await rejectsWithProblem(() => svc.createBillingGroup({ name: 'g', description: '', tags: [] }), 'AccessDenied', 'selectProfile');
    assert.match(p.message, /iot:CreateBillingGroup/);
    assert.match(p.message, /"default"/);
    assert.equal(p.requestId, 'req-1');
    assert.equal(received, 1, 'not retried');
    assert.equal(calls[0].outcome, 'AccessDenied');
    assert.equal(calls[0].requestId, 'req-1');
  });

  for (const type of ['UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException']) {
    it(`${type} → CredentialsRejected with "Select AWS Profile"`, async () => {
      answer = awsError(403, type, 'The security token included in the request is invalid.');
      const p = await rejectsWithProblem(() => svc.listBillingGroups(), 'CredentialsRejected', 'selectProfile');
      assert.ok(p.message.includes(type));
    });
  }

  it('InvalidRequestException → InvalidRequest with the service message', async () => {
    answer = awsError(400, 'InvalidRequestException', 'Billing group name is not valid\nsecond line');
    const p = await rejectsWithProblem(() => svc.createBillingGroup({ name: 'g', description: '', tags: [] }), 'InvalidRequest');
    assert.equal(p.message, 'AWS IoT rejected the request: Billing group name is not valid');
  });

  it('VersionConflictException on update → VersionConflict with "reload and retry"', async () => {
    answer = awsError(409, 'VersionConflictException', 'The version of billing group g does not match the expected version.');
    const p = await rejectsWithProblem(() => svc.updateDescription('g', 'new', 3), 'VersionConflict', 'reloadAndRetry');
    assert.match(p.message, /"g"/);
  });

  it('LimitExceededException → LimitExceeded', async () => {
    answer = awsError(410, 'LimitExceededException', 'Too many billing groups');
    const p = await rejectsWithProblem(() => svc.createBillingGroup({ name: 'g', description: '', tags: [] }), 'LimitExceeded');
    assert.match(p.message, /Too many billing groups/);
  });

  it('a 502 HTML page from something in between → InternalFailure naming the status, after a retry', async () => {
    answer = { status: 502, body: '<html><body>Bad Gateway</body></html>', contentType: 'text/html' };
    const p = await rejectsWithProblem(() => svc.listBillingGroups(), 'InternalFailure', 'retry');
    assert.match(p.message, /HTTP 502|internal error/);
    assert.equal(received, 2);
  });

  it('a 200 whose body is not JSON → BadResponse', async () => {
    answer = { status: 200, body: '{"billingGroups": [', contentType: 'application/json' };
    await rejectsWithProblem(() => svc.listBillingGroups(), 'BadResponse', 'retry');
  });

  it('ResourceAlreadyExists from the create, then the group vanished before the describe → ResourceNotFound', async () => {
    let n = 0;
    const answers = [awsError(409, 'ResourceAlreadyExistsException', 'exists'), awsError(404, 'ResourceNotFoundException', 'gone')];
    answer = answers[0];
    const original = server.listeners('request')[0] as (req: http.IncomingMessage, res: http.ServerResponse) => void;
    server.removeAllListeners('request');
    server.on('request', (req, res) => {
      answer = answers[Math.min(n++, answers.length - 1)];
      original(req, res);
    });
    try {
      await rejectsWithProblem(() => svc.createBillingGroup({ name: 'flicker', description: '', tags: [] }), 'ResourceNotFound', 'refresh');
    } finally {
      server.removeAllListeners('request');
      server.on('request', original);
    }
  });
});
