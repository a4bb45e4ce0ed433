// The connections the extension shows side by side (issue 17): profile and region pairs, with an
// optional emulator endpoint and an optional role to assume in another account. The first is the
// one of the `profile`, `region` and `endpoint` settings (so no one's settings break); the others
// come from `iotBillingGroups.connections`. Pure: settings in, a checked and de-duplicated list out.

export interface ConnectionSpec {
  /** Profile of the shared AWS files; empty: AWS_PROFILE, else "default" (the first connection only). */
  profile: string;
  /** Empty: the profile's region (the first connection only). */
  region: string;
  /** An emulator's URL; empty: AWS. */
  endpoint: string;
  /** A role to assume with the profile's credentials (another account of the organisation). */
  roleArn?: string;
}

export interface ConnectionEntry extends ConnectionSpec {
  /** Stable while the entry is in the list: tree item ids, caches and the tree's state key on it. */
  id: string;
  /** The first connection (the profile/region/endpoint settings). */
  primary: boolean;
}

/** The id of the first connection: its profile and region may change (Select AWS Profile), it stays the first. */
export const PRIMARY_CONNECTION_ID = 'primary';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** An IAM role ARN in any partition: arn:PARTITION:iam::ACCOUNT:role/PATH/NAME. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]{1,512}$/;

export function isRegion(value: string): boolean {
  return REGION.test(value);
}

export function isRoleArn(value: string): boolean {
  return ROLE_ARN.test(value);
}

/** The account of a role ARN. */
export function roleAccount(roleArn: string): string | undefined {
  return /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn)?.[1];
}

/** The role ARN for an account of an organisation, in the partition of the region. */
export function organizationRoleArn(account: string, roleName: string, region: string): string {
  return `arn:${partitionOf(region)}:iam::${account}:role/${roleName}`;
}

/** The AWS partition of a region. */
export function partitionOf(region: string): 'aws' | 'aws-cn' | 'aws-us-gov' {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function normalize(spec: ConnectionSpec): ConnectionSpec {
  const out: ConnectionSpec = { profile: spec.profile.trim(), region: spec.region.trim(), endpoint: spec.endpoint.trim().replace(/\/+$/, '') };
  const role = spec.roleArn?.trim();
  if (role) out.roleArn = role;
  return out;
}

/** The identity of an entry of the list: the same profile, region, endpoint and role are the same connection. */
export function connectionKey(spec: ConnectionSpec): string {
  const n = normalize(spec);
  return JSON.stringify([n.profile, n.region, n.endpoint, n.roleArn ?? '']);
}

export interface ParsedConnections {
  specs: ConnectionSpec[];
  /** One sentence per entry left out, saying why (shown in the log and as a warning once). */
  problems: string[];
}

/** Checks the `iotBillingGroups.connections` setting: each entry an object with a profile and a region. */
export function parseConnectionsSetting(raw: unknown): ParsedConnections {
  const specs: ConnectionSpec[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { specs, problems };
  if (!Array.isArray(raw)) return { specs, problems: ['iotBillingGroups.connections must be a list of { "profile", "region" } objects.'] };
  raw.forEach((entry: unknown, i) => {
    const at = `iotBillingGroups.connections[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${at} is not an object with "profile" and "region"; it was left out.`);
      return;
    }
    const e = entry as Record<string, unknown>;
    const str = (k: string) => (typeof e[k] === 'string' ? (e[k] as string).trim() : undefined);
    const profile = str('profile');
    const region = str('region');
    const endpoint = str('endpoint') ?? '';
    const roleArn = str('roleArn');
    if (!profile) return void problems.push(`${at} has no "profile"; it was left out.`);
    if (!region || !isRegion(region)) return void problems.push(`${at} has no valid "region" (such as "eu-west-1"); it was left out.`);
    if (e.endpoint !== undefined && typeof e.endpoint !== 'string') return void problems.push(`${at}: "endpoint" must be a URL string; the entry was left out.`);
    if (endpoint && !/^https?:\/\/\S+$/.test(endpoint)) return void problems.push(`${at}: "endpoint" must start with http:// or https://; the entry was left out.`);
    if (e.roleArn !== undefined && (!roleArn || !isRoleArn(roleArn)))
      return void problems.push(`${at}: "roleArn" is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME); the entry was left out.`);
    specs.push(normalize({ profile, region, endpoint, ...(roleArn ? { roleArn } : {}) }));
  });
  return { specs, problems };
}

