// "Copy as CloudFormation": AWS::IoT::BillingGroup resources as YAML. Every string is double-quoted
// with YAML's escapes, so any character a description or tag may hold (quotes, backslashes, "#",
// ": ", line and paragraph separators, controls, lone surrogates) comes back as it was.
import type { Tag } from './types';

export interface GroupForCode {
  name: string;
  description: string;
  tags: Tag[];
}

/** YAML 1.2 printable characters that may stand raw inside a double-quoted scalar. */
function rawInYaml(cp: number): boolean {
  // U+2028/U+2029 were line breaks in YAML 1.1: escaped, so every string stays on its line.
  if (cp === 0x2028 || cp === 0x2029) return false;
  return (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** A YAML double-quoted scalar. */
export function yamlString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (rawInYaml(cp)) out += ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    // Everything else as \uXXXX (a lone surrogate too: one code unit, kept as it was).
    else out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return `${out}"`;
}

/** Alphanumeric, starting with a letter, unique: BillingGroup + the name's parts capitalised. */
export function logicalIds(names: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of names) {
    if (ids.has(name)) continue;
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

export function renderCloudFormation(groups: readonly GroupForCode[]): string {
  const ids = logicalIds(groups.map((g) => g.name));
  const lines = ['Resources:'];
  for (const g of groups) {
    lines.push(`  ${ids.get(g.name)}:`, '    Type: AWS::IoT::BillingGroup', '    Properties:', `      BillingGroupName: ${yamlString(g.name)}`);
    if (g.description) lines.push('      BillingGroupProperties:', `        BillingGroupDescription: ${yamlString(g.description)}`);
    if (g.tags.length > 0) {
      lines.push('      Tags:');
      for (const t of g.tags) lines.push(`        - Key: ${yamlString(t.key)}`, `          Value: ${yamlString(t.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
