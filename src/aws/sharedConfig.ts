// Reads the shared AWS config and credentials files: profile names, a profile's region and endpoint,
// and lines the SDK's parser would silently skip (a malformed file deserves a clear message).
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import * as fs from 'node:fs';
import { awsFilePaths } from '../core/awsFilePaths';

export const sharedConfigPaths = awsFilePaths;

export interface SharedConfig {
  profiles: string[];
  config: Record<string, Record<string, string | undefined>>;
  credentials: Record<string, Record<string, string | undefined>>;
  /** Problems found in the files, e.g. "~/.aws/config line 3 is not a [section] or key = value". */
  problems: string[];
}

/** Finds lines that are neither comments, sections, key = value, nor continuation lines. */
function findMalformedLines(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    if (/^\[[^\]]+\]$/.test(line)) return;
    if (/^\[/.test(line)) {
      problems.push(`${file} line ${i + 1}: section header "${line.slice(0, 40)}" is not closed with "]"`);
      return;
    }
    if (/^[^=\s][^=]*=/.test(line)) return;
    if (/^\s+\S/.test(raw)) return; // indented continuation of a nested key
    problems.push(`${file} line ${i + 1} is neither a [section] nor "key = value"`);
  });
  return problems;
}

export async function readSharedConfig(env: NodeJS.ProcessEnv = process.env): Promise<SharedConfig> {
  const paths = sharedConfigPaths(env);
  const files = await loadSharedConfigFiles({ filepath: paths.credentials, configFilepath: paths.config, ignoreCache: true });
  const config = (files.configFile ?? {}) as SharedConfig['config'];
  const credentials = (files.credentialsFile ?? {}) as SharedConfig['credentials'];
  // Only profile sections: skip "sso-session x" and "services x" sections the loader keys with a separator.
  const isProfile = (name: string) => !/^(sso-session|services)\./.test(name);
  const profiles = [...new Set([...Object.keys(config), ...Object.keys(credentials)])].filter(isProfile).sort((a, b) =>
    a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b),
  );
  return { profiles, config, credentials, problems: [...findMalformedLines(paths.config), ...findMalformedLines(paths.credentials)] };
}
