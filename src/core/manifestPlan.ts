// From a manifest and what was read of the account, the plan: what to create, update, tag, move and
// delete, in the order Apply carries it out. Pure; the same plan drives the diff, the summary, the
// confirmation and Apply.
import { isAwsManagedTagKey } from './limits';
import type { Manifest, ManifestGroup } from './manifest';
import { COUNT_PAGE_SIZE, leftWithoutGroup, sumCounts, thingsText, type ThingCount } from './thingCount';
import type { Tag } from './types';

/** One group of the account as read: every field undefined that was not read. */
export interface AccountGroup {
  name: string;
  arn?: string;
  /** DescribeBillingGroup's version (absent where the service keeps none). */
  version?: number;
  description?: string;
  tags?: Tag[];
  things?: string[];
  /** How many things it holds, from one page (read for groups prune deletes). */
  thingCount?: ThingCount;
}

export interface AccountState {
  account?: string;
  region: string;
  /** Every group of the account (ListBillingGroups), with details where read. */
  groups: AccountGroup[];
  /**
   * The current group of things the manifest lists that are in no group whose things were read
   * (DescribeThing): the group's name, or undefined for none.
   */
  thingGroups: Map<string, string | undefined>;
  /** Things the manifest lists that do not exist. */
  missingThings: Set<string>;
}

export interface CreateStep {
  group: string;
  description: string;
  tags: Tag[];
}
export interface DescriptionStep {
  group: string;
  from: string;
  to: string;
  expectedVersion?: number;
}
export interface TagStep {
  group: string;
  arn?: string;
  set: Tag[];
  remove: string[];
  /** The tags read during the plan: Apply reads them again and stops the group if they differ. */
  expected: Tag[];
}
export interface RemoveThingStep {
  group: string;
  thing: string;
}
export interface AddThingStep {
  group: string;
  thing: string;
  /** The thing's current group: this is a move (the add itself takes it out of that group). */
  from?: string;
  /** The group is created by this plan (nothing to check before adding). */
  created?: boolean;
}
export interface DeleteStep {
  group: string;
  arn?: string;
  expectedVersion?: number;
  /** The things it still holds (they will be left without a billing group). */
  things?: ThingCount;
}

export interface Plan {
  creates: CreateStep[];
  descriptions: DescriptionStep[];
  tags: TagStep[];
  /** Things leaving a group for no group (each checked just before it is removed). */
  removals: RemoveThingStep[];
  /** Things joining a group, from no group or moved from another (each checked just before it is added). */
  additions: AddThingStep[];
  deletes: DeleteStep[];
  /** Said in the plan and in the confirmation (e.g. the cost-allocation tag goes). */
  warnings: string[];
  /** Apply refuses while there is one (e.g. a listed thing does not exist). */
  errors: string[];
}

export interface PlanOptions {
  /** The cost-allocation tag key (iotBillingGroups.costs.tagKey): removing it is warned about. */
  costTagKey?: string;
}

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  thingsAdd: number;
  thingsRemove: number;
  thingsMove: number;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The tags a caller manages: AWS-managed ones (aws:…) are left out of every comparison and write. */
export function userTags(tags: readonly Tag[]): Tag[] {
  return tags.filter((t) => !isAwsManagedTagKey(t.key));
}

export function tagsEqual(a: readonly Tag[], b: readonly Tag[]): boolean {
  if (a.length !== b.length) return false;
  const m = new Map(a.map((t) => [t.key, t.value]));
  return b.every((t) => m.has(t.key) && m.get(t.key) === t.value);
}

/**
 * Which groups must be read for this manifest: prune candidates need the list first. `count`: groups
 * prune deletes, whose things are counted (one page) so the plan can say how many are left without a
 * group.
 */
