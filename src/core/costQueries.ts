// Costs across connections (issue 17): the Cost Explorer queries that the connections shown need,
// and where each group of an answer belongs. Pure: connections (account, region, payer) in, queries out.
//
// Cost Explorer of an organisation's management (payer) account sees the costs of every linked
// account; a member (linked) account's sees only its own; a standalone account is its own payer
// (AWS Billing and Cost Management user guide, "Consolidated billing for AWS Organizations", and the
// Cost Explorer API reference: LINKED_ACCOUNT filters "the linked account" of the payer). So:
//   - connections are grouped by payer;
//   - when one of them is IN the payer account, ONE query signed with its credentials covers every
//     connected account and region of that payer;
//   - otherwise each connected account is asked for once, with one of its own connections'
//     credentials (a member cannot see its siblings' costs);
// never one query per connection. Two connections of one account and region are one place.

export interface AccountRegions {
  account: string;
  /** Sorted, each once. */
  regions: string[];
}

/** The accounts and regions a query covers: sorted by account, each account once. */
export type CostScope = readonly AccountRegions[];

export interface PlanConnection {
  /** The connection's id (stable while it is in the list). */
  id: string;
  account: string;
  region: string;
  /** The management account of its organisation, or its own account (standalone, or not known). */
  payer: string;
}

/** The dimension a query groups by after the TAG, when one query covers several places. */
export type SecondGroupBy = 'LINKED_ACCOUNT' | 'REGION';

