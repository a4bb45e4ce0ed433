// `npm start`: the extension in real VS Code (code-server) on 127.0.0.1, against a moto_server
// seeded with sample billing groups and things (behind the test suite's tag layer, so tags work),
// so that a newcomer sees it work without an AWS account. `npm start -- --profile NAME` uses that
// real AWS profile (your own ~/.aws) instead. Ctrl+C stops everything.
import * as os from 'node:os';
import { startCodeServer } from '../support/codeServer';
import { startMoto } from '../support/moto';
import { seedSampleFleet } from '../support/seed';
import { startTagLayer } from '../support/tagLayer';

async function main(): Promise<void> {
  const i = process.argv.indexOf('--profile');
  const profile = i >= 0 ? process.argv[i + 1] : undefined;
  if (i >= 0 && !profile) throw new Error('usage: npm start -- --profile NAME');
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  process.on('SIGINT', () => void stopAll().then(() => process.exit(0)));
  process.on('SIGTERM', () => void stopAll().then(() => process.exit(0)));
  try {
    let settings: Record<string, unknown>;
    let env: NodeJS.ProcessEnv = {};
    let aws: { config?: string; credentials?: string } | undefined;
    if (profile) {
      settings = { 'iotBillingGroups.profile': profile };
      env = { HOME: os.homedir() }; // your real ~/.aws, SSO cache included
      console.log(`Using your AWS profile "${profile}" (real AWS: calls cost what they cost).`);
    } else {
      const moto = await startMoto();
      stops.push(() => moto.stop());
      const tags = await startTagLayer(moto.endpoint);
      stops.push(() => tags.stop());
      await seedSampleFleet(tags.endpoint);
      settings = { 'iotBillingGroups.endpoint': tags.endpoint, 'iotBillingGroups.region': 'us-east-1' };
      aws = {
        config: '[default]\nregion = us-east-1\n',
        credentials: '[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n',
      };
      console.log(`moto_server (AWS IoT emulator) on ${moto.endpoint}, seeded with sample billing groups and things.`);
    }
    const server = await startCodeServer({ settings, aws, env });
    stops.push(() => server.stop());
    console.log(`\nVS Code with AWS IoT Billing Groups: ${server.workbenchUrl()}\nOpen it in a browser; the extension's icon is in the activity bar. Ctrl+C stops.\n`);
    await new Promise(() => undefined);
  } catch (e) {
    await stopAll();
    throw e;
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
