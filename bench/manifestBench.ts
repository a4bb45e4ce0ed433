// Billing groups as code at scale, against moto behind the tag layer (tags), the version layer
// (versions) and the fault proxy (counts, throttling, a lost response):
//   - Plan of a 1,000-group manifest against 1,000 groups, half of them changed: the calls it makes
//     (expected ⌈G/250⌉ + 2 per group named) beside a boto3 script doing the same reads, and the time
//     those calls take at the runner's read pace (computed: calls ÷ rate; the run itself is unpaced
//     so the bench stays short; the runner's pacing has its own unit tests);
//   - Apply of 500 creates, paced as the extension paces them, under a create rate limit below that
//     pace (throttling) and with one lost response: each group created once, none reported failed.
// Run by bench/run.ts (skip with --no-manifest), or alone: node out/bench/manifestBench.js
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createAwsLayer, isAwsProblem, manifestReader, manifestWriter } from '../src/aws/index';
import type { Manifest } from '../src/core/manifest';
import { applyPlan } from '../src/core/manifestApply';
import { makePlan, summarize } from '../src/core/manifestPlan';
import { readAccount } from '../src/core/manifestRead';
import { makeAwsHome } from '../test/support/awsFiles';
import { startFaultProxy } from '../test/support/faultProxy';
import { startMoto } from '../test/support/moto';
import { startTagLayer } from '../test/support/tagLayer';
import { startVersionLayer } from '../test/support/versionLayer';
import { createGroups } from '../test/support/workbenchFoundation';
import { findPython } from './listing';
import { round } from './stats';
import { boto3Env } from './boto3Env';

/** The extension's paces (src/manifest/manifestCommands.ts readPace, src/shared/bulkPace.ts BULK_PACE). */
const READ_PACE = { concurrency: 4, perSecond: 10 };
const WRITE_PACE = { concurrency: 3, perSecond: 8 };

export interface ManifestBenchResult {
  plan: {
    groups: number;
    changed: number;
    calls: Record<string, number>;
    totalCalls: number;
    expectedCalls: number;
    unpacedMs: number;
    atReadPaceS: number;
    summary: ReturnType<typeof summarize>;
    boto3: { calls: Record<string, number>; totalCalls: number; ms: number; version: string };
  };
  apply: {
    creates: number;
    createRequestsForwarded: number;
    throttled: number;
    lostResponses: number;
    outcomes: Record<string, number>;
    groupsAfter: number;
    ms: number;
    secondPlanEmpty: boolean;
  };
}

/** Runs a script to its end without blocking this process (whose HTTP layers it talks to). */
function runScript(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-20_000)));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const name = (i: number) => `mf-${String(i).padStart(4, '0')}`;

