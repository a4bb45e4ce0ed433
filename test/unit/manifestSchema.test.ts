// The generated JSON Schema agrees with the core validator. Two oracles:
//  - the schema's patterns compiled as VS Code's JSON language service compiles them (JavaScript
//    RegExp with the `u` flag) and its maxLength counted in code points, as that service counts;
//  - Ajv (an independent JSON Schema implementation, here a dependency of the dev tools) on whole
//    manifests: it accepts a manifest exactly when parseManifest finds no problem the schema claims.
// Where the schema cannot say something (UTF-16 lengths), the extension's own diagnostic must.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { DESCRIPTION_MAX, NAME_MAX, TAG_KEY_MAX, TAG_VALUE_MAX } from '../../src/core/limits';
import { parseManifest } from '../../src/core/manifest';
import { manifestSchema, manifestSchemaText, SCHEMA_PATTERNS } from '../../src/core/manifestSchema';
import { validateDescription, validateName, validateTagKey, validateTagValue } from '../../src/core/validation';
import { anyChar, edgeLength, NUM_RUNS, stringOfLength, unicodeString, withOneInserted } from './arbitraries';

const cpLength = (s: string) => Array.from(s).length;
const compile = (p: string) => new RegExp(p, 'u');

/** As vscode-json-languageservice checks a string: pattern (u flag), then lengths in code points. */
function schemaAccepts(s: string, rule: { pattern?: string; minLength?: number; maxLength?: number }): boolean {
  if (rule.pattern && !compile(rule.pattern).test(s)) return false;
  if (rule.minLength !== undefined && cpLength(s) < rule.minLength) return false;
  if (rule.maxLength !== undefined && cpLength(s) > rule.maxLength) return false;
  return true;
}

const nameChars = fc.constantFrom(...'abcXYZ019:_-');
const names = fc.oneof(stringOfLength(nameChars, edgeLength(NAME_MAX), 'a'), withOneInserted(fc.string({ unit: nameChars, maxLength: 10 }), anyChar), unicodeString(12));
const descriptions = fc.oneof(
  stringOfLength(fc.oneof(anyChar, fc.constantFrom('𝐀', '🙂')), edgeLength(DESCRIPTION_MAX), 'd'),
  withOneInserted(fc.string({ maxLength: 30 }), anyChar),
  unicodeString(40),
);
const tagKeys = fc.oneof(
  stringOfLength(fc.oneof(fc.constantFrom('k', ' ', '.', '@', '𝐀', 'é', '\u00a0', '٣'), anyChar), edgeLength(TAG_KEY_MAX), 'k'),
  fc.constantFrom('aws:x', 'AWS:x', 'aWs:', 'aws', 'awsx:', 'x aws:'),
  withOneInserted(fc.constantFrom('team', 'cost center'), anyChar),
  unicodeString(12),
);
const tagValues = fc.oneof(stringOfLength(fc.oneof(anyChar, fc.constant('𝐀')), edgeLength(TAG_VALUE_MAX), 'v'), unicodeString(20));

