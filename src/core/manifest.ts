// The billing-group manifest (billing-groups.json): its model, and parsing with the exact range of
// every problem, so the editor can underline it. Parsing never throws: a broken file gives what could
// be read and the problems; Apply refuses while any problem is an error.
//
// Names, tag keys and group names come from the file and may be "__proto__" or "constructor": they
// are kept in arrays and Maps, never as keys of plain objects.
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { DESCRIPTION_CHAR, DESCRIPTION_MAX, RESERVED_TAG_PREFIX, TAG_KEY_CHAR, TAG_KEY_MAX, TAG_VALUE_MAX, TAGS_MAX } from './limits';
import { ACCOUNT_PATTERN, REGION_PATTERN } from './manifestNames';
import type { Tag } from './types';
import { validateDescription, validateName, validateTagKey, validateTagValue } from './validation';

export interface ManifestGroup {
  name: string;
  /** Absent: the description is not managed. */
  description?: string;
  /** Absent: tags are not managed. Present: exactly these (file order). */
  tags?: Tag[];
  /** Absent: membership is not managed. Present: exactly these things (file order). */
  things?: string[];
}

export interface Manifest {
  account?: string;
  region?: string;
  /** Delete the account's groups the manifest does not name (only with account and region). */
  prune: boolean;
  /** File order. */
  groups: ManifestGroup[];
}

export interface TextRange {
  offset: number;
  length: number;
}

export interface ManifestProblem extends TextRange {
  severity: 'error' | 'warning';
  message: string;
  /**
   * True where the contributed JSON Schema reports the same thing (VS Code's JSON support shows it):
   * the extension's own diagnostics leave those out so nothing is said twice — unless the file has a
   * "$schema" key, which replaces the contributed schema (see ownDiagnostics). Apply counts all.
   */
  bySchema: boolean;
}

export interface ManifestRanges {
  /** The "$schema" key, when the file has one (it replaces the contributed schema in VS Code). */
  schema?: TextRange;
  account?: TextRange;
  region?: TextRange;
  prune?: TextRange;
  /** The key of each group, by group name (first occurrence). */
  groupKeys: Map<string, TextRange>;
  /** Every occurrence of each thing in a `things` list: group name and range. */
  things: Map<string, { group: string; range: TextRange }[]>;
}

export interface ParsedManifest {
  manifest: Manifest;
  problems: ManifestProblem[];
  ranges: ManifestRanges;
}

/** Root properties; `$schema` is tolerated (it replaces the contributed schema in VS Code). */
const ROOT_KEYS = new Set(['$schema', 'account', 'region', 'prune', 'groups']);
const GROUP_KEYS = new Set(['description', 'tags', 'things']);

/** Code points, as JSON Schema's maxLength counts them (the API counts UTF-16 code units). */
function codePointLength(s: string): number {
  return Array.from(s).length;
}

/**
 * Longer than the limit in UTF-16 code units (as the API counts) but not in code points (as JSON
 * Schema's maxLength counts): only the extension can say it.
 */
function overOnlyInUtf16(s: string, max: number): boolean {
  return s.length > max && codePointLength(s) <= max;
}

/** The schema's pattern problems of a description, apart from its length. */
function descriptionCharProblem(s: string): string | undefined {
  for (const ch of s) if (!DESCRIPTION_CHAR.test(ch)) return validateDescription(ch);
  return undefined;
}

/** The schema's pattern problems of a tag key (reserved prefix, characters), apart from its length. */
function tagKeyCharProblem(key: string): string | undefined {
  if (key.toLowerCase().startsWith(RESERVED_TAG_PREFIX)) return validateTagKey(key.slice(0, RESERVED_TAG_PREFIX.length));
  for (const ch of key) if (!TAG_KEY_CHAR.test(ch)) return validateTagKey(ch);
  return undefined;
}

function range(node: Node): TextRange {
  return { offset: node.offset, length: node.length };
}

function describeJsonType(node: Node): string {
  return node.type === 'property' ? 'a property' : node.type === 'array' ? 'an array' : node.type === 'object' ? 'an object' : `a ${node.type}`;
}

