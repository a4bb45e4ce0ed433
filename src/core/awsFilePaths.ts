// Where the shared AWS files are (the same rules as the SDK), without loading the SDK.
import * as os from 'node:os';
import * as path from 'node:path';

export function awsFilePaths(env: NodeJS.ProcessEnv = process.env): { config: string; credentials: string } {
  const home = env.HOME || env.USERPROFILE || os.homedir();
  return {
    config: env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials'),
  };
}
