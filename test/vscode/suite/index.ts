// Mocha entry that runs inside a VS Code extension host: loaded by @vscode/test-electron (desktop),
// or by test/vscode/host-runner inside code-server's extension host (the e2e run), which asks for a
// JSON report file through IOTBG_MOCHA_REPORT.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const report = process.env.IOTBG_MOCHA_REPORT;
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 60_000,
    color: false,
    ...(report ? { reporter: 'json', reporterOptions: { output: report } } : {}),
  });
  for (const f of fs.readdirSync(__dirname)) if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} tests failed`)) : resolve()));
  });
}
