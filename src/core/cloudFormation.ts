// "Copy as CloudFormation": AWS::IoT::BillingGroup resources as YAML. Every string is double-quoted
// with YAML's escapes, so quotes, backslashes, "#", ": ", line and paragraph separators and controls
// come back as they were. A lone surrogate cannot (no UTF-8 file holds one, and libyaml and go-yaml
// refuse "\uD800"): it is written as U+FFFD, and a comment says so.
//
// What CloudFormation itself refuses or changes is left out or flagged in YAML comments:
// - a tag with an empty value (AWS::IoT::BillingGroup Tag: Value, minimum 1; cfn-lint E3033);
// - a tag whose key starts with "aws:" (reserved for AWS; a stack's own aws:cloudformation:* tags);
// - "{{resolve:" in a value: a dynamic reference, which CloudFormation resolves at deploy time in any
//   string of a resource's properties ("Get values stored in other services using dynamic
//   references"); the documentation gives no way to write it literally (no escape);
// - "${" in a value: kept as written, since CloudFormation substitutes ${…} only inside Fn::Sub
//   (Fn::Sub reference), which these templates do not use; flagged because cfn-lint reports it
//   (E1029) and because wrapping the value in !Sub later would change it.
// The quotas ("Understand CloudFormation quotas"): at most 500 resources per template; a template
// body of at most 51,200 bytes inline (TemplateBody) and 1 MB from S3 (TemplateURL); at most 60
// dynamic references per template. More groups than one template takes become several templates,
// separate YAML documents, each saying which part it is.
import {
  inNameOrder,
  isReservedTagKey,
  loneSurrogateNote,
  noNotes,
  toWellFormed,
  type CodeCopy,
  type CopyNotes,
  type GroupForCode,
} from './codeCopy';

export type { GroupForCode } from './codeCopy';

export const CLOUDFORMATION_QUOTAS = {
  resourcesPerTemplate: 500,
  inlineTemplateBytes: 51_200,
  /** "1 MB" on the quotas page, read as 1,000,000 bytes to be within either reading of it. */
  s3TemplateBytes: 1_000_000,
  dynamicReferencesPerTemplate: 60,
} as const;

/** Room kept in each template for its header comments (a few short lines and two group names). */
const HEADER_BYTES = 2_000;

