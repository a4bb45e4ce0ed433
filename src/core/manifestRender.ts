// Manifests as JSON text: Export (the account, sorted) and the left side of the plan's diff (the
// account in the manifest's own shape and order, so that only real changes show). Written by hand,
// not through JSON.stringify of an object, so that group names and tag keys such as "__proto__" are
// plain keys like any other.
import type { Manifest, ManifestGroup } from './manifest';
import { deleteNote, prunes, userTags, type AccountState, type Plan } from './manifestPlan';
import type { Tag } from './types';

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** JSON string literal, with U+2028/U+2029 escaped too (they break some JavaScript readers). */
function str(s: string): string {
  return JSON.stringify(s).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

function renderTags(tags: readonly Tag[], indent: string): string {
  if (tags.length === 0) return '{}';
  const inner = `${indent}  `;
  return `{\n${tags.map((t) => `${inner}${str(t.key)}: ${str(t.value)}`).join(',\n')}\n${indent}}`;
}

function renderThings(things: readonly string[], indent: string): string {
  if (things.length === 0) return '[]';
  const inner = `${indent}  `;
  return `[\n${things.map((t) => `${inner}${str(t)}`).join(',\n')}\n${indent}]`;
}

function renderGroup(g: ManifestGroup, indent: string): string {
  const inner = `${indent}  `;
  const fields: string[] = [];
  if (g.description !== undefined) fields.push(`${inner}"description": ${str(g.description)}`);
  if (g.tags !== undefined) fields.push(`${inner}"tags": ${renderTags(g.tags, inner)}`);
  if (g.things !== undefined) fields.push(`${inner}"things": ${renderThings(g.things, inner)}`);
  return fields.length === 0 ? '{}' : `{\n${fields.join(',\n')}\n${indent}}`;
}

/** A line comment: one line, whatever the text holds (line breaks and separators become spaces). */
function comment(text: string, indent: string): string {
  return `${indent}// ${text.replace(/[\r\n\u2028\u2029]+/g, ' ')}\n`;
}

/**
 * The manifest as JSON text, two-space indented, ending with a newline. `comments` (by group name)
 * are written as line comments above the group's key: JSON with comments, for the plan's diff only
 * (its document is .jsonc); a manifest itself is never written with them.
 */
export function renderManifest(m: Manifest, options: { comments?: ReadonlyMap<string, string> } = {}): string {
  const top: string[] = [];
  if (m.account !== undefined) top.push(`  "account": ${str(m.account)}`);
  if (m.region !== undefined) top.push(`  "region": ${str(m.region)}`);
  if (m.prune) top.push('  "prune": true');
  const note = (name: string) => {
    const text = options.comments?.get(name);
    return text === undefined ? '' : comment(text, '    ');
  };
  const groups = m.groups.length === 0 ? '{}' : `{\n${m.groups.map((g) => `${note(g.name)}    ${str(g.name)}: ${renderGroup(g, '    ')}`).join(',\n')}\n  }`;
  top.push(`  "groups": ${groups}`);
  return `{\n${top.join(',\n')}\n}\n`;
}

/**
 * Export: every group of the account sorted by name with its description and tags sorted by key
 * (and its things, sorted), plus account and region. No "$schema": it would replace the
 * contributed schema; no AWS-managed tag (aws:…). Needs a state where every group was read in full.
 */
export function exportManifest(state: AccountState, options: { things: boolean }): Manifest {
  const groups = [...state.groups]
    .sort((a, b) => byName(a.name, b.name))
    .map((g): ManifestGroup => {
      // AWS-managed tags (aws:…) are not written: a manifest cannot hold them, and Apply leaves them be.
      const out: ManifestGroup = { name: g.name, description: g.description ?? '', tags: userTags(g.tags ?? []).sort((a, b) => byName(a.key, b.key)) };
      if (options.things) out.things = [...(g.things ?? [])].sort(byName);
      return out;
    });
  const m: Manifest = { prune: false, groups };
  if (state.account) m.account = state.account;
  m.region = state.region;
  return m;
}

/** Keeps the manifest's order of `wanted`, then the rest of `have` sorted. */
function inOrderOf<T>(wanted: readonly string[], have: readonly T[], key: (t: T) => string): T[] {
  const map = new Map(have.map((t) => [key(t), t]));
  const out: T[] = [];
  for (const k of wanted) {
    const t = map.get(k);
    if (t !== undefined) {
      out.push(t);
      map.delete(k);
    }
  }
  return [...out, ...[...map.values()].sort((a, b) => byName(key(a), key(b)))];
}

/**
 * The account as this manifest sees it, for the left side of the plan's diff: the connected account
 * and region, the manifest's groups in its order with only the fields it manages, then the groups
 * prune would delete. A group to create is absent; a group to delete is present.
 */
export function accountAsManifest(manifest: Manifest, state: AccountState): Manifest {
  const account = new Map(state.groups.map((g) => [g.name, g]));
  const groups: ManifestGroup[] = [];
  for (const g of manifest.groups) {
    const have = account.get(g.name);
    if (!have) continue;
    const out: ManifestGroup = { name: g.name };
    if (g.description !== undefined) out.description = have.description ?? '';
    if (g.tags !== undefined) out.tags = inOrderOf(g.tags.map((t) => t.key), userTags(have.tags ?? []), (t) => t.key);
    if (g.things !== undefined) out.things = inOrderOf(g.things, have.things ?? [], (t) => t);
    groups.push(out);
  }
  if (prunes(manifest)) {
    const named = new Set(manifest.groups.map((g) => g.name));
    for (const g of [...state.groups].sort((a, b) => byName(a.name, b.name)))
      if (!named.has(g.name)) groups.push({ name: g.name, description: g.description ?? '', tags: userTags(g.tags ?? []).sort((a, b) => byName(a.key, b.key)) });
  }
  const m: Manifest = { prune: manifest.prune, groups };
  if (manifest.account !== undefined) m.account = state.account ?? manifest.account;
  if (manifest.region !== undefined) m.region = state.region;
  return m;
}

/** The comments of the plan's diff: above each group prune deletes, how many things it leaves without a group. */
export function deleteComments(plan: Plan): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of plan.deletes) out.set(d.group, `Deleted by prune: ${d.things ? deleteNote(d.things) : 'its things will be left without a billing group'}.`);
  return out;
}
