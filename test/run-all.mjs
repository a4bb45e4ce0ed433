// `npm test`: every check and suite in order — typecheck, lint, unit, integration (moto),
// e2e (real VS Code in Chromium), extension host (@vscode/test-electron, where VS Code desktop
// exists). Runs them all even after a failure, then prints one closing line "N passed, N failed".
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const results = path.join(root, 'out', 'results');
const only = process.argv.slice(2);

/** node --test with a readable spec reporter on stdout and TAP kept for counting. */
const nodeTest = (name, dir, extra = []) => ({
  name,
  cmd: ['node', '--test', '--test-concurrency=1', ...extra, '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${path.join(results, `${name}.tap`)}`, dir],
  tap: path.join(results, `${name}.tap`),
});

const stages = [
  { name: 'typecheck', cmd: ['npm', 'run', '--silent', 'typecheck'] },
  { name: 'lint', cmd: ['npm', 'run', '--silent', 'lint'] },
  { name: 'build', cmd: ['npm', 'run', '--silent', 'package'] },
  { name: 'build:tests', cmd: ['npm', 'run', '--silent', 'build:tests'] },
  nodeTest('unit', 'out/test/unit/'),
  nodeTest('integration', 'out/test/integration/'),
  { name: 'e2e-setup', cmd: ['node', 'test/e2e/setup.mjs'] },
  nodeTest('e2e', 'out/test/e2e/'),
  { name: 'vscode', cmd: ['node', 'out/test/vscode/runTests.js'] },
].filter((s) => only.length === 0 || only.includes(s.name) || ['build', 'build:tests'].includes(s.name));

fs.mkdirSync(results, { recursive: true });
let passed = 0;
let failed = 0;
const lines = [];
for (const stage of stages) {
  console.log(`\n=== ${stage.name}: ${stage.cmd.join(' ')}`);
  const started = Date.now();
  const r = spawnSync(stage.cmd[0], stage.cmd.slice(1), { cwd: root, stdio: 'inherit' });
  const ok = r.status === 0;
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (stage.tap && fs.existsSync(stage.tap)) {
    const tap = fs.readFileSync(stage.tap, 'utf8');
    const count = (k) => Number(tap.match(new RegExp(`^# ${k} (\\d+)$`, 'm'))?.[1] ?? 0);
    const p = count('pass');
    // A runner that failed without a failing test (a crash) still counts as one failure.
    const f = count('fail') + (ok || count('fail') > 0 ? 0 : 1);
    const s = count('skipped');
    passed += p;
    failed += f;
    lines.push(`${stage.name}: ${p} passed, ${f} failed${s ? `, ${s} skipped` : ''} (${secs} s)`);
    if (p === 0 && f === 0) {
      failed++;
      lines.push(`${stage.name}: ran no test — counted as a failure`);
    }
  } else {
    if (!ok) failed++;
    lines.push(`${stage.name}: ${ok ? 'ok' : `FAILED (exit ${r.status})`} (${secs} s)`);
  }
}
console.log('\n=== summary');
for (const l of lines) console.log(l);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