export function groupsToRead(manifest: Manifest, existing: readonly string[]): { describe: string[]; tags: string[]; things: string[]; count: string[] } {
  const exists = new Set(existing);
  const named = new Set(manifest.groups.map((g) => g.name));
  const describe: string[] = [];
  const tags: string[] = [];
  const things: string[] = [];
  const count: string[] = [];
  for (const g of manifest.groups) {
    if (!exists.has(g.name)) continue;
    describe.push(g.name);
    if (g.tags) tags.push(g.name);
    if (g.things) things.push(g.name);
  }
  if (prunes(manifest))
    for (const name of existing)
      if (!named.has(name)) {
        describe.push(name);
        tags.push(name);
        count.push(name);
      }
  return { describe, tags, things, count };
}

/**
 * A fingerprint of everything a plan was made from (what was read, in a canonical order): Apply reads
 * again and compares, so it applies only the plan the user saw, and shows the new one otherwise.
 */
export function stateFingerprint(state: AccountState): string {
  const sorted = <T>(xs: readonly T[], key: (x: T) => string) => [...xs].sort((a, b) => byName(key(a), key(b)));
  const canonical = {
    account: state.account ?? null,
    region: state.region,
    groups: sorted(state.groups, (g) => g.name).map((g) => [
      g.name,
      g.arn ?? null,
      g.version ?? null,
      g.description ?? null,
      g.tags ? sorted(g.tags, (t) => t.key).map((t) => [t.key, t.value]) : null,
      g.things ? [...g.things].sort(byName) : null,
      g.thingCount ? [g.thingCount.count, g.thingCount.more] : null,
    ]),
    thingGroups: sorted([...state.thingGroups], ([t]) => t).map(([t, g]) => [t, g ?? null]),
    missingThings: [...state.missingThings].sort(byName),
  };
  return fnv1a(JSON.stringify(canonical));
}

/** Two 32-bit FNV-1a hashes (different offsets) of the UTF-16 code units, as hex: a fingerprint, not a security measure. */
function fnv1a(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  return `${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}-${text.length}`;
}

/** prune acts only when the manifest names its account and region. */
export function prunes(manifest: Manifest): boolean {
  return manifest.prune && manifest.account !== undefined && manifest.region !== undefined;
}

/** Things the manifest lists whose current group is not known from the groups read. */
export function thingsToLookUp(manifest: Manifest, read: ReadonlyMap<string, readonly string[]>): string[] {
  const known = new Set<string>();
  for (const things of read.values()) for (const t of things) known.add(t);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const g of manifest.groups)
    for (const t of g.things ?? [])
      if (!known.has(t) && !seen.has(t)) {
        seen.add(t);
        out.push(t);
      }
  return out;
}

export function makePlan(manifest: Manifest, state: AccountState, options: PlanOptions = {}): Plan {
  const plan: Plan = { creates: [], descriptions: [], tags: [], removals: [], additions: [], deletes: [], warnings: [], errors: [] };
  const account = new Map(state.groups.map((g) => [g.name, g]));
  const named = new Set(manifest.groups.map((g) => g.name));

  // Where each thing is now: from the groups whose things were read, then from DescribeThing.
  const currentGroup = new Map<string, string | undefined>(state.thingGroups);
  for (const g of state.groups) for (const t of g.things ?? []) currentGroup.set(t, g.name);
  // Where the manifest wants each listed thing.
  const wantedGroup = new Map<string, string>();
  for (const g of manifest.groups) for (const t of g.things ?? []) if (!wantedGroup.has(t)) wantedGroup.set(t, g.name);

  for (const t of state.missingThings) plan.errors.push(`Thing "${t}" does not exist, so it cannot join billing group "${wantedGroup.get(t) ?? ''}".`);

  for (const g of manifest.groups) {
    const have = account.get(g.name);
    if (!have) {
      plan.creates.push({ group: g.name, description: g.description ?? '', tags: g.tags ?? [] });
      for (const t of g.things ?? []) {
        const from = currentGroup.get(t);
        plan.additions.push(from ? { group: g.name, thing: t, from, created: true } : { group: g.name, thing: t, created: true });
      }
      continue;
    }
    planExisting(g, have, plan, options, currentGroup, wantedGroup);
  }

  if (prunes(manifest)) {
    for (const g of [...state.groups].sort((a, b) => byName(a.name, b.name)))
      if (!named.has(g.name)) plan.deletes.push(withDefined({ group: g.name, arn: g.arn, expectedVersion: g.version, things: g.thingCount }));
    const warning = thingsLeftWarning(plan.deletes);
    if (warning) plan.warnings.push(warning);
  }
  return plan;
}

