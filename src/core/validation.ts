// Validation of what a person types for a billing group. Each function returns undefined when the
// input is valid, or a sentence saying what is wrong and how (shown inline in the quick pick and form).
import {
  DESCRIPTION_CHAR,
  DESCRIPTION_MAX,
  NAME_MAX,
  NAME_PATTERN,
  RESERVED_TAG_PREFIX,
  TAG_KEY_CHAR,
  TAG_KEY_MAX,
  TAG_VALUE_MAX,
  TAGS_MAX,
} from './limits';
import type { Tag } from './types';

function codePointHex(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Shows a character safely in a message: controls and invisible marks as U+XXXX. */
export function describeChar(ch: string): string {
  const hex = codePointHex(ch);
  if (ch === '\n') return `a line break (${hex})`;
  if (ch === '\t') return `a tab (${hex})`;
  if (/[\p{Cc}\p{Cf}\p{Z}\p{Cs}\p{Cn}]/u.test(ch)) return hex;
  return `"${ch}" (${hex})`;
}

/**
 * Shows a tag key inside a message: controls, bidi and other format marks, line and paragraph
 * separators, surrogates and unassigned code points as <U+XXXX> (never raw, so that a key cannot
 * reorder or break the message), and a long key cut short.
 */
function showKey(key: string, max = 40): string {
  const chars = Array.from(key);
  const shown = chars
    .slice(0, max)
    .map((ch) => (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Cn}]/u.test(ch) ? `<${codePointHex(ch)}>` : ch))
    .join('');
  return chars.length > max ? `${shown}…` : shown;
}

function firstInvalidChar(value: string, allowed: RegExp): string | undefined {
  for (const ch of value) if (!allowed.test(ch)) return ch;
  return undefined;
}

export function validateName(name: string, what = 'Name'): string | undefined {
  if (name.length === 0) return `${what} is required.`;
  if (name.length > NAME_MAX) return `${what} is ${name.length} characters long; the limit is ${NAME_MAX}.`;
  if (!NAME_PATTERN.test(name)) {
    const bad = firstInvalidChar(name, /^[a-zA-Z0-9:_-]$/) ?? name[0];
    return `${what} may contain only letters A–Z and a–z, digits, ":", "_" and "-"; ${describeChar(bad)} is not allowed.`;
  }
  return undefined;
}

/** A name-prefix filter follows the name rules (the API's namePrefixFilter). */
export function validateNamePrefix(prefix: string): string | undefined {
  return validateName(prefix, 'Filter');
}

export function validateDescription(description: string): string | undefined {
  if (description.length > DESCRIPTION_MAX)
    return `Description is ${description.length} characters long; the limit is ${DESCRIPTION_MAX}.`;
  const bad = firstInvalidChar(description, DESCRIPTION_CHAR);
  if (bad !== undefined)
    return `Description may contain printable characters and spaces only; ${describeChar(bad)} is not allowed.`;
  return undefined;
}

export function validateTagKey(key: string): string | undefined {
  if (key.length === 0) return 'Tag key is required.';
  if (key.length > TAG_KEY_MAX) return `Tag key is ${key.length} characters long; the limit is ${TAG_KEY_MAX}.`;
  if (key.toLowerCase().startsWith(RESERVED_TAG_PREFIX))
    return `Tag key "${key.slice(0, 4)}…" uses the prefix "aws:", which is reserved for AWS.`;
  const bad = firstInvalidChar(key, TAG_KEY_CHAR);
  if (bad !== undefined)
    return `Tag key may contain letters, digits, spaces and _ . : / = + - @ only; ${describeChar(bad)} is not allowed.`;
  return undefined;
}

export function validateTagValue(value: string): string | undefined {
  if (value.length > TAG_VALUE_MAX) return `Tag value is ${value.length} characters long; the limit is ${TAG_VALUE_MAX}.`;
  return undefined;
}

export interface TagProblem {
  /** Index of the tag in the list. */
  index: number;
  field: 'key' | 'value' | 'list';
  message: string;
}

/** Checks a whole tag list: each key and value, duplicates and the count. */
export function validateTags(tags: readonly Tag[]): TagProblem[] {
  const problems: TagProblem[] = [];
  const seen = new Map<string, number>();
  tags.forEach((tag, index) => {
    const keyProblem = validateTagKey(tag.key);
    if (keyProblem) problems.push({ index, field: 'key', message: keyProblem });
    const valueProblem = validateTagValue(tag.value);
    if (valueProblem) problems.push({ index, field: 'value', message: `${tag.key ? showKey(tag.key) : 'Tag'}: ${valueProblem}` });
    const first = seen.get(tag.key);
    if (first !== undefined && !keyProblem)
      problems.push({ index, field: 'key', message: `Tag key "${showKey(tag.key)}" appears more than once.` });
    else seen.set(tag.key, index);
  });
  if (tags.length > TAGS_MAX)
    problems.push({ index: TAGS_MAX, field: 'list', message: `${tags.length} tags given; a billing group takes at most ${TAGS_MAX}.` });
  return problems;
}

export interface BillingGroupInput {
  name: string;
  description: string;
  tags: Tag[];
}

export interface InputProblems {
  name?: string;
  description?: string;
  tags: TagProblem[];
}

export function validateInput(input: BillingGroupInput): InputProblems {
  return {
    name: validateName(input.name),
    description: validateDescription(input.description),
    tags: validateTags(input.tags),
  };
}

export function hasProblems(p: InputProblems): boolean {
  return p.name !== undefined || p.description !== undefined || p.tags.length > 0;
}
