// Readers for what Copy as CloudFormation / Copy as Terraform write, used by the unit tests to
// parse the output back and compare it with the groups.
//
// YAML: js-yaml, a real YAML 1.2 parser, plus `assertPortableYaml`: js-yaml reads "\uD800" as a
// lone surrogate, but libyaml (PyYAML's C loader, hence cfn-lint) and go-yaml reject the whole
// document ("found invalid Unicode character escape code"), so the output must never hold one.
//
// HCL: no HCL parser runs in Node, so `readTerraform` below is a small parser for the subset the
// extension writes (blocks, attributes, quoted strings, one-level objects, comments), written from
// the HCL native syntax specification (hclsyntax/spec.md). Its quoted-string reader follows
// hclsyntax's decoder: "$${" / "%%{" are a literal "${" / "%{", a live "${" or "%{" is an error,
// and so is a \u or \U escape of a surrogate ("Cannot encode character U+D800 in UTF-8", the
// message `terraform fmt` prints for it).
import assert from 'node:assert/strict';

// js-yaml is a devDependency, loaded untyped: only `load` and `loadAll` are used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jsYaml = require('js-yaml') as { load(text: string): unknown; loadAll(text: string): unknown[] };

export const loadYaml = (text: string): unknown => jsYaml.load(text);
export const loadAllYaml = (text: string): unknown[] => jsYaml.loadAll(text);

/** Throws where libyaml or go-yaml would refuse the text, or where it is not one-line-per-line. */
export function assertPortableYaml(text: string): void {
  assert.ok(!/\p{Cs}/u.test(text), 'no raw lone surrogate (a UTF-8 file cannot hold one)');
  const surrogateEscape = /(?<!\\)(?:\\\\)*\\(?:u|U0000)[dD][89abAB][0-9a-fA-F]{2}/;
  assert.ok(!surrogateEscape.test(text), `no escaped surrogate (libyaml rejects it): ${text.match(surrogateEscape)?.[0]}`);
  assert.ok(!/[\r\u0085\u2028\u2029]/.test(text), 'lines end with "\\n" only');
}

/** Reads the HCL quoted template starting at `start` (a '"'); it must be a plain literal. */
export function scanHclString(src: string, start: number): { value: string; end: number } {
  assert.equal(src[start], '"', `a quoted string at ${start}`);
  let out = '';
  let i = start + 1;
  for (;;) {
    const c = src[i];
    if (c === undefined) throw new Error('unterminated string');
    if (c === '"') return { value: out, end: i + 1 };
    if (c === '\n' || c === '\r') throw new Error('raw newline in a quoted template');
    if (/^\p{Cs}$/u.test(String.fromCodePoint(src.codePointAt(i)!))) throw new Error('raw lone surrogate (not UTF-8)');
    if (c === '\\') {
      const e = src[i + 1];
      const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
      if (e in simple) {
        out += simple[e];
        i += 2;
      } else if (e === 'u' || e === 'U') {
        const n = e === 'u' ? 4 : 8;
        const hex = src.slice(i + 2, i + 2 + n);
        assert.match(hex, new RegExp(`^[0-9A-Fa-f]{${n}}$`));
        const cp = parseInt(hex, 16);
        if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) throw new Error(`Invalid escape sequence: Cannot encode character U+${hex} in UTF-8.`);
        out += String.fromCodePoint(cp);
        i += 2 + n;
      } else throw new Error(`bad escape \\${e}`);
      continue;
    }
    if ((c === '$' || c === '%') && src[i + 1] === c && src[i + 2] === '{') {
      out += `${c}{`;
      i += 3;
      continue;
    }
    if ((c === '$' || c === '%') && src[i + 1] === '{') throw new Error(`template sequence ${c}{ at ${i}`);
    const ch = String.fromCodePoint(src.codePointAt(i)!);
    out += ch;
    i += ch.length;
  }
}

/** Decodes a whole HCL quoted template that must be a plain literal; throws on anything else. */
export function readHclString(src: string): string {
  const { value, end } = scanHclString(src, 0);
  assert.equal(end, src.length, 'nothing after the closing quote');
  return value;
}

type Token = { t: 'str'; v: string } | { t: 'id'; v: string } | { t: '{' | '}' | '=' | 'nl' };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t') i++;
    else if (c === '\n') {
      out.push({ t: 'nl' });
      i++;
    } else if (c === '#' || (c === '/' && src[i + 1] === '/')) {
      const nl = src.indexOf('\n', i);
      const comment = src.slice(i, nl === -1 ? src.length : nl);
      assert.ok(!/[\r\p{Cs}]/u.test(comment), 'a comment holds no carriage return or lone surrogate');
      i = nl === -1 ? src.length : nl;
    } else if (c === '"') {
      const { value, end } = scanHclString(src, i);
      out.push({ t: 'str', v: value });
      i = end;
    } else if (c === '{' || c === '}' || c === '=') {
      out.push({ t: c });
      i++;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i, i + 200));
      if (!m) throw new Error(`unexpected ${JSON.stringify(c)} at ${i}`);
      out.push({ t: 'id', v: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

export interface TerraformGroup {
  type: string;
  id: string;
  name?: string;
  description?: string;
  tags?: [string, string][];
}

/** Parses the resource blocks Copy as Terraform writes; throws on anything outside that shape. */
export function readTerraform(src: string): TerraformGroup[] {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const take = <T extends Token['t']>(t: T): Extract<Token, { t: T }> => {
    const tok = toks[p++];
    if (tok?.t !== t) throw new Error(`expected ${t}, found ${tok ? tok.t : 'end'} (token ${p - 1})`);
    return tok as Extract<Token, { t: T }>;
  };
  const skipNl = () => {
    while (peek()?.t === 'nl') p++;
  };
  const groups: TerraformGroup[] = [];
  skipNl();
  while (p < toks.length) {
    assert.equal(take('id').v, 'resource');
    const g: TerraformGroup = { type: take('str').v, id: take('str').v };
    take('{');
    take('nl');
    for (skipNl(); peek()?.t !== '}'; skipNl()) {
      const key = take('id').v;
      if (key === 'properties') {
        take('{');
        take('nl');
        skipNl();
        assert.equal(take('id').v, 'description');
        take('=');
        g.description = take('str').v;
        take('nl');
        skipNl();
        take('}');
      } else {
        take('=');
        if (key === 'name') g.name = take('str').v;
        else if (key === 'tags') {
          take('{');
          g.tags = [];
          for (skipNl(); peek()?.t !== '}'; skipNl()) {
            const k = take('str').v;
            take('=');
            g.tags.push([k, take('str').v]);
            take('nl');
          }
          take('}');
        } else throw new Error(`unexpected attribute ${key}`);
      }
      take('nl');
    }
    take('}');
    if (p < toks.length) take('nl');
    skipNl();
    groups.push(g);
  }
  return groups;
}
