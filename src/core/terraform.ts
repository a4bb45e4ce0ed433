// "Copy as Terraform": aws_iot_billing_group resources in HCL, in name order. Strings are HCL quoted
// templates: backslash escapes for quotes, backslashes and controls, and the template openers "${"
// and "%{" doubled ("$${", "%%{") so that a description is never read as an interpolation or a
// directive. A lone surrogate is written as U+FFFD, with a comment: HCL files are UTF-8, and
// hclsyntax refuses "\uD800" ("Cannot encode character U+d800 in UTF-8"), failing the whole file.
// A tag with an empty value is kept (the IoT API and the provider take it); a tag whose key starts
// with "aws:" is left out with a comment (reserved for AWS; the provider ignores such tags).
import { inNameOrder, isReservedTagKey, loneSurrogateNote, noNotes, toWellFormed, type CodeCopy, type CopyNotes, type GroupForCode } from './codeCopy';

/** An HCL quoted string that evaluates to `s` (a lone surrogate as U+FFFD). */
export function hclString(s: string): string {
  const w = toWellFormed(s);
  let out = '"';
  for (let i = 0; i < w.length; ) {
    const cp = w.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    i += ch.length;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if ((ch === '$' || ch === '%') && w[i] === '{') out += ch + ch;
    else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * HCL identifiers (letters, digits, "_" and "-", starting with a letter or "_"), unique. The names
 * are taken in code-unit order, so the names given depend only on which groups are copied.
 */
export function resourceNames(names: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of inNameOrder(names.map((n) => ({ name: n, description: '', tags: [] }))).map((g) => g.name)) {
    let base = name.replace(/[^A-Za-z0-9_-]/g, '_');
    if (!/^[A-Za-z_]/.test(base)) base = `bg_${base}`;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    taken.add(id);
    out.set(name, id);
  }
  return out;
}

function renderBlock(id: string, g: GroupForCode, notes: CopyNotes): string {
  const lines = [`resource "aws_iot_billing_group" ${hclString(id)} {`, `  name = ${hclString(g.name)}`];
  if (g.description) {
    lines.push('');
    const note = loneSurrogateNote('The description', g.description, notes);
    if (note) lines.push(`  # ${note}`);
    lines.push('  properties {', `    description = ${hclString(g.description)}`, '  }');
  }
  const kept = g.tags.filter((t) => !isReservedTagKey(t.key));
  if (g.tags.length > 0) lines.push('');
  for (const t of g.tags) {
    if (!isReservedTagKey(t.key)) continue;
    notes.reservedTags++;
    lines.push(`  # Tag ${hclString(t.key)} left out: keys that start with "aws:" are reserved for AWS.`);
  }
  if (kept.length > 0) {
    lines.push('  tags = {');
    for (const t of kept) {
      for (const note of [loneSurrogateNote(`The key of tag ${hclString(t.key)}`, t.key, notes), loneSurrogateNote(`The value of tag ${hclString(t.key)}`, t.value, notes)])
        if (note) lines.push(`    # ${note}`);
      lines.push(`    ${hclString(t.key)} = ${hclString(t.value)}`);
    }
    lines.push('  }');
  }
  lines.push('}');
  return lines.join('\n');
}

/** The groups as Terraform, in name order, with what it says in comments counted. */
export function terraformCopy(groups: readonly GroupForCode[]): CodeCopy {
  const notes = noNotes();
  const sorted = inNameOrder(groups);
  const ids = resourceNames(sorted.map((g) => g.name));
  return { text: `${sorted.map((g) => renderBlock(ids.get(g.name)!, g, notes)).join('\n\n')}\n`, notes };
}

export function renderTerraform(groups: readonly GroupForCode[]): string {
  return terraformCopy(groups).text;
}