export async function measureManifest(options: { groups?: number; creates?: number; repo: string; log?: (line: string) => void }): Promise<ManifestBenchResult> {
  const G = options.groups ?? 1000;
  const C = options.creates ?? 500;
  const log = options.log ?? (() => undefined);
  const moto = await startMoto();
  const tags = await startTagLayer(moto.endpoint);
  const versions = await startVersionLayer(tags.endpoint);
  const proxy = await startFaultProxy(versions.endpoint);
  const home = makeAwsHome();
  const layer = createAwsLayer({ env: home.env(), client: { maxAttempts: 3, connectionTimeoutMs: 2000, requestTimeoutMs: 10_000 } });
  try {
    const svc = layer.service(await layer.resolveConnection({ profile: 'default', region: 'us-east-1', endpoint: proxy.endpoint }));
    log(`  seeding ${G} groups with a description and a tag`);
    await createGroups(
      tags.endpoint,
      Array.from({ length: G }, (_, i) => ({ name: name(i), description: `group ${i}`, tags: { BillingGroup: name(i) } })),
      { parallel: 16 },
    );

    // --- Plan: every group named with description and tags; half of them changed ---
    const manifest: Manifest = {
      account: '123456789012',
      region: 'us-east-1',
      prune: false,
      groups: Array.from({ length: G }, (_, i) => ({
        name: name(i),
        description: i % 2 === 0 ? `group ${i}, changed` : `group ${i}`,
        tags: [{ key: 'BillingGroup', value: name(i) }],
      })),
    };
    proxy.reset();
    const fast = { concurrency: READ_PACE.concurrency, perSecond: 1_000_000 };
    const started = Date.now();
    const state = await readAccount(manifestReader(svc), manifest, fast);
    const unpacedMs = Date.now() - started;
    const plan = makePlan(manifest, state);
    const calls: Record<string, number> = {};
    for (const r of proxy.forwarded()) if (r.operation) calls[r.operation] = (calls[r.operation] ?? 0) + 1;
    const totalCalls = Object.values(calls).reduce((a, b) => a + b, 0);
    const expectedCalls = Math.ceil(G / 250) + 2 * G;
    log(`  plan: ${totalCalls} calls (expected ${expectedCalls}) in ${unpacedMs} ms unpaced; ${JSON.stringify(summarize(plan))}`);

    const python = findPython();
    // The same reads through the tag layer (not the version layer or proxy, which add nothing to count).
    // Asynchronously: the tag layer answering it runs in this very process.
    const r = await runScript(python, [path.join(options.repo, 'bench', 'boto3_manifest_plan.py'), tags.endpoint], boto3Env(home.home), 540_000);
    if (r.status !== 0) throw new Error(`boto3 plan script failed (status ${r.status}): ${r.stderr.slice(-2000)}`);
    const boto = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { ms: number; groups: number; calls: Record<string, number>; boto3: string };
    if (boto.groups !== G) throw new Error(`the boto3 script saw ${boto.groups} groups, not ${G}`);
    const botoTotal = Object.values(boto.calls).reduce((a, b) => a + b, 0);
    log(`  boto3 script: ${botoTotal} calls ${JSON.stringify(boto.calls)} in ${Math.round(boto.ms)} ms`);

    // --- Apply: 500 creates, paced, under throttling, with one lost response ---
    await moto.reset();
    tags.clear();
    versions.clear();
    proxy.reset();
    const creates: Manifest = {
      prune: false,
      groups: Array.from({ length: C }, (_, i) => ({ name: `new-${String(i).padStart(4, '0')}`, description: `created ${i}`, tags: [{ key: 'team', value: `t${i % 7}` }] })),
    };
    const createPlan = makePlan(creates, await readAccount(manifestReader(svc), creates, fast));
    proxy.reset();
    // Below the runner's 8/s: the proxy answers ThrottlingException above 6 creates a second.
    proxy.setRateLimit({ perSecond: 6, match: { operation: 'CreateBillingGroup' } });
    const lost = proxy.addRule({ match: { operation: 'CreateBillingGroup', when: (q) => q.pathname.endsWith('/new-0100') }, fault: 'lostResponse' });
    log(`  apply: ${C} creates at ${WRITE_PACE.perSecond}/s under a 6/s create limit, one response lost`);
    const applyStarted = Date.now();
    const report = await applyPlan(createPlan, manifestWriter(svc), {
      ...WRITE_PACE,
      retry: { isRetryable: (e) => isAwsProblem(e) && e.code === 'Throttled', times: 3, backoffMs: 2000 },
    });
    const applyMs = Date.now() - applyStarted;
    proxy.setRateLimit(undefined);
    const outcomes: Record<string, number> = {};
    for (const e of report.entries) outcomes[e.outcome] = (outcomes[e.outcome] ?? 0) + 1;
    const createRequestsForwarded = proxy.countForwarded({ operation: 'CreateBillingGroup' });
    const throttled = proxy.stats().byOutcome.rateLimited ?? 0;
    const after = await svc.listAllBillingGroups();
    const second = makePlan(creates, await readAccount(manifestReader(svc), creates, fast));
    const secondPlanEmpty = second.creates.length + second.descriptions.length + second.tags.length === 0;
    log(`  apply: ${JSON.stringify(outcomes)} in ${(applyMs / 1000).toFixed(1)} s; ${createRequestsForwarded} creates reached moto, ${throttled} throttled; ${after.length} groups after`);

    return {
      plan: {
        groups: G,
        changed: G / 2,
        calls,
        totalCalls,
        expectedCalls,
        unpacedMs,
        atReadPaceS: round(totalCalls / READ_PACE.perSecond, 1),
        summary: summarize(plan),
        boto3: { calls: boto.calls, totalCalls: botoTotal, ms: round(boto.ms, 0), version: boto.boto3 },
      },
      apply: { creates: C, createRequestsForwarded, throttled, lostResponses: lost.hits, outcomes, groupsAfter: after.length, ms: applyMs, secondPlanEmpty },
    };
  } finally {
    layer.dispose();
    home.remove();
    await proxy.stop();
    await versions.stop();
    await tags.stop();
    await moto.stop();
  }
}

if (require.main === module) {
  const repo = path.resolve(__dirname, '..', '..');
  measureManifest({ repo, log: (l) => console.log(l) })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
}
