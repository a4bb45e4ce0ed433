// Listing N billing groups: seeding moto fast, the extension's own AWS layer (src/aws) and boto3's
// paginator over the same moto_server, their runs interleaved.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { CreateBillingGroupCommand, IoTClient, ListBillingGroupsCommand } from '@aws-sdk/client-iot';
import { createAwsLayer, type CallLog } from '../src/aws/index';
import type { AwsHome } from '../test/support/awsFiles';
import { median } from './stats';
import { boto3Env } from './boto3Env';

export const groupName = (i: number) => `bench-${String(i).padStart(5, '0')}`;

/** Creates groups bench-00000 … bench-(n-1) with a plain IoTClient, `concurrency` requests at a time. */
export async function seedGroups(endpoint: string, n: number, concurrency = 16): Promise<number> {
  const client = new IoTClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 5,
  });
  const started = Date.now();
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < n) {
          const i = next++;
          await client.send(new CreateBillingGroupCommand({ billingGroupName: groupName(i) }));
        }
      }),
    );
    // Check the count the cheap way: pages of 250 with a plain client.
    let count = 0;
    let nextToken: string | undefined;
    do {
      const out = await client.send(new ListBillingGroupsCommand({ maxResults: 250, nextToken }));
      count += out.billingGroups?.length ?? 0;
      nextToken = out.nextToken || undefined;
    } while (nextToken);
    if (count !== n) throw new Error(`seeded ${n} billing groups but moto lists ${count}`);
  } finally {
    client.destroy();
  }
  return Date.now() - started;
}

/** pyenv's global python3 (where boto3 is installed), as test/support/moto.ts finds moto_server; then PATH. */
export function findPython(): string {
  if (process.env.BENCH_PYTHON) return process.env.BENCH_PYTHON;
  const pyenvRoot = process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv');
  const candidates: string[] = [];
  try {
    const global = fs.readFileSync(path.join(pyenvRoot, 'version'), 'utf8').trim().split(/\s+/)[0];
    if (global) candidates.push(path.join(pyenvRoot, 'versions', global, 'bin', 'python3'));
  } catch {
    /* no global pyenv version */
  }
  try {
    for (const v of fs.readdirSync(path.join(pyenvRoot, 'versions')).sort().reverse()) candidates.push(path.join(pyenvRoot, 'versions', v, 'bin', 'python3'));
  } catch {
    /* no pyenv */
  }
  candidates.push('python3');
  for (const c of candidates) {
    if (c !== 'python3' && !fs.existsSync(c)) continue;
    const r = spawnSync(c, ['-c', 'import boto3'], { stdio: 'ignore', timeout: 30_000 });
    if (r.status === 0) return c;
  }
  throw new Error(`no python3 with boto3 found (looked at ${candidates.join(', ')}). Install it with: pip install boto3`);
}

/** A boto3 process that lists on request (see boto3_list.py). */
class Boto3Lister {
  private readonly lines: AsyncIterator<string>;
  private stderr = '';
  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    child.stderr.on('data', (b: Buffer) => (this.stderr = (this.stderr + b.toString()).slice(-4000)));
  }

  static async start(python: string, script: string, endpoint: string, home: string): Promise<{ lister: Boto3Lister; version: string }> {
    const env = boto3Env(home);
    const child = spawn(python, [script, endpoint], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const lister = new Boto3Lister(child);
    const first = (await lister.next()) as { ready?: boolean; boto3?: string };
    if (!first.ready) throw new Error(`boto3 lister did not start: ${JSON.stringify(first)}`);
    return { lister, version: first.boto3 ?? '?' };
  }

  private async next(): Promise<unknown> {
    const r = await this.lines.next();
    if (r.done) throw new Error(`boto3 lister ended: ${this.stderr}`);
    return JSON.parse(r.value);
  }

  async list(mode: 'default' | number): Promise<{ ms: number; items: number; calls: number }> {
    this.child.stdin.write(`${mode}\n`);
    return (await this.next()) as { ms: number; items: number; calls: number };
  }

  stop(): void {
    this.child.stdin.end();
    this.child.kill('SIGTERM');
  }
}

