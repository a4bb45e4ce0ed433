// Comparing a requested billing group configuration with the one that exists, to decide whether a
// repeated create is the API's idempotent success or a conflict, and to say what differs.
import type { Tag } from './types';

export interface Configuration {
  description: string;
  tags: readonly Tag[];
}

export type Difference =
  | { kind: 'description'; existing: string; requested: string }
  | { kind: 'tagAdded'; key: string; requested: string }
  | { kind: 'tagRemoved'; key: string; existing: string }
  | { kind: 'tagChanged'; key: string; existing: string; requested: string };

/**
 * Differences between what exists and what was asked for. `existing.tags` undefined means the
 * service could not say (then tags are not compared).
 */
export function compareConfiguration(
  existing: { description: string; tags?: readonly Tag[] },
  requested: Configuration,
): Difference[] {
  const diffs: Difference[] = [];
  if ((existing.description ?? '') !== (requested.description ?? ''))
    diffs.push({ kind: 'description', existing: existing.description ?? '', requested: requested.description ?? '' });
  if (existing.tags) {
    const have = new Map(existing.tags.map((t) => [t.key, t.value]));
    const want = new Map(requested.tags.map((t) => [t.key, t.value]));
    for (const [key, value] of want) {
      if (!have.has(key)) diffs.push({ kind: 'tagAdded', key, requested: value });
      else if (have.get(key) !== value) diffs.push({ kind: 'tagChanged', key, existing: have.get(key) ?? '', requested: value });
    }
    for (const [key, value] of have) if (!want.has(key)) diffs.push({ kind: 'tagRemoved', key, existing: value });
  }
  return diffs;
}

/**
 * A value quoted for a notification: cut to `max` characters (never between the halves of a
 * surrogate pair), JSON-escaped, and with the controls JSON leaves raw (U+007F–U+009F), format and
 * bidi marks, line and paragraph separators and unassigned code points escaped as well, so that a
 * hostile value cannot reorder or break the sentence.
 */
function quote(s: string, max = 60): string {
  const chars = Array.from(s);
  const shown = chars.length > max ? `${chars.slice(0, max).join('')}…` : s;
  return JSON.stringify(shown).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Cn}]/gu, (c) => {
    const cp = c.codePointAt(0) ?? 0;
    return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  });
}

/** One short sentence per difference, for notifications. */
export function describeDifferences(diffs: readonly Difference[]): string {
  return diffs
    .map((d) => {
      switch (d.kind) {
        case 'description':
          return `description is ${quote(d.existing)}, not ${quote(d.requested)}`;
        case 'tagAdded':
          return `tag ${quote(d.key)} is not set`;
        case 'tagRemoved':
          return `it has tag ${quote(d.key)}=${quote(d.existing)}`;
        case 'tagChanged':
          return `tag ${quote(d.key)} is ${quote(d.existing)}, not ${quote(d.requested)}`;
      }
    })
    .join('; ');
}

/** Tags to send to make `existing` equal `wanted`: what to set and which keys to remove. */
export function planTagChanges(existing: readonly Tag[], wanted: readonly Tag[]): { set: Tag[]; remove: string[] } {
  const have = new Map(existing.map((t) => [t.key, t.value]));
  const want = new Map(wanted.map((t) => [t.key, t.value]));
  // From the map, so that a key listed twice in `wanted` is set once, to its last value.
  const set = [...want].filter(([key, value]) => have.get(key) !== value).map(([key, value]) => ({ key, value }));
  const remove = [...have.keys()].filter((key) => !want.has(key));
  return { set, remove };
}
