// The environment of the bench's boto3 scripts: dummy keys, no config or credentials files of the
// person running the bench, no instance-metadata probe — so boto3 talks only to the emulator.
import * as path from 'node:path';

export function boto3Env(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: path.join(home, 'boto3-none-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'boto3-none-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    PYTHONUNBUFFERED: '1',
  };
}