export interface ListingResult {
  n: number;
  runs: number;
  extension: { runsMs: number[]; medianMs: number; listBillingGroupsCalls: number[]; items: number; pageSize: number };
  boto3Default: { runsMs: number[]; medianMs: number; calls: number; items: number };
  boto3SamePageSize: { runsMs: number[]; medianMs: number; calls: number; items: number; pageSize: number };
  boto3Version: string;
  python: string;
  /** extension median / boto3 (default paginator) median: the budgeted ratio. */
  ratio: number;
  /** extension median / boto3 with PageSize=250 median: the same number of calls on both sides. */
  ratioSamePageSize: number;
}

/**
 * The extension's src/aws layer (createAwsLayer with a temporary HOME holding static fake keys,
 * endpoint = moto) lists every group with listAllBillingGroups; its CallLog counts the calls.
 * boto3's paginator does the same in a Python process. One warm-up each, then `runs` timed runs of
 * each, interleaved: extension, boto3 (default), boto3 (PageSize=250), ...
 */
export async function measureListing(endpoint: string, awsHome: AwsHome, n: number, repoRoot: string, runs = 5): Promise<ListingResult> {
  const calls: CallLog[] = [];
  const layer = createAwsLayer({ env: awsHome.env(), log: (e) => calls.push(e) });
  const python = findPython();
  const { lister, version } = await Boto3Lister.start(python, path.join(repoRoot, 'bench', 'boto3_list.py'), endpoint, awsHome.home);
  try {
    const conn = await layer.resolveConnection({ profile: 'default', region: 'us-east-1', endpoint });
    const service = layer.service(conn);
    const extensionOnce = async () => {
      calls.length = 0;
      const started = process.hrtime.bigint();
      const all = await service.listAllBillingGroups();
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      const failed = calls.find((c) => c.outcome !== 'ok');
      if (failed) throw new Error(`${failed.operation} failed: ${failed.outcome} ${failed.detail ?? ''}`);
      if (all.length !== n) throw new Error(`the extension listed ${all.length} billing groups, expected ${n}`);
      return { ms: elapsed, calls: calls.filter((c) => c.operation === 'ListBillingGroups').length };
    };
    // Warm-up: client, credentials, keep-alive connection, JIT, and Python's imports alike.
    await extensionOnce();
    await lister.list('default');
    await lister.list(250);
    const ext: number[] = [];
    const extCalls: number[] = [];
    const bDefault: number[] = [];
    const bSame: number[] = [];
    let defaultCalls = 0;
    let sameCalls = 0;
    for (let i = 0; i < runs; i++) {
      const e = await extensionOnce();
      ext.push(e.ms);
      extCalls.push(e.calls);
      const d = await lister.list('default');
      if (d.items !== n) throw new Error(`boto3 listed ${d.items} billing groups, expected ${n}`);
      bDefault.push(d.ms);
      defaultCalls = d.calls;
      const s = await lister.list(250);
      if (s.items !== n) throw new Error(`boto3 listed ${s.items} billing groups, expected ${n}`);
      bSame.push(s.ms);
      sameCalls = s.calls;
    }
    const extMedian = median(ext);
    const defaultMedian = median(bDefault);
    const sameMedian = median(bSame);
    return {
      n,
      runs,
      extension: { runsMs: ext, medianMs: extMedian, listBillingGroupsCalls: extCalls, items: n, pageSize: 250 },
      boto3Default: { runsMs: bDefault, medianMs: defaultMedian, calls: defaultCalls, items: n },
      boto3SamePageSize: { runsMs: bSame, medianMs: sameMedian, calls: sameCalls, items: n, pageSize: 250 },
      boto3Version: version,
      python,
      ratio: extMedian / defaultMedian,
      ratioSamePageSize: extMedian / sameMedian,
    };
  } finally {
    lister.stop();
    layer.dispose();
  }
}