function planExisting(
  g: ManifestGroup,
  have: AccountGroup,
  plan: Plan,
  options: PlanOptions,
  currentGroup: ReadonlyMap<string, string | undefined>,
  wantedGroup: ReadonlyMap<string, string>,
): void {
  if (g.description !== undefined && g.description !== (have.description ?? ''))
    plan.descriptions.push(withDefined({ group: g.name, from: have.description ?? '', to: g.description, expectedVersion: have.version }));
  if (g.tags) {
    // AWS-managed tags are not the manifest's to change (it cannot even name them): left out.
    const existing = userTags(have.tags ?? []);
    const haveMap = new Map(existing.map((t) => [t.key, t.value]));
    const want = new Map(g.tags.map((t) => [t.key, t.value]));
    const set = g.tags.filter((t) => haveMap.get(t.key) !== t.value);
    const remove = existing.map((t) => t.key).filter((k) => !want.has(k));
    if (set.length > 0 || remove.length > 0) {
      plan.tags.push(withDefined({ group: g.name, arn: have.arn, set, remove, expected: existing }));
      if (options.costTagKey && remove.includes(options.costTagKey))
        plan.warnings.push(`Billing group "${g.name}" loses its cost-allocation tag "${options.costTagKey}": its costs will no longer be attributed to it.`);
    }
  }
  if (g.things) {
    const now = have.things ?? [];
    const nowSet = new Set(now);
    const wantSet = new Set(g.things);
    // A thing leaving for another group of the manifest is moved by that group's addition (one call).
    for (const t of now) if (!wantSet.has(t) && !wantedGroup.has(t)) plan.removals.push({ group: g.name, thing: t });
    for (const t of g.things)
      if (!nowSet.has(t)) {
        const from = currentGroup.get(t);
        plan.additions.push(from && from !== g.name ? { group: g.name, thing: t, from } : { group: g.name, thing: t });
      }
  }
}

/**
 * One sentence on the things the deleted groups still hold: 'Billing group "a" is deleted: 3 things
 * will be left without a billing group.', or for several, the total and the first five groups.
 */
function thingsLeftWarning(deletes: readonly DeleteStep[]): string | undefined {
  const holding = deletes.filter((d) => d.things && leftWithoutGroup(d.things));
  if (holding.length === 0) return undefined;
  if (holding.length === 1) return `Billing group "${holding[0].group}" is deleted: ${leftWithoutGroup(holding[0].things!)}.`;
  const total = leftWithoutGroup(sumCounts(holding.map((d) => d.things!)))!;
  const each = holding.slice(0, 5).map((d) => `"${d.group}": ${thingsText(d.things!).replace(/ things?$/, '')}`);
  return `${holding.length} billing groups that still hold things are deleted: ${total} (${each.join(', ')}${holding.length > 5 ? `, and ${holding.length - 5} more` : ''}).`;
}

/** Drops undefined fields, so plans compare and print cleanly. */
function withDefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

export function isEmptyPlan(plan: Plan): boolean {
  return (
    plan.creates.length + plan.descriptions.length + plan.tags.length + plan.removals.length + plan.additions.length + plan.deletes.length === 0
  );
}

