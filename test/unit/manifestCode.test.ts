// Copy as CloudFormation / Terraform and the manifest's JSON: hostile strings come back exactly.
// YAML is read back with js-yaml (a real YAML 1.2 parser). No HCL parser runs in Node, so the HCL
// side is read back by `readHclString` below, written from the HCL native syntax specification
// (hclsyntax/spec.md: quoted templates, their escapes, and "$${" / "%%{" as literal "${" / "%{"),
// which also fails on any unescaped "${" or "%{" — an interpolation or directive.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { logicalIds, renderCloudFormation, yamlString, type GroupForCode } from '../../src/core/cloudFormation';
import { parseManifest } from '../../src/core/manifest';
import { renderManifest } from '../../src/core/manifestRender';
import { hclString, renderTerraform, resourceNames } from '../../src/core/terraform';
import { NUM_RUNS, unicodeString } from './arbitraries';

/** A hostile string: any code point, lone surrogates, quotes, backslashes, "${", "%{", "#", ": ". */
const hostile = fc.oneof(
  unicodeString(40),
  fc.array(fc.constantFrom('${', '%{', '$${', '%%{', '$', '%', '{', '}', '"', '\\', '\n', '\r', '\t', '# x', ': ', '- ', '\u2028', '\u0085', '\ufeff', '\u0000', '\ud800', '~}', "'", '&a', '*a', '!!str', '|', '>'), { maxLength: 12 }).map((a) => a.join('')),
);
// js-yaml is a dependency of the dev tools (eslint, vsce), loaded untyped: only `load` is used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load(text: string): unknown };

/** No lone surrogate (HCL files are UTF-8, which cannot hold one). */
const isWellFormed = (s: string) => !/\p{Cs}/u.test(s);
const wellFormed = hostile.filter(isWellFormed);
const groupName = fc.stringMatching(/^[a-zA-Z0-9:_-]{1,20}$/);

/** Decodes an HCL quoted template that must be a plain literal; throws on anything else. */
function readHclString(src: string): string {
  assert.equal(src[0], '"');
  let out = '';
  let i = 1;
  for (;;) {
    const c = src[i];
    if (c === undefined) throw new Error('unterminated string');
    if (c === '"') break;
    if (c === '\n' || c === '\r') throw new Error('raw newline in a quoted template');
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
        out += cp <= 0xffff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
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
    out += c;
    i++;
  }
  assert.equal(i, src.length - 1, 'nothing after the closing quote');
  return out;
}

describe('escaping for Copy as CloudFormation / Terraform and the manifest', () => {
  it('YAML double-quoted strings round-trip through a YAML parser (property)', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const doc = `v: ${yamlString(s)}\n`;
        assert.equal((yaml.load(doc) as { v: string }).v, s);
        assert.ok(!/[\n\r\u2028\u2029\u0085]/.test(yamlString(s)), 'one line');
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('HCL strings read back exactly, with "${" and "%{" never left live (property)', () => {
    fc.assert(
      fc.property(wellFormed, (s) => {
        const lit = hclString(s);
        assert.equal(readHclString(lit), s);
      }),
      { numRuns: NUM_RUNS },
    );
    assert.equal(hclString('${var.secret} and %{if x}'), '"$${var.secret} and %%{if x}"');
    assert.equal(hclString('$${'), '"$$${"', 'a "$" before an escaped "${" stays a plain "$"');
    assert.equal(readHclString(hclString('$${')), '$${');
    assert.throws(() => readHclString('"${x}"'), /template sequence/, 'the oracle itself fails on a live interpolation');
  });

  it('the manifest JSON round-trips any group, tag and thing strings (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(groupName, hostile, fc.array(fc.tuple(hostile, hostile), { maxLength: 3 })), { maxLength: 4 }), (rows) => {
        const seen = new Set<string>();
        const groups = rows
          .filter(([n]) => !seen.has(n) && seen.add(n))
          .map(([name, description, tags]) => {
            const keys = new Set<string>();
            return { name, description, tags: tags.filter(([k]) => !keys.has(k) && keys.add(k)).map(([key, value]) => ({ key, value })) };
          });
        const text = renderManifest({ prune: false, groups });
        const parsed = parseManifest(text);
        assert.equal(parsed.problems.filter((p) => p.message.startsWith('JSON syntax')).length, 0, text);
        assert.deepEqual(parsed.manifest.groups, groups);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('CloudFormation: resources read back as YAML with the groups, logical ids valid and unique (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(groupName, hostile, fc.uniqueArray(fc.tuple(hostile, hostile), { selector: ([k]) => k, maxLength: 3 })), { selector: ([n]) => n, maxLength: 5 }), (rows) => {
        const groups: GroupForCode[] = rows.map(([name, description, tags]) => ({ name, description, tags: tags.map(([key, value]) => ({ key, value })) }));
        const doc = yaml.load(renderCloudFormation(groups)) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
        const resources = Object.entries(doc.Resources ?? {});
        assert.equal(resources.length, groups.length);
        groups.forEach((g, i) => {
          const [id, r] = resources[i];
          assert.match(id, /^[A-Za-z][A-Za-z0-9]{0,254}$/);
          assert.equal(r.Type, 'AWS::IoT::BillingGroup');
          assert.equal(r.Properties.BillingGroupName, g.name);
          assert.deepEqual(r.Properties.BillingGroupProperties, g.description ? { BillingGroupDescription: g.description } : undefined);
          assert.deepEqual(r.Properties.Tags, g.tags.length ? g.tags.map((t) => ({ Key: t.key, Value: t.value })) : undefined);
        });
      }),
      { numRuns: Math.min(NUM_RUNS, 300) },
    );
  });

  it('logical ids and Terraform names stay unique when names differ only in punctuation or case', () => {
    const names = ['a-b', 'a_b', 'a:b', 'aB', 'AB', 'AB2', '1st', '-x', 'x'];
    const ids = [...logicalIds(names).values()];
    assert.equal(new Set(ids).size, names.length);
    for (const id of ids) assert.match(id, /^BillingGroup[A-Za-z0-9]*$/);
    const tf = [...resourceNames(names).values()];
    assert.equal(new Set(tf).size, names.length);
    for (const id of tf) assert.match(id, /^[A-Za-z_][A-Za-z0-9_-]*$/);
    assert.equal(resourceNames(['1st']).get('1st'), 'bg_1st');
  });

  it('Terraform: every block, name and tag reads back through the HCL string oracle', () => {
    const groups: GroupForCode[] = [
      { name: 'fleet:eu', description: 'costs ${var.x} %{ if true }"quoted"\\', tags: [{ key: 'team ${x}', value: 'a\nb' }] },
      { name: 'bare', description: '', tags: [] },
    ];
    const text = renderTerraform(groups);
    assert.equal(
      text,
      [
        'resource "aws_iot_billing_group" "fleet_eu" {',
        '  name = "fleet:eu"',
        '',
        '  properties {',
        '    description = "costs $${var.x} %%{ if true }\\"quoted\\"\\\\"',
        '  }',
        '',
        '  tags = {',
        '    "team $${x}" = "a\\nb"',
        '  }',
        '}',
        '',
        'resource "aws_iot_billing_group" "bare" {',
        '  name = "bare"',
        '}',
        '',
      ].join('\n'),
    );
    assert.equal(readHclString('"costs $${var.x} %%{ if true }\\"quoted\\"\\\\"'), groups[0].description);
  });
});
