// Which connection a manifest is for (issue 17: several connections — profile and region pairs — side
// by side). The manifest's `region` must equal the connection's; its `account` must equal the
// connection's where both are known. A connection whose account is not known yet still fits (Plan
// reads it, and the read's account is checked again before anything is written — issue 16's rule
// refuses a manifest that names an account, or prunes, while the account stays unknown), unless a
// connection in the region is known to be that account: then those are the ones.
//
// Pure: what is known of each connection in, a choice out. Nothing here calls AWS: the commands find
// out the accounts `accountsToFindOut` lists (a groups page or STS, only when Plan, Apply or Export
// runs) before they match; editing compares with what is known without a call (connectionWarnings).
import { inert } from './displayText';
import { connectionProblems, type ManifestProblem, type ParsedManifest } from './manifest';

/** What the manifest asks for. */
export interface ManifestTarget {
  account?: string;
  region?: string;
}

/** A connection as far as it is known: its region (the first connection's may come from the profile), its account once known. */
export interface ConnectionFacts {
  id: string;
  /** "profile @ region", as the tree shows it. */
  label: string;
  region?: string;
  account?: string;
}

export type ConnectionMatch =
  | { kind: 'one'; id: string }
  /** Several fit: the user is asked which (in the connections' order). */
  | { kind: 'several'; ids: string[] }
  /**
   * None fits: `message` says why, naming the manifest's account and region and the connections.
   * `reason` 'region': no connection is in the manifest's region (known without a call); 'account':
   * some are, but none of the manifest's account.
   */
  | { kind: 'none'; reason: 'region' | 'account'; message: string };

const inRegion = (t: ManifestTarget, c: ConnectionFacts) => t.region === undefined || c.region === t.region;

/** The connections of the manifest's region (every one, without a region). */
function regionCandidates(t: ManifestTarget, connections: readonly ConnectionFacts[]): ConnectionFacts[] {
  return connections.filter((c) => inRegion(t, c));
}

/** Those that fit: of the region, and of the manifest's account — known to be, or else not known yet. */
function fitting(t: ManifestTarget, connections: readonly ConnectionFacts[]): ConnectionFacts[] {
  const candidates = regionCandidates(t, connections);
  if (t.account === undefined) return candidates;
  const same = candidates.filter((c) => c.account === t.account);
  return same.length > 0 ? same : candidates.filter((c) => c.account === undefined);
}

/**
 * The connections whose account is to be found out before matching: only when the manifest names an
 * account, only in its region, only those not known yet — and only when two or more connections are
 * in the region (with one, the read that follows finds its account out and it is checked then, so a
 * call first would change nothing).
 */
export function accountsToFindOut(t: ManifestTarget, connections: readonly ConnectionFacts[]): string[] {
  if (t.account === undefined) return [];
  const candidates = regionCandidates(t, connections);
  if (candidates.length < 2) return [];
  return candidates.filter((c) => c.account === undefined).map((c) => c.id);
}

export function matchConnection(t: ManifestTarget, connections: readonly ConnectionFacts[]): ConnectionMatch {
  const fit = fitting(t, connections);
  if (fit.length === 1) return { kind: 'one', id: fit[0].id };
  if (fit.length > 1) return { kind: 'several', ids: fit.map((c) => c.id) };
  const reason = regionCandidates(t, connections).length === 0 ? 'region' : 'account';
  return { kind: 'none', reason, message: refusal(t, connections, reason) };
}

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function distinct(values: ReadonlyArray<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}

/** "account A in region R", "account A", "region R". */
function what(t: ManifestTarget): string {
  if (t.account !== undefined && t.region !== undefined) return `account ${t.account} in region ${t.region}`;
  return t.account !== undefined ? `account ${t.account}` : `region ${t.region ?? '?'}`;
}

/** "dev @ eu-west-1 (account 111111111111) and prod @ us-east-1 (account not known yet)". */
function connectionList(connections: readonly ConnectionFacts[]): string {
  return listed(connections.map((c) => `${inert(c.label)} (${c.account ? `account ${c.account}` : 'account not known yet'})`));
}

function refusal(t: ManifestTarget, connections: readonly ConnectionFacts[], reason: 'region' | 'account'): string {
  if (connections.length === 1) {
    // One connection: the sentences of before issue 17.
    const c = connections[0];
    if (reason === 'region') return `The manifest is for region ${t.region}, but you are connected to region ${c.region ?? '?'}. Select region ${t.region}, or change the manifest's "region".`;
    return `The manifest is for account ${t.account}, but you are connected to account ${c.account ?? '?'}. Connect with a profile of account ${t.account}, or change the manifest's "account".`;
  }
  const fields = reason === 'region' ? '"region"' : t.region !== undefined ? '"account" or "region"' : '"account"';
  return `The manifest is for ${what(t)}, and no connection is: the connections are ${connectionList(connections)}. Add one with "Add Connection…", or change the manifest's ${fields}.`;
}

/**
 * Warnings while editing (no call): the manifest's region or account fits no connection, as far as
 * the connections are known — a connection whose region or account is not known yet may fit, and
 * then nothing is said. With one connection, the warnings of before issue 17.
 */
export function connectionWarnings(parsed: ParsedManifest, connections: readonly ConnectionFacts[]): ManifestProblem[] {
  const t: ManifestTarget = parsed.manifest;
  const { ranges } = parsed;
  if (connections.length === 1) return connectionProblems(parsed, connections[0]);
  const regionMayFit = (c: ConnectionFacts) => t.region === undefined || c.region === undefined || c.region === t.region;
  const accountMayFit = (c: ConnectionFacts) => t.account === undefined || c.account === undefined || c.account === t.account;
  const out: ManifestProblem[] = [];
  const warn = (range: { offset: number; length: number }, message: string) => out.push({ ...range, severity: 'warning', bySchema: false, message: `${message} Plan and Apply refuse it.` });
  const regionOk = connections.some(regionMayFit);
  const accountOk = connections.some(accountMayFit);
  if (!regionOk && ranges.region) warn(ranges.region, `This manifest is for region ${t.region}; the connections are in ${listed(distinct(connections.map((c) => c.region)))}.`);
  if (!accountOk && ranges.account) {
    const accounts = distinct(connections.map((c) => c.account));
    warn(ranges.account, `This manifest is for account ${t.account}; the connections are to account${accounts.length > 1 ? 's' : ''} ${listed(accounts)}.`);
  }
  if (regionOk && accountOk && !connections.some((c) => regionMayFit(c) && accountMayFit(c))) {
    const range = ranges.account ?? ranges.region;
    if (range) warn(range, `This manifest is for ${what(t)}, and no connection is: the connections are ${connectionList(connections)}.`);
  }
  return out;
}

/** The connection whose cached costs the manifest's cost CodeLens shows: the one Plan would choose, once its account and region are known. */
export function costConnection(t: ManifestTarget, connections: readonly ConnectionFacts[]): ConnectionFacts | undefined {
  const m = matchConnection(t, connections);
  if (m.kind !== 'one') return undefined;
  const c = connections.find((x) => x.id === m.id);
  return c?.account && c.region ? c : undefined;
}
