// What Copy as CloudFormation and Copy as Terraform share: the groups in name order, text made
// well-formed for a UTF-8 file, the tags a template must leave out, and the sentence the
// notification adds about what the copy had to say in its comments.
import { RESERVED_TAG_PREFIX } from './limits';
import type { Tag } from './types';

export interface GroupForCode {
  name: string;
  description: string;
  tags: Tag[];
}

/** What a copy holds beyond the groups themselves; each is also said in a comment of the copy. */
export interface CopyNotes {
  /** CloudFormation templates in the copy (separate YAML documents); 1 for Terraform. */
  templates: number;
  /** Templates over the 51,200 bytes CloudFormation takes inline. */
  largeTemplates: number;
  /** Tags left out because their value is empty (CloudFormation only). */
  emptyTagValues: number;
  /** Tags left out because their key starts with "aws:". */
  reservedTags: number;
  /** Values holding "{{resolve:" (CloudFormation only). */
  dynamicReferences: number;
  /** Lone surrogates written as U+FFFD. */
  loneSurrogates: number;
}

export interface CodeCopy {
  text: string;
  notes: CopyNotes;
}

export const noNotes = (): CopyNotes => ({ templates: 1, largeTemplates: 0, emptyTagValues: 0, reservedTags: 0, dynamicReferences: 0, loneSurrogates: 0 });

/**
 * The groups once each, in the order of their names' UTF-16 code units (not the locale's order, so
 * the same on every machine): logical ids and resource names then depend on which groups are
 * copied, never on the order in which they were selected.
 */
export function inNameOrder(groups: readonly GroupForCode[]): GroupForCode[] {
  const seen = new Set<string>();
  return groups.filter((g) => !seen.has(g.name) && seen.add(g.name)).sort((a, b) => compareNames(a.name, b.name));
}

export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** "aws:" keys are AWS's own (a stack's aws:cloudformation:* tags): no template may set them. */
export function isReservedTagKey(key: string): boolean {
  return key.toLowerCase().startsWith(RESERVED_TAG_PREFIX);
}

/**
 * `s` with each lone surrogate replaced by U+FFFD. A lone surrogate cannot be encoded in UTF-8, so
 * no template file can hold it; escaped, it is refused too ("\uD800": libyaml and go-yaml reject
 * the whole YAML document, hclsyntax the whole HCL file).
 */
export function toWellFormed(s: string): string {
  return s.replace(/\p{Cs}/gu, '\ufffd');
}

/** The U+XXXX of each lone surrogate in `s` (none when it is well-formed). */
export function loneSurrogates(s: string): string[] {
  return (s.match(/\p{Cs}/gu) ?? []).map((ch) => `U+${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The comment saying that `what` ("The description") held lone surrogates, or undefined. */
export function loneSurrogateNote(what: string, s: string, notes: CopyNotes): string | undefined {
  const found = loneSurrogates(s);
  if (found.length === 0) return undefined;
  notes.loneSurrogates += found.length;
  const which = found.length === 1 ? `a lone surrogate (${found[0]})` : `${found.length} lone surrogates (${found.join(', ')})`;
  return `${what} held ${which}, which UTF-8 cannot encode: written as U+FFFD.`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Sentences the notification adds after "Copied …": empty when the copy needs no word. */
export function copySummary(kind: 'cloudFormation' | 'terraform', notes: CopyNotes): string {
  const out: string[] = [];
  if (kind === 'cloudFormation') {
    if (notes.templates > 1) {
      out.push(
        `They do not fit one template (CloudFormation takes at most 500 resources and 1 MB per template): the clipboard holds ${notes.templates} templates separated by "---" lines; save each as its own file.`,
      );
      if (notes.largeTemplates > 0)
        out.push(`${notes.largeTemplates} of them ${notes.largeTemplates === 1 ? 'is' : 'are'} over 51,200 bytes: deploy ${notes.largeTemplates === 1 ? 'it' : 'those'} from S3.`);
    } else if (notes.largeTemplates > 0) out.push('The template is over 51,200 bytes, the most CloudFormation takes inline: deploy it from S3.');
  }
  const left = [
    ...(notes.emptyTagValues > 0 ? [`${plural(notes.emptyTagValues, 'tag', 'tags')} with an empty value (CloudFormation needs at least one character)`] : []),
    ...(notes.reservedTags > 0 ? [`${plural(notes.reservedTags, 'tag', 'tags')} with a reserved "aws:" key`] : []),
  ];
  if (left.length > 0) out.push(`Left out: ${left.join(' and ')}.`);
  if (notes.dynamicReferences > 0)
    out.push(`${plural(notes.dynamicReferences, 'value holds', 'values hold')} "{{resolve:", which CloudFormation would resolve at deploy time.`);
  if (notes.loneSurrogates > 0) out.push(`${plural(notes.loneSurrogates, 'lone surrogate was', 'lone surrogates were')} written as U+FFFD.`);
  if (out.length > 0) out.push('See the comments in the copy.');
  return out.join(' ');
}