describe('manifest JSON Schema', () => {
  const schema = manifestSchema() as {
    properties: { groups: { propertyNames: Record<string, never>; additionalProperties: { properties: Record<string, Record<string, never>> } } };
  };
  const group = schema.properties.groups.additionalProperties.properties;
  const nameRule = schema.properties.groups.propertyNames;
  const tagKeyRule = (group.tags as unknown as { propertyNames: Record<string, never> }).propertyNames;
  const tagValueRule = (group.tags as unknown as { additionalProperties: Record<string, never> }).additionalProperties;

  it('every pattern is anchored and compiles as a JavaScript RegExp with the u flag', () => {
    for (const [what, p] of Object.entries(SCHEMA_PATTERNS)) {
      assert.ok(p.startsWith('^') && p.endsWith('$'), `${what} anchored`);
      assert.doesNotThrow(() => compile(p), what);
    }
    assert.equal(JSON.parse(manifestSchemaText()).$schema, 'http://json-schema.org/draft-07/schema#');
  });

  it('names: the schema accepts exactly what validateName accepts (property)', () => {
    fc.assert(
      fc.property(names, (s) => assert.equal(schemaAccepts(s, nameRule), validateName(s) === undefined, JSON.stringify(s))),
      { numRuns: NUM_RUNS },
    );
  });

  it('descriptions: agree, except lengths in UTF-16 units, which the extension reports itself (property)', () => {
    fc.assert(
      fc.property(descriptions, (s) => {
        const core = validateDescription(s) === undefined;
        const bySchema = schemaAccepts(s, group.description);
        if (cpLength(s) <= DESCRIPTION_MAX && s.length > DESCRIPTION_MAX && compile(group.description.pattern).test(s)) {
          assert.equal(bySchema, true);
          assert.equal(core, false);
          const doc = `{"groups": {"g": {"description": ${JSON.stringify(s)}}}}`;
          const own = parseManifest(doc).problems.filter((p) => !p.bySchema);
          assert.equal(own.length, 1, 'the extension says what the schema cannot');
          assert.match(own[0].message, /characters long; the limit is 2028/);
        } else assert.equal(bySchema, core, JSON.stringify(s));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('tag keys and values: agree, except UTF-16 lengths, which the extension reports (property)', () => {
    fc.assert(
      fc.property(tagKeys, tagValues, (key, value) => {
        const keyOk = validateTagKey(key) === undefined;
        if (cpLength(key) <= TAG_KEY_MAX && key.length > TAG_KEY_MAX && compile(tagKeyRule.pattern).test(key)) assert.equal(keyOk, false);
        else assert.equal(schemaAccepts(key, tagKeyRule), keyOk, JSON.stringify(key));
        const valueOk = validateTagValue(value) === undefined;
        if (cpLength(value) <= TAG_VALUE_MAX && value.length > TAG_VALUE_MAX) assert.equal(valueOk, false);
        else assert.equal(schemaAccepts(value, tagValueRule), valueOk, JSON.stringify(value));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('Ajv accepts a whole manifest exactly when parseManifest finds no problem the schema claims (property)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Ajv = require('ajv') as new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } };
    const validate = new Ajv({ strict: false, allErrors: true, unicodeRegExp: true }).compile(manifestSchema());
    // Mostly valid parts, so that whole manifests are accepted often enough to compare both ways.
    const mostly = <T, U>(valid: fc.Arbitrary<T>, any: fc.Arbitrary<U>) => fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: any, weight: 1 });
    const doc = fc.record(
      {
        account: mostly(fc.constant('123456789012'), fc.constantFrom('12345', 123456789012)),
        region: mostly(fc.constantFrom('eu-west-1', 'us-gov-east-1'), fc.constant('EU')),
        prune: mostly(fc.constant(false), fc.constantFrom(true, 'yes')),
        groups: fc.array(
          fc.tuple(
            mostly(fc.constantFrom('fleet', 'a:b', 'g-1', '__proto__'), names),
            fc.record(
              {
                description: mostly(fc.constantFrom('', 'plain', 'ünï 🙂'), fc.oneof(descriptions, fc.constant(7))),
                tags: fc.array(fc.tuple(mostly(fc.constantFrom('team', 'cost center', 'k@x'), tagKeys), mostly(fc.constant('v'), tagValues)), { maxLength: 3 }),
                things: fc.array(mostly(fc.constantFrom('t1', 't2', 'thing:3'), fc.oneof(names, fc.constant(1))), { maxLength: 3 }),
              },
              { requiredKeys: [] },
            ),
          ),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: ['groups'] },
    );
    const seen = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(doc, (d) => {
        // Built as text, so that keys such as "__proto__" stay keys; duplicate keys are left out
        // (VS Code's JSON support reports them itself, outside the schema).
        const uniq = <T>(rows: [string, T][]) => rows.filter(([k], i) => rows.findIndex(([o]) => o === k) === i);
        const obj = (rows: [string, string][]) => `{${rows.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(', ')}}`;
        const groups = uniq(d.groups).map(([n, g]): [string, string] => {
          const rows: [string, string][] = [];
          if (g.description !== undefined) rows.push(['description', JSON.stringify(g.description)]);
          if (g.tags !== undefined) rows.push(['tags', obj(uniq(g.tags).map(([k, v]) => [k, JSON.stringify(v)]))]);
          if (g.things !== undefined) rows.push(['things', JSON.stringify(g.things)]);
          return [n, obj(rows)];
        });
        const top: [string, string][] = [];
        for (const k of ['account', 'region', 'prune'] as const) if (d[k] !== undefined) top.push([k, JSON.stringify(d[k])]);
        top.push(['groups', obj(groups)]);
        const text = obj(top);
        const parsed = parseManifest(text);
        const schemaProblems = parsed.problems.filter((p) => p.bySchema);
        const ok = validate(JSON.parse(text));
        seen[ok ? 'accepted' : 'rejected']++;
        assert.equal(ok, schemaProblems.length === 0, `${text}\n${JSON.stringify(schemaProblems)}\n${JSON.stringify(validate.errors)}`);
      }),
      { numRuns: Math.min(NUM_RUNS, 500) },
    );
    assert.ok(seen.accepted >= 10 && seen.rejected >= 10, `both outcomes exercised: ${JSON.stringify(seen)}`);
  });
});
