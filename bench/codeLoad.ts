// Code-load time of a bundle: each run is a fresh `node -e` process that injects a stub `vscode`
// module (through Module._load) and times only the `require` of the bundle.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median } from './stats';

export interface LoadVariant {
  /** Short key in results.json. */
  key: string;
  label: string;
  file: string;
}

export interface LoadResult {
  key: string;
  label: string;
  file: string;
  bytes: number;
  runsMs: number[];
  medianMs: number;
}

/** The names `vscode` exports (classes, namespaces, enums, functions, constants), from @types/vscode. */
export function vscodeExportNames(repoRoot: string): string[] {
  const dts = fs.readFileSync(path.join(repoRoot, 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8');
  const names = new Set<string>();
  for (const m of dts.matchAll(/^\s*export (?:class|namespace|enum|function|const|let|var) ([A-Za-z_$][\w$]*)/gm)) names.add(m[1]);
  return [...names];
}

/**
 * The child's script. The stub is an object with every export name of `vscode`, each a callable,
 * constructible proxy that answers any property with itself: enough for a bundle's top level
 * (`new vscode.ThemeIcon(...)`, `vscode.l10n.t(...)`) to run. Only the `require` is timed.
 */
function childScript(file: string, names: string[]): string {
  return `
const Module = require('node:module');
const u = new Proxy(function () {}, {
  get: (t, p) => (p === Symbol.toPrimitive ? () => '' : p === 'then' ? undefined : u),
  apply: () => u,
  construct: () => u,
});
const vscode = {};
for (const n of ${JSON.stringify(names)}) vscode[n] = u;
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };
const t0 = process.hrtime.bigint();
const m = require(${JSON.stringify(file)});
const t1 = process.hrtime.bigint();
process.stdout.write(JSON.stringify({ ms: Number(t1 - t0) / 1e6, exports: Object.keys(m).length }));
`;
}

function runOnce(file: string, names: string[]): number {
  const r = spawnSync(process.execPath, ['-e', childScript(file, names)], {
    encoding: 'utf8',
    timeout: 30_000,
    // No NODE_OPTIONS (e.g. a debugger hook) or compile cache: every run starts cold.
    env: { PATH: process.env.PATH, HOME: os.tmpdir(), NODE_DISABLE_COMPILE_CACHE: '1' },
  });
  if (r.status !== 0) throw new Error(`loading ${file} failed (exit ${r.status ?? r.signal}):\n${(r.stderr ?? '').slice(-2000)}`);
  const out = JSON.parse(r.stdout) as { ms: number; exports: number };
  if (!(out.exports > 0)) throw new Error(`${file} loaded but exports nothing`);
  return out.ms;
}

/** Runs every variant `runs` times, interleaved (so that load from elsewhere on the machine hits them alike). */
export function measureCodeLoad(variants: LoadVariant[], repoRoot: string, runs = 20): LoadResult[] {
  const names = vscodeExportNames(repoRoot);
  for (const v of variants) if (!fs.existsSync(v.file)) throw new Error(`${v.file} does not exist`);
  // One unmeasured run each: the file system cache is warm for all alike.
  for (const v of variants) runOnce(v.file, names);
  const times = new Map<string, number[]>(variants.map((v) => [v.key, []]));
  for (let i = 0; i < runs; i++) {
    const order = [...variants.slice(i % variants.length), ...variants.slice(0, i % variants.length)];
    for (const v of order) times.get(v.key)!.push(runOnce(v.file, names));
  }
  return variants.map((v) => {
    const runsMs = times.get(v.key)!;
    return { key: v.key, label: v.label, file: v.file, bytes: fs.statSync(v.file).size, runsMs, medianMs: median(runsMs) };
  });
}