export interface PlannedCostQuery {
  payer: string;
  /** The connection whose credentials sign the query. */
  signer: string;
  /** Its account: the payer's when a connection is in the payer account, else the query's only account. */
  signerAccount: string;
  scope: AccountRegions[];
  /** The connections whose figures the query holds, in the order given. */
  connections: string[];
  second: SecondGroupBy | undefined;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Each account once with its regions, both sorted: the same places give the same scope (and cache key). */
export function scopeOf(places: Iterable<{ account: string; region: string }>): AccountRegions[] {
  const by = new Map<string, Set<string>>();
  for (const p of places) {
    const regions = by.get(p.account) ?? new Set<string>();
    regions.add(p.region);
    by.set(p.account, regions);
  }
  return [...by.keys()].sort(compare).map((account) => ({ account, regions: [...(by.get(account) ?? [])].sort(compare) }));
}

/** Whether a scope holds this account and region. */
export function scopeCovers(scope: CostScope, account: string, region: string): boolean {
  return scope.some((s) => s.account === account && s.regions.includes(region));
}

/** A scope as one text (part of the cache key; accounts and regions sorted by scopeOf). */
export function scopeText(scope: CostScope): string {
  return scope.map((s) => `${s.account}:${s.regions.join(',')}`).join(';');
}

/**
 * The dimension grouped by after the TAG. Cost Explorer allows at most two GroupBy entries
 * (GetCostAndUsage API reference, GroupBy: "You can group Amazon Web Services costs using up to two
 * different groups"), so one dimension must tell the places of an answer apart:
 *   - one account, one region: none is needed;
 *   - one account, several regions: REGION;
 *   - several accounts: LINKED_ACCOUNT, as the lead's design says — except when some account is in
 *     several regions and no region is connected for two accounts: then REGION names each
 *     group's account AND region, where LINKED_ACCOUNT would lose the region of that account's
 *     usage (a detail beyond the design: the figures then land under their own connection).
 */
export function secondGroupBy(scope: CostScope): SecondGroupBy | undefined {
  const regions = scope.flatMap((s) => s.regions);
  if (scope.length <= 1) return regions.length > 1 ? 'REGION' : undefined;
  const regionsUnique = new Set(regions).size === regions.length;
  const someAccountInSeveral = scope.some((s) => s.regions.length > 1);
  return regionsUnique && someAccountInSeveral ? 'REGION' : 'LINKED_ACCOUNT';
}

/** The queries for these connections (see the header). The order follows the connections'. */
export function planCostQueries(connections: readonly PlanConnection[]): PlannedCostQuery[] {
  const byPayer = new Map<string, PlanConnection[]>();
  for (const c of connections) byPayer.set(c.payer, [...(byPayer.get(c.payer) ?? []), c]);
  const out: PlannedCostQuery[] = [];
  const query = (payer: string, signer: PlanConnection, members: readonly PlanConnection[]): PlannedCostQuery => {
    const scope = scopeOf(members);
    return { payer, signer: signer.id, signerAccount: signer.account, scope, connections: members.map((m) => m.id), second: secondGroupBy(scope) };
  };
  for (const [payer, members] of byPayer) {
    const inPayer = members.find((m) => m.account === payer);
    if (inPayer) {
      out.push(query(payer, inPayer, members));
      continue;
    }
    // No connection in the payer account: each account's own Cost Explorer, for its own costs only.
    const byAccount = new Map<string, PlanConnection[]>();
    for (const m of members) byAccount.set(m.account, [...(byAccount.get(m.account) ?? []), m]);
    for (const list of byAccount.values()) out.push(query(payer, list[0], list));
  }
  return out;
}

/** A Cost Explorer Expression as this extension writes it (a subset of the API's Expression). */
export type CostExpression = { And: CostExpression[] } | { Or: CostExpression[] } | { Not: CostExpression } | { Dimensions: { Key: string; Values: string[] } };

/** RECORD_TYPE values left out unless credits and refunds are asked for. */
export const CREDIT_RECORD_TYPES = ['Credit', 'Refund'] as const;

const dimension = (Key: string, Values: readonly string[]): CostExpression => ({ Dimensions: { Key, Values: [...Values] } });

/**
 * The query's Filter: And(SERVICE in services, the places, unless included Not RECORD_TYPE in
 * [Credit, Refund]). One account: LINKED_ACCOUNT = [it] and REGION = [its regions] (the query as it
 * always was for one connection). Several: an Or of And(LINKED_ACCOUNT = [a], REGION = [regions of
 * a]) per account, so that a region connected only for another account is never counted. Compound
 * expressions nest And/Or/Not, each Expression with one root operator (Cost Explorer API reference,
 * Expression: "Compound Expression types with logical operations … Because each Expression can have
 * only one operator, the service returns an error if more than one is specified").
 */
export function costQueryFilter(scope: CostScope, services: readonly string[], includeCreditsAndRefunds: boolean): CostExpression {
  if (scope.length === 0) throw new Error('A cost query covers at least one account');
  const place = (s: AccountRegions) => [dimension('LINKED_ACCOUNT', [s.account]), dimension('REGION', s.regions)];
  const where = scope.length === 1 ? place(scope[0]) : [{ Or: scope.map((s) => ({ And: place(s) })) }];
  return {
    And: [dimension('SERVICE', services), ...where, ...(includeCreditsAndRefunds ? [] : [{ Not: dimension('RECORD_TYPE', CREDIT_RECORD_TYPES) }])],
  };
}

/** GroupBy: the tag key first (each group's Keys[0] is "KEY$VALUE"), then the second dimension (Keys[1]). */
export function costQueryGroupBy(tagKey: string, second: SecondGroupBy | undefined): { Type: 'TAG' | 'DIMENSION'; Key: string }[] {
  return [{ Type: 'TAG', Key: tagKey }, ...(second ? [{ Type: 'DIMENSION' as const, Key: second }] : [])];
}

/**
 * Where an answer's group belongs: its account and region from its second key (an account for
 * LINKED_ACCOUNT, a region for REGION), else from the scope. The region stays unknown for an account
 * connected in several regions when the answer was grouped by account.
 */
export function locateEntry(scope: CostScope, known: { account?: string; region?: string }): { account?: string; region?: string } {
  let account = known.account;
  if (account === undefined && known.region !== undefined) {
    const holding = scope.filter((s) => s.regions.includes(known.region as string));
    if (holding.length === 1) account = holding[0].account;
  }
  if (account === undefined && scope.length === 1) account = scope[0].account;
  let region = known.region;
  if (region === undefined && account !== undefined) {
    const regions = scope.find((s) => s.account === account)?.regions ?? [];
    if (regions.length === 1) region = regions[0];
  }
  return { ...(account !== undefined ? { account } : {}), ...(region !== undefined ? { region } : {}) };
}
