// "Copy as Terraform": aws_iot_billing_group resources in HCL. Strings are HCL quoted templates:
// backslash escapes for quotes, backslashes and controls, and the template openers "${" and "%{"
// doubled ("$${", "%%{") so that a description is never read as an interpolation or a directive.
import type { GroupForCode } from './cloudFormation';

/** An HCL quoted string that evaluates to exactly `s`. */
export function hclString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    i += ch.length;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if ((ch === '$' || ch === '%') && s[i] === '{') out += ch + ch;
    else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff || (cp >= 0xd800 && cp <= 0xdfff))
      out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** HCL identifiers (letters, digits, "_" and "-", starting with a letter or "_"), unique. */
export function resourceNames(names: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of names) {
    if (out.has(name)) continue;
    let base = name.replace(/[^A-Za-z0-9_-]/g, '_');
    if (!/^[A-Za-z_]/.test(base)) base = `bg_${base}`;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    taken.add(id);
    out.set(name, id);
  }
  return out;
}

export function renderTerraform(groups: readonly GroupForCode[]): string {
  const ids = resourceNames(groups.map((g) => g.name));
  const blocks = groups.map((g) => {
    const lines = [`resource "aws_iot_billing_group" ${hclString(ids.get(g.name)!)} {`, `  name = ${hclString(g.name)}`];
    if (g.description) lines.push('', '  properties {', `    description = ${hclString(g.description)}`, '  }');
    if (g.tags.length > 0) {
      lines.push('', '  tags = {');
      for (const t of g.tags) lines.push(`    ${hclString(t.key)} = ${hclString(t.value)}`);
      lines.push('  }');
    }
    lines.push('}');
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}