export function parseManifest(text: string): ParsedManifest {
  const problems: ManifestProblem[] = [];
  const manifest: Manifest = { prune: false, groups: [] };
  const ranges: ManifestRanges = { groupKeys: new Map(), things: new Map() };
  const error = (r: TextRange, message: string, bySchema = true) => problems.push({ ...r, severity: 'error', message, bySchema });

  const parseErrors: ParseError[] = [];
  const root = parseTree(text, parseErrors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  // One syntax error per place ("PropertyNameExpected" said as "property name expected").
  const syntaxAt = new Set<number>();
  for (const e of parseErrors) {
    if (syntaxAt.has(e.offset)) continue;
    syntaxAt.add(e.offset);
    const words = printParseErrorCode(e.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
    error({ offset: e.offset, length: Math.max(1, e.length) }, `JSON syntax: ${words}.`);
  }
  if (!root) return { manifest, problems, ranges };
  if (root.type !== 'object') {
    error(range(root), `A manifest is a JSON object with "groups"; this is ${describeJsonType(root)}.`);
    return { manifest, problems, ranges };
  }

  const seenRoot = new Set<string>();
  let groupsNode: Node | undefined;
  for (const prop of root.children ?? []) {
    const [keyNode, valueNode] = prop.children ?? [];
    if (!keyNode || !valueNode) continue;
    const key = String(keyNode.value);
    if (seenRoot.has(key)) {
      error(range(keyNode), `"${key}" appears more than once.`);
      continue;
    }
    seenRoot.add(key);
    if (!ROOT_KEYS.has(key)) {
      error(range(keyNode), `Unknown property "${key}": a manifest has account, region, prune and groups.`);
      continue;
    }
    switch (key) {
      case 'account':
        if (valueNode.type !== 'string' || !ACCOUNT_PATTERN.test(valueNode.value)) error(range(valueNode), 'account is an AWS account id: 12 digits, as a string.');
        else {
          manifest.account = valueNode.value;
          ranges.account = range(valueNode);
        }
        break;
      case 'region':
        if (valueNode.type !== 'string' || !REGION_PATTERN.test(valueNode.value)) error(range(valueNode), 'region is an AWS region id such as "eu-west-1".');
        else {
          manifest.region = valueNode.value;
          ranges.region = range(valueNode);
        }
        break;
      case 'prune':
        if (valueNode.type !== 'boolean') error(range(valueNode), 'prune is true or false.');
        else {
          manifest.prune = valueNode.value === true;
          ranges.prune = range(keyNode);
        }
        break;
      case 'groups':
        groupsNode = valueNode;
        break;
      case '$schema':
        ranges.schema = range(keyNode);
        if (valueNode.type !== 'string') error(range(valueNode), '$schema is a URL string.');
        break;
    }
  }
  if (manifest.prune && (manifest.account === undefined || manifest.region === undefined) && ranges.prune)
    error(ranges.prune, 'prune deletes groups the manifest does not name, so the manifest must name its account and region.');

  if (!groupsNode) {
    error({ offset: root.offset, length: 1 }, 'The manifest has no "groups" object.');
    return { manifest, problems, ranges };
  }
  if (groupsNode.type !== 'object') {
    error(range(groupsNode), `groups is an object whose keys are billing group names; this is ${describeJsonType(groupsNode)}.`);
    return { manifest, problems, ranges };
  }

  for (const prop of groupsNode.children ?? []) {
    const [keyNode, valueNode] = prop.children ?? [];
    if (!keyNode || !valueNode) continue;
    const name = String(keyNode.value);
    const nameProblem = validateName(name, 'A billing group name');
    if (nameProblem) error(range(keyNode), nameProblem);
    if (ranges.groupKeys.has(name)) {
      error(range(keyNode), `Billing group "${name}" appears more than once.`);
      continue;
    }
    ranges.groupKeys.set(name, range(keyNode));
    if (valueNode.type !== 'object') {
      error(range(valueNode), `A billing group is an object with description, tags and things; this is ${describeJsonType(valueNode)}.`);
      continue;
    }
    const group: ManifestGroup = { name };
    const seen = new Set<string>();
    for (const gprop of valueNode.children ?? []) {
      const [gk, gv] = gprop.children ?? [];
      if (!gk || !gv) continue;
      const field = String(gk.value);
      if (seen.has(field)) {
        error(range(gk), `"${field}" appears more than once.`);
        continue;
      }
      seen.add(field);
      if (!GROUP_KEYS.has(field)) {
        error(range(gk), `Unknown property "${field}": a billing group has description, tags and things.`);
        continue;
      }
      if (field === 'description') {
        if (gv.type !== 'string') {
          error(range(gv), 'description is a string.');
          continue;
        }
        const problem = validateDescription(gv.value);
        if (problem && overOnlyInUtf16(gv.value, DESCRIPTION_MAX)) {
          error(range(gv), problem, false);
          const chars = descriptionCharProblem(gv.value);
          if (chars) error(range(gv), chars);
        } else if (problem) error(range(gv), problem);
        group.description = gv.value;
      } else if (field === 'tags') {
        if (gv.type !== 'object') {
          error(range(gv), 'tags is an object of key and value strings.');
          continue;
        }
        const tags: Tag[] = [];
        const keys = new Set<string>();
        for (const tprop of gv.children ?? []) {
          const [tk, tv] = tprop.children ?? [];
          if (!tk || !tv) continue;
          const key = String(tk.value);
          if (keys.has(key)) {
            error(range(tk), `Tag key "${key}" appears more than once.`);
            continue;
          }
          keys.add(key);
          const keyProblem = validateTagKey(key);
          if (keyProblem && overOnlyInUtf16(key, TAG_KEY_MAX)) {
            error(range(tk), keyProblem, false);
            const chars = tagKeyCharProblem(key);
            if (chars) error(range(tk), chars);
          } else if (keyProblem) error(range(tk), keyProblem);
          if (tv.type !== 'string') {
            error(range(tv), 'A tag value is a string.');
            continue;
          }
          const valueProblem = validateTagValue(tv.value);
          if (valueProblem) error(range(tv), valueProblem, codePointLength(tv.value) > TAG_VALUE_MAX);
          tags.push({ key, value: tv.value });
        }
        if (keys.size > TAGS_MAX) error(range(gk), `${keys.size} tags given; a billing group takes at most ${TAGS_MAX}.`);
        group.tags = tags;
      } else {
        if (gv.type !== 'array') {
          error(range(gv), 'things is an array of thing names.');
          continue;
        }
        const things: string[] = [];
        const inGroup = new Set<string>();
        for (const item of gv.children ?? []) {
          if (item.type !== 'string') {
            error(range(item), 'A thing name is a string.');
            continue;
          }
          const thing = item.value as string;
          const problem = validateName(thing, 'A thing name');
          if (problem) error(range(item), problem);
          if (inGroup.has(thing)) {
            error(range(item), `Thing "${thing}" is listed twice in this group.`);
            continue;
          }
          inGroup.add(thing);
          things.push(thing);
          const at = ranges.things.get(thing) ?? [];
          at.push({ group: name, range: range(item) });
          ranges.things.set(thing, at);
        }
        group.things = things;
      }
    }
    manifest.groups.push(group);
  }

  // What no schema can say: a thing belongs to one billing group at most.
  for (const [thing, places] of ranges.things) {
    const groups = [...new Set(places.map((p) => p.group))];
    if (groups.length < 2) continue;
    for (const p of places)
      error(p.range, `Thing "${thing}" is listed in ${groups.length} groups (${groups.join(', ')}); a thing belongs to one billing group at most.`, false);
  }
  return { manifest, problems, ranges };
}

/** Warnings while editing: the manifest names another account or region than the connected one. */
export function connectionProblems(parsed: ParsedManifest, connected: { account?: string; region?: string }): ManifestProblem[] {
  const out: ManifestProblem[] = [];
  const { manifest, ranges } = parsed;
  if (manifest.account && connected.account && ranges.account && manifest.account !== connected.account)
    out.push({ ...ranges.account, severity: 'warning', bySchema: false, message: `This manifest is for account ${manifest.account}; you are connected to account ${connected.account}. Plan and Apply refuse it.` });
  if (manifest.region && connected.region && ranges.region && manifest.region !== connected.region)
    out.push({ ...ranges.region, severity: 'warning', bySchema: false, message: `This manifest is for region ${manifest.region}; you are connected to region ${connected.region}. Plan and Apply refuse it.` });
  return out;
}

/**
 * The sentence refusing a manifest for another account or region, or undefined when it matches. An
 * unknown connected account (no group ARN to read it from, and STS did not answer) cannot be checked:
 * a manifest that names an account, or prunes, is refused then.
 */
export function connectionRefusal(manifest: Manifest, connected: { account?: string; region: string }): string | undefined {
  if (manifest.account && !connected.account)
    return `The manifest is for account ${manifest.account}, but the account of the connection could not be found out (its billing groups' ARNs and AWS STS did not say). Nothing is applied to an account that cannot be checked; remove "account" to act on the connected account anyway.`;
  if (manifest.prune && !connected.account)
    return `prune deletes groups the manifest does not name, but the account of the connection could not be found out (its billing groups' ARNs and AWS STS did not say), so it cannot be checked. Nothing is pruned in an account that cannot be checked.`;
  if (manifest.account && connected.account && manifest.account !== connected.account)
    return `The manifest is for account ${manifest.account}, but you are connected to account ${connected.account}. Connect with a profile of account ${manifest.account}, or change the manifest's "account".`;
  return regionRefusal(manifest, connected.region);
}

/** The region part of connectionRefusal: known without a call, so checked before anything is read. */
export function regionRefusal(manifest: Manifest, region: string): string | undefined {
  if (manifest.region && manifest.region !== region)
    return `The manifest is for region ${manifest.region}, but you are connected to region ${region}. Select region ${manifest.region}, or change the manifest's "region".`;
  return undefined;
}

/**
 * The problems the extension shows itself, as diagnostics: those the contributed schema cannot say —
 * or all of them when the file has a "$schema" key, which makes VS Code validate it against that
 * schema instead of the contributed one (so nothing else would say them).
 */
export function ownDiagnostics(parsed: ParsedManifest): ManifestProblem[] {
  return parsed.ranges.schema ? parsed.problems : parsed.problems.filter((p) => !p.bySchema);
}

export function hasErrors(parsed: ParsedManifest): boolean {
  return parsed.problems.some((p) => p.severity === 'error');
}