/**
 * The connections in order: the first from the profile/region/endpoint settings (always there, even
 * empty: it then resolves as before, from AWS_PROFILE, "default" and the profile's region), then
 * each entry of `iotBillingGroups.connections` once, leaving out one equal to the first.
 */
export function connectionList(primary: ConnectionSpec, extra: readonly ConnectionSpec[]): ConnectionEntry[] {
  const first = normalize(primary);
  const seen = new Set([connectionKey(first)]);
  const out: ConnectionEntry[] = [{ ...first, id: PRIMARY_CONNECTION_ID, primary: true }];
  for (const spec of extra) {
    const key = connectionKey(spec);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...normalize(spec), id: `c:${key}`, primary: false });
  }
  return out;
}

/**
 * The setting's new value after adding `specs`: appended in order, none twice, none equal to an
 * existing connection (`existing` holds the resolved first connection too). Returns the value and
 * what was really added.
 */
export function addConnections(setting: readonly ConnectionSpec[], existing: readonly ConnectionSpec[], specs: readonly ConnectionSpec[]): { value: ConnectionSpec[]; added: ConnectionSpec[] } {
  const seen = new Set([...existing, ...setting].map(connectionKey));
  const value = setting.map(normalize);
  const added: ConnectionSpec[] = [];
  for (const s of specs) {
    const key = connectionKey(s);
    if (seen.has(key)) continue;
    seen.add(key);
    const n = normalize(s);
    value.push(n);
    added.push(n);
  }
  return { value, added };
}

export type RemoveResult =
  | { kind: 'setting'; value: ConnectionSpec[] }
  /** The first connection goes: the first plain entry of the list takes its place in the profile/region/endpoint settings. */
  | { kind: 'promote'; primary: ConnectionSpec; value: ConnectionSpec[] }
  | { kind: 'refuse'; reason: string };

/** What removing a connection changes in the settings. */
export function removeConnection(setting: readonly ConnectionSpec[], entry: ConnectionEntry): RemoveResult {
  if (!entry.primary) {
    const key = connectionKey(entry);
    return { kind: 'setting', value: setting.map(normalize).filter((s) => connectionKey(s) !== key) };
  }
  const next = setting.map(normalize).findIndex((s) => !s.roleArn);
  if (next < 0)
    return {
      kind: 'refuse',
      reason:
        setting.length === 0
          ? 'This is the only connection. Select another AWS profile or region to change it.'
          : 'This connection is the one of the profile and region settings, and every other connection assumes a role, which those settings cannot hold. Select another AWS profile or region to change it.',
    };
  const value = setting.map(normalize);
  const [primary] = value.splice(next, 1);
  return { kind: 'promote', primary, value };
}

/** "profile @ region", or "profile → 111122223333 @ region" for a role in another account. */
export function connectionLabel(spec: { profile: string; region: string; roleArn?: string }): string {
  const account = spec.roleArn ? roleAccount(spec.roleArn) : undefined;
  return `${spec.profile || 'default'}${account ? ` → ${account}` : ''} @ ${spec.region || '?'}`;
}

/** The settings entry of a spec, as written to settings.json (no empty fields). */
export function settingEntry(spec: ConnectionSpec): Record<string, string> {
  const n = normalize(spec);
  return { profile: n.profile, region: n.region, ...(n.endpoint ? { endpoint: n.endpoint } : {}), ...(n.roleArn ? { roleArn: n.roleArn } : {}) };
}