export function summarize(plan: Plan): PlanSummary {
  const created = new Set(plan.creates.map((c) => c.group));
  const updated = new Set([...plan.descriptions.map((d) => d.group), ...plan.tags.map((t) => t.group)].filter((g) => !created.has(g)));
  return {
    create: plan.creates.length,
    update: updated.size,
    delete: plan.deletes.length,
    thingsAdd: plan.additions.filter((a) => !a.from).length,
    thingsRemove: plan.removals.length,
    thingsMove: plan.additions.filter((a) => a.from).length,
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "3 things will be left without a billing group", or "it holds no things". */
export function deleteNote(things: ThingCount): string {
  return leftWithoutGroup(things) ?? 'it holds no things';
}

/** "2 to create, 1 to update, 0 to delete; things: 3 to add, 0 to remove, 1 to move" or "No changes". */
export function summaryText(plan: Plan): string {
  if (isEmptyPlan(plan)) return 'No changes.';
  const s = summarize(plan);
  return `${s.create} to create, ${s.update} to update, ${s.delete} to delete; things: ${s.thingsAdd} to add, ${s.thingsRemove} to remove, ${s.thingsMove} to move.`;
}

/** One line per change, for the plan document and the report. */
export function describePlan(plan: Plan): string[] {
  const lines: string[] = [];
  for (const c of plan.creates)
    lines.push(`+ create "${c.group}"${c.description ? ` with description ${JSON.stringify(c.description)}` : ''}${c.tags.length ? ` and ${plural(c.tags.length, 'tag')}` : ''}`);
  for (const d of plan.descriptions) lines.push(`~ "${d.group}": description ${JSON.stringify(d.from)} → ${JSON.stringify(d.to)}`);
  for (const t of plan.tags) {
    const parts = [...t.set.map((x) => `set ${JSON.stringify(x.key)}=${JSON.stringify(x.value)}`), ...t.remove.map((k) => `remove ${JSON.stringify(k)}`)];
    lines.push(`~ "${t.group}": tags: ${parts.join(', ')}`);
  }
  for (const r of plan.removals) lines.push(`- thing "${r.thing}" leaves "${r.group}"`);
  for (const a of plan.additions) lines.push(a.from ? `→ thing "${a.thing}" moves from "${a.from}" to "${a.group}"` : `+ thing "${a.thing}" joins "${a.group}"`);
  for (const d of plan.deletes) lines.push(`- delete "${d.group}"${d.things ? ` (${deleteNote(d.things)})` : ''}`);
  return lines;
}

/**
 * What the Apply confirmation lists, one line per kind of change (at most `max` items each, then "and
 * N more"): creates, updates (with what changes), deletes (with the things they leave without a
 * group), and every thing that moves, joins or leaves a group. `show` makes a name safe to display.
 */
export function confirmationLines(plan: Plan, show: (name: string) => string, max = 20): string[] {
  const list = (items: string[]) => `${items.slice(0, max).join(', ')}${items.length > max ? ` and ${items.length - max} more` : ''}`;
  const created = new Set(plan.creates.map((c) => c.group));
  const updates = new Map<string, string[]>();
  for (const d of plan.descriptions) if (!created.has(d.group)) updates.set(d.group, [...(updates.get(d.group) ?? []), 'description']);
  for (const t of plan.tags) if (!created.has(t.group)) updates.set(t.group, [...(updates.get(t.group) ?? []), 'tags']);
  const lines: string[] = [];
  if (plan.creates.length > 0) lines.push(`Create: ${list(plan.creates.map((c) => show(c.group)))}`);
  if (updates.size > 0) lines.push(`Update: ${list([...updates].sort(([a], [b]) => byName(a, b)).map(([g, what]) => `${show(g)} (${what.join(', ')})`))}`);
  if (plan.deletes.length > 0) lines.push(`Delete: ${list(plan.deletes.map((d) => `${show(d.group)}${d.things ? ` (${deleteNote(d.things)})` : ''}`))}`);
  const moves = plan.additions.filter((a) => a.from);
  const adds = plan.additions.filter((a) => !a.from);
  if (moves.length > 0) lines.push(`Move: ${list(moves.map((a) => `${show(a.thing)} from ${show(a.from ?? '')} to ${show(a.group)}`))}`);
  if (adds.length > 0) lines.push(`Add: ${list(adds.map((a) => `${show(a.thing)} to ${show(a.group)}`))}`);
  if (plan.removals.length > 0) lines.push(`Remove: ${list(plan.removals.map((r) => `${show(r.thing)} from ${show(r.group)}`))}`);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// A model of the account, for the property tests and for reasoning: applying a plan to it.
// ---------------------------------------------------------------------------------------------

export interface ModelGroup {
  description: string;
  tags: Tag[];
  things: Set<string>;
  version: number;
}

/** An account: groups by name, and every thing that exists. */
export interface AccountModel {
  groups: Map<string, ModelGroup>;
  things: Set<string>;
}

export function cloneModel(m: AccountModel): AccountModel {
  return {
    groups: new Map([...m.groups].map(([k, g]) => [k, { description: g.description, tags: g.tags.map((t) => ({ ...t })), things: new Set(g.things), version: g.version }])),
    things: new Set(m.things),
  };
}

/** The group a thing is in (the first, where an emulator let it be in two). */
export function modelThingGroup(m: AccountModel, thing: string): string | undefined {
  for (const [name, g] of m.groups) if (g.things.has(thing)) return name;
  return undefined;
}

/** Reads the model as the AWS reader would for this manifest (same calls, same answers). */
export function readModel(m: AccountModel, manifest: Manifest, region = 'eu-west-1', account = '123456789012'): AccountState {
  const names = [...m.groups.keys()];
  const want = groupsToRead(manifest, names);
  const describe = new Set(want.describe);
  const tags = new Set(want.tags);
  const things = new Set(want.things);
  const count = new Set(want.count);
  const groups: AccountGroup[] = names.map((name) => {
    const g = m.groups.get(name)!;
    const out: AccountGroup = { name, arn: `arn:aws:iot:${region}:${account}:billinggroup/${name}` };
    if (describe.has(name)) {
      out.version = g.version;
      out.description = g.description;
    }
    if (tags.has(name)) out.tags = g.tags.map((t) => ({ ...t }));
    if (things.has(name)) out.things = [...g.things];
    if (count.has(name)) out.thingCount = { count: Math.min(g.things.size, COUNT_PAGE_SIZE), more: g.things.size > COUNT_PAGE_SIZE };
    return out;
  });
  const read = new Map(groups.filter((g) => g.things).map((g) => [g.name, g.things!]));
  const thingGroups = new Map<string, string | undefined>();
  const missingThings = new Set<string>();
  for (const t of thingsToLookUp(manifest, read)) {
    if (!m.things.has(t)) missingThings.add(t);
    else thingGroups.set(t, modelThingGroup(m, t));
  }
  return { account, region, groups, thingGroups, missingThings };
}

/** Carries a plan out on the model, in Apply's order. */
export function applyPlanToModel(m: AccountModel, plan: Plan): AccountModel {
  const out = cloneModel(m);
  for (const c of plan.creates) out.groups.set(c.group, { description: c.description, tags: c.tags.map((t) => ({ ...t })), things: new Set(), version: 1 });
  for (const d of plan.descriptions) {
    const g = out.groups.get(d.group)!;
    g.description = d.to;
    g.version++;
  }
  for (const t of plan.tags) {
    const g = out.groups.get(t.group)!;
    const map = new Map(g.tags.map((x) => [x.key, x.value]));
    for (const k of t.remove) map.delete(k);
    for (const x of t.set) map.set(x.key, x.value);
    g.tags = [...map].map(([key, value]) => ({ key, value }));
  }
  for (const r of plan.removals) out.groups.get(r.group)!.things.delete(r.thing);
  for (const a of plan.additions) {
    // The add moves: the thing leaves whatever group it is in.
    for (const g of out.groups.values()) g.things.delete(a.thing);
    out.groups.get(a.group)!.things.add(a.thing);
  }
  for (const d of plan.deletes) out.groups.delete(d.group);
  return out;
}
