// Starts moto_server (the AWS emulator of the tests) on a free loopback port.
// moto lives in pyenv's Python; we do not count on a shell profile having put it on PATH.
import { spawn, ChildProcess, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface MotoServer {
  readonly endpoint: string;
  readonly port: number;
  /** Forgets every resource (moto's reset API): each scenario starts from a known state. */
  reset(): Promise<void>;
  stop(): Promise<void>;
  /** Output moto has written so far, for failure reports. */
  output(): string;
}

/** Where moto_server is: $MOTO_SERVER, then pyenv's interpreters, then PATH. */
export function findMotoServer(): string[] {
  if (process.env.MOTO_SERVER) return [process.env.MOTO_SERVER];
  const candidates: string[] = [];
  const pyenvRoot = process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv');
  const versionsDir = path.join(pyenvRoot, 'versions');
  let preferred: string | undefined;
  try {
    preferred = fs.readFileSync(path.join(pyenvRoot, 'version'), 'utf8').trim().split(/\s+/)[0];
  } catch {
    /* no global pyenv version */
  }
  if (preferred) candidates.push(path.join(versionsDir, preferred, 'bin', 'moto_server'));
  try {
    for (const v of fs.readdirSync(versionsDir).sort().reverse()) candidates.push(path.join(versionsDir, v, 'bin', 'moto_server'));
  } catch {
    /* no pyenv */
  }
  for (const c of candidates) if (fs.existsSync(c)) return [c];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const c = path.join(dir, 'moto_server');
    if (dir && fs.existsSync(c)) return [c];
  }
  // Last resort: a python3 that has moto installed.
  try {
    execFileSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' });
    return ['python3', '-m', 'moto.server'];
  } catch {
    throw new Error(
      'moto_server (the AWS emulator the tests run against) was not found. Looked in $MOTO_SERVER, ' +
        `${versionsDir}/*/bin/moto_server and PATH. Install it with: pip install "moto[server]"`,
    );
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, log: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms:\n${log()}`);
}

export async function startMoto(options: { port?: number } = {}): Promise<MotoServer> {
  const [cmd, ...args] = findMotoServer();
  const port = options.port ?? (await freePort());
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('AWS_')) delete env[k];
  const child = spawn(cmd, [...args, '-H', '127.0.0.1', '-p', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  // Never leave an emulator behind when the test process ends early (a failed or interrupted run).
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilUp(endpoint, child, () => out);
  return {
    endpoint,
    port,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    },
    stop() {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      });
    },
    output: () => out,
  };
}
