// The extension-host suite (test/vscode/suite, Mocha) run inside code-server's real extension host:
// the VS Code server ignores --extensionTestsPath, so a test-only extension (test/vscode/host-runner)
// runs the suite when the host starts and writes Mocha's JSON report. Same suite, same vscode API as
// @vscode/test-electron on a desktop, counted here only if it really ran.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_VSIX, REPO_ROOT } from '../support/codeServer';
import { MotoServer, startMoto } from '../support/moto';
import { waitUntil, withWorkbench } from '../support/workbench';

let moto: MotoServer;
let runnerVsix: string;
let work: string;

/** Packages the host runner with vsce into a temporary folder. */
function packageRunner(dir: string): string {
  const src = path.join(REPO_ROOT, 'test', 'vscode', 'host-runner');
  const stage = path.join(dir, 'runner');
  fs.mkdirSync(stage, { recursive: true });
  for (const f of ['package.json', 'runner.js']) fs.copyFileSync(path.join(src, f), path.join(stage, f));
  fs.writeFileSync(path.join(stage, 'README.md'), '# Test-only runner\n');
  fs.writeFileSync(path.join(stage, 'LICENSE'), 'MIT\n');
  const out = path.join(dir, 'host-runner.vsix');
  const vsce = path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce');
  const r = spawnSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out], { cwd: stage, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vsce package of the host runner failed:\n${r.stdout}\n${r.stderr}`);
  return out;
}

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'iotbg-host-'));
  runnerVsix = packageRunner(work);
  moto = await startMoto();
});

after(async () => {
  await moto?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

interface MochaReport {
  stats: { tests: number; passes: number; failures: number; pending: number };
  failures: Array<{ fullTitle: string; err: { message?: string } }>;
  passes: Array<{ fullTitle: string }>;
}

test('extension-host suite (test/vscode) passes inside code-server\'s extension host', { timeout: 300_000 }, async () => {
  const report = path.join(work, 'mocha.json');
  const suite = path.join(REPO_ROOT, 'out', 'test', 'vscode', 'suite', 'index.js');
  assert.ok(fs.existsSync(suite), `${suite} is built (npm run build:tests)`);
  const server = {
    settings: { 'iotBillingGroups.endpoint': moto.endpoint, 'iotBillingGroups.region': 'us-east-1' },
    aws: {
      config: '[default]\nregion = us-east-1\n',
      credentials: '[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n',
    },
    vsix: [DEFAULT_VSIX, runnerVsix],
    env: { IOTBG_SUITE_INDEX: suite, IOTBG_MOCHA_REPORT: report, IOTBG_TEST_MOTO: moto.endpoint },
  };
  await withWorkbench('extension-host suite', { server }, async ({ wb }) => {
    // The extension host starts with the window; the runner runs the suite once it has started.
    const done = await wb.step('the suite runs in the extension host', () =>
      waitUntil('the host runner to finish', async () => (fs.existsSync(`${report}.done`) ? JSON.parse(fs.readFileSync(`${report}.done`, 'utf8')) : undefined), {
        timeout: 180_000,
      }),
    );
    assert.ok(fs.existsSync(report), `Mocha wrote its report (runner said: ${JSON.stringify(done)})`);
    const result = JSON.parse(fs.readFileSync(report, 'utf8')) as MochaReport;
    for (const p of result.passes) console.log(`  ✔ (extension host) ${p.fullTitle}`);
    for (const f of result.failures) console.log(`  ✖ (extension host) ${f.fullTitle}: ${f.err.message}`);
    assert.ok(result.stats.tests > 0, 'the suite ran tests');
    assert.equal(result.stats.failures, 0, JSON.stringify(result.failures, null, 2));
    assert.equal(result.stats.pending, 0, 'nothing skipped');
  });
});
