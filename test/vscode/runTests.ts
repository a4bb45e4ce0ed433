// Runs the extension-host suite (test/vscode/suite) in VS Code desktop through @vscode/test-electron.
// VS Code desktop cannot be downloaded on every machine (not on this project's CI): then it says so in
// one line and exits 0 WITHOUT counting anything as passed. Set VSCODE_EXECUTABLE_PATH to a VS Code
// binary, or VSCODE_TEST_DOWNLOAD=1 where the download works.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { startMoto } from '../support/moto';

async function main(): Promise<void> {
  const vscodeExecutablePath = process.env.VSCODE_EXECUTABLE_PATH;
  if (!vscodeExecutablePath && process.env.VSCODE_TEST_DOWNLOAD !== '1') {
    console.log('test:vscode NOT RUN (not counted as passed): no VS Code desktop here; set VSCODE_EXECUTABLE_PATH or VSCODE_TEST_DOWNLOAD=1.');
    return;
  }
  const root = path.resolve(__dirname, '../../..');
  const moto = await startMoto();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'iotbg-vscode-'));
  fs.mkdirSync(path.join(home, '.aws'));
  fs.writeFileSync(path.join(home, '.aws', 'config'), '[default]\nregion = us-east-1\n');
  fs.writeFileSync(path.join(home, '.aws', 'credentials'), '[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n');
  const userData = path.join(home, 'user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify({ 'iotBillingGroups.endpoint': moto.endpoint, 'iotBillingGroups.region': 'us-east-1', 'workbench.startupEditor': 'none' }),
  );
  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
      launchArgs: ['--disable-extensions', `--user-data-dir=${userData}`, '--disable-workspace-trust'],
      extensionTestsEnv: { HOME: home, IOTBG_TEST_MOTO: moto.endpoint, AWS_PROFILE: '', AWS_REGION: '' },
    });
  } finally {
    await moto.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