/** YAML 1.2 printable characters that may stand raw inside a double-quoted scalar. */
function rawInYaml(cp: number): boolean {
  // U+2028/U+2029 were line breaks in YAML 1.1: escaped, so every string stays on its line.
  if (cp === 0x2028 || cp === 0x2029) return false;
  return (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** A YAML double-quoted scalar of `s`, on one line; a lone surrogate becomes U+FFFD. */
export function yamlString(s: string): string {
  let out = '"';
  for (const ch of toWellFormed(s)) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (rawInYaml(cp)) out += ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    // Everything else (controls, U+0085, U+2028/9, U+FEFF, U+FFFE/F) as \uXXXX: never a surrogate.
    else out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return `${out}"`;
}

/**
 * Alphanumeric, starting with a letter, unique: BillingGroup + the name's parts capitalised. The
 * names are taken in code-unit order, so which name of a colliding pair gets the "2" depends only
 * on the names, not on the order they were selected in.
 */
export function logicalIds(names: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of inNameOrder(names.map((n) => ({ name: n, description: '', tags: [] }))).map((g) => g.name)) {
    const base = `BillingGroup${name
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((p) => p[0].toUpperCase() + p.slice(1))
      .join('')}`;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}${n}`;
    taken.add(id);
    ids.set(name, id);
  }
  return ids;
}

/** Bytes of `s` in UTF-8 (it is well-formed: every lone surrogate was replaced). */
function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

const countOf = (s: string, part: string) => s.split(part).length - 1;

/** Comments about one value: lone surrogates, a dynamic reference, "${". */
function valueNotes(what: string, s: string, notes: CopyNotes): string[] {
  const out: string[] = [];
  const lone = loneSurrogateNote(what, s, notes);
  if (lone) out.push(lone);
  if (s.includes('{{resolve:')) {
    notes.dynamicReferences++;
    out.push(
      `${what} holds "{{resolve:", which CloudFormation reads as a dynamic reference: at deploy time it puts the value it resolves to there (from Systems Manager or Secrets Manager), or fails; CloudFormation documents no way to write it literally. Edit it before deploying.`,
    );
  }
  if (s.includes('${'))
    out.push(`${what} holds "\${", which CloudFormation keeps as written: it substitutes \${…} only inside Fn::Sub, which this template does not use (do not wrap it in !Sub; cfn-lint reports it as E1029).`);
  return out;
}

interface Resource {
  name: string;
  text: string;
  bytes: number;
  dynamicReferences: number;
}

function renderResource(id: string, g: GroupForCode, notes: CopyNotes): Resource {
  const lines = [`  ${id}:`, '    Type: AWS::IoT::BillingGroup', '    Properties:', `      BillingGroupName: ${yamlString(g.name)}`];
  const comment = (indent: string) => (c: string) => lines.push(`${indent}# ${c}`);
  let dynamicReferences = 0;
  if (g.description) {
    valueNotes('The description', g.description, notes).forEach(comment('      '));
    dynamicReferences += countOf(g.description, '{{resolve:');
    lines.push('      BillingGroupProperties:', `        BillingGroupDescription: ${yamlString(g.description)}`);
  }
  const kept = [];
  for (const t of g.tags) {
    if (isReservedTagKey(t.key)) {
      notes.reservedTags++;
      comment('      ')(`Tag ${yamlString(t.key)} left out: keys that start with "aws:" are reserved for AWS.`);
    } else if (t.value === '') {
      notes.emptyTagValues++;
      comment('      ')(`Tag ${yamlString(t.key)} left out: its value is empty, and CloudFormation needs a tag value of at least one character.`);
    } else kept.push(t);
  }
  if (kept.length > 0) {
    lines.push('      Tags:');
    for (const t of kept) {
      valueNotes(`The key of tag ${yamlString(t.key)}`, t.key, notes).forEach(comment('        '));
      valueNotes(`The value of tag ${yamlString(t.key)}`, t.value, notes).forEach(comment('        '));
      dynamicReferences += countOf(t.key, '{{resolve:') + countOf(t.value, '{{resolve:');
      lines.push(`        - Key: ${yamlString(t.key)}`, `          Value: ${yamlString(t.value)}`);
    }
  }
  const text = `${lines.join('\n')}\n`;
  return { name: g.name, text, bytes: utf8Length(text), dynamicReferences };
}

/** Consecutive runs of resources, each within the resource quota and (with its header) 1 MB. */
function pack(resources: readonly Resource[]): Resource[][] {
  const budget = CLOUDFORMATION_QUOTAS.s3TemplateBytes - HEADER_BYTES - 'Resources:\n'.length;
  const out: Resource[][] = [];
  let current: Resource[] = [];
  let bytes = 0;
  for (const r of resources) {
    if (current.length > 0 && (current.length === CLOUDFORMATION_QUOTAS.resourcesPerTemplate || bytes + r.bytes > budget)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(r);
    bytes += r.bytes;
  }
  out.push(current);
  return out;
}

/**
 * The groups as CloudFormation, in name order: one template when they fit one, else several
 * templates as separate YAML documents ("---"), each opening with a comment saying which part it is.
 */
export function renderCloudFormation(groups: readonly GroupForCode[]): CodeCopy {
  const notes = noNotes();
  const sorted = inNameOrder(groups);
  const ids = logicalIds(sorted.map((g) => g.name));
  const templates = pack(sorted.map((g) => renderResource(ids.get(g.name)!, g, notes)));
  notes.templates = templates.length;
  let first = 1;
  const documents = templates.map((resources, i) => {
    const head: string[] = [];
    if (templates.length > 1) {
      const last = first + resources.length - 1;
      head.push(
        `# Template ${i + 1} of ${templates.length}: billing groups ${first}–${last} of ${sorted.length} in name order (${yamlString(resources[0].name)} to ${yamlString(resources[resources.length - 1].name)}).`,
        '# CloudFormation takes at most 500 resources and 1 MB per template: save each template as its own file and deploy it as its own stack.',
      );
      first = last + 1;
    }
    const references = resources.reduce((n, r) => n + r.dynamicReferences, 0);
    if (references > CLOUDFORMATION_QUOTAS.dynamicReferencesPerTemplate)
      head.push(`# This template holds ${references} "{{resolve:" dynamic references; CloudFormation allows 60 per template.`);
    const body = `Resources:\n${resources.map((r) => r.text).join('')}`;
    const sizeNote =
      '# Over 51,200 bytes, the most CloudFormation takes inline (TemplateBody): upload it to S3 and deploy it by TemplateURL (1 MB at most), e.g. with aws cloudformation deploy --s3-bucket.';
    // Decided on the text without the size note: a template that fits inline gets none, and one
    // that does not is no nearer fitting once the note is added.
    if (utf8Length(head.map((h) => `${h}\n`).join('') + body) > CLOUDFORMATION_QUOTAS.inlineTemplateBytes) {
      head.push(sizeNote);
      notes.largeTemplates++;
    }
    return head.map((h) => `${h}\n`).join('') + body;
  });
  return { text: documents.join('---\n'), notes };
}
