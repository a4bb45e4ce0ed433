// Copy as CloudFormation / Terraform and the manifest's JSON: hostile strings come back exactly,
// except a lone surrogate, which no UTF-8 text can carry: YAML and HCL get U+FFFD in its place.
// YAML is read back with js-yaml (a real YAML 1.2 parser) and checked for what libyaml refuses;
// HCL by `readHclString` (codeOracles.ts, written from the HCL native syntax specification), which
// also fails on any unescaped "${" or "%{" — an interpolation or directive — and on "\uD800".
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { logicalIds, yamlString, type GroupForCode } from '../../src/core/cloudFormation';
import { toWellFormed } from '../../src/core/codeCopy';
import { parseManifest } from '../../src/core/manifest';
import { renderManifest } from '../../src/core/manifestRender';
import { hclString, renderTerraform, resourceNames } from '../../src/core/terraform';
import { NUM_RUNS, unicodeString } from './arbitraries';
import { assertPortableYaml, loadYaml, readHclString } from './codeOracles';

/** A hostile string: any code point, lone surrogates, quotes, backslashes, "${", "%{", "#", ": ". */
const hostile = fc.oneof(
  unicodeString(40),
  fc.array(fc.constantFrom('${', '%{', '$${', '%%{', '$', '%', '{', '}', '"', '\\', '\n', '\r', '\t', '# x', ': ', '- ', '\u2028', '\u0085', '\ufeff', '\u0000', '\ud800', '~}', "'", '&a', '*a', '!!str', '|', '>'), { maxLength: 12 }).map((a) => a.join('')),
);
const groupName = fc.stringMatching(/^[a-zA-Z0-9:_-]{1,20}$/);

describe('escaping for Copy as CloudFormation / Terraform and the manifest', () => {
  it('YAML double-quoted strings round-trip through a YAML parser, a lone surrogate as U+FFFD (property)', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const doc = `v: ${yamlString(s)}\n`;
        assertPortableYaml(doc);
        assert.equal((loadYaml(doc) as { v: string }).v, toWellFormed(s));
        assert.ok(!/[\n\r\u2028\u2029\u0085]/.test(yamlString(s)), 'one line');
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('HCL strings read back exactly, a lone surrogate as U+FFFD, with "${" and "%{" never left live (property)', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const lit = hclString(s);
        assert.equal(readHclString(lit), toWellFormed(s));
      }),
      { numRuns: NUM_RUNS },
    );
    assert.equal(hclString('${var.secret} and %{if x}'), '"$${var.secret} and %%{if x}"');
    assert.equal(hclString('$${'), '"$$${"', 'a "$" before an escaped "${" stays a plain "$"');
    assert.equal(readHclString(hclString('$${')), '$${');
    assert.throws(() => readHclString('"${x}"'), /template sequence/, 'the oracle itself fails on a live interpolation');
    assert.throws(() => readHclString('"\\uD800"'), /Cannot encode character U\+D800 in UTF-8/, 'and on an escaped surrogate, as hclsyntax does');
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

  it('Terraform: every block, name and tag reads back through the HCL string oracle, in name order', () => {
    const groups: GroupForCode[] = [
      { name: 'fleet:eu', description: 'costs ${var.x} %{ if true }"quoted"\\', tags: [{ key: 'team ${x}', value: 'a\nb' }] },
      { name: 'bare', description: '', tags: [] },
    ];
    const text = renderTerraform(groups);
    assert.equal(
      text,
      [
        'resource "aws_iot_billing_group" "bare" {',
        '  name = "bare"',
        '}',
        '',
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
      ].join('\n'),
    );
    assert.equal(readHclString('"costs $${var.x} %%{ if true }\\"quoted\\"\\\\"'), groups[0].description);
  });
});
