// Validation of what a person types, checked two ways:
//  - examples that pin the rules and the wording of the messages;
//  - property-based tests whose oracle is an independent encoding of the AWS IoT API model
//    (iot/2015-05-28), written here from /work/shared/reference/billing-group-api.md and not from
//    src/core/limits.ts: whatever a validator accepts satisfies the model, whatever it rejects breaks
//    it and gets a message saying how. The emulator validates nothing, so it cannot be the oracle.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import {
  describeChar,
  hasProblems,
  validateDescription,
  validateInput,
  validateName,
  validateNamePrefix,
  validateTagKey,
  validateTags,
  validateTagValue,
  type TagProblem,
} from '../../src/core/validation';
import type { Tag } from '../../src/core/types';
import {
  anyChar,
  codePoints,
  controlChar,
  edgeLength,
  loneSurrogate,
  NUM_RUNS,
  stringOfLength,
  unicodeString,
  uPlus,
  withOneInserted,
  withOneReplaced,
} from './arbitraries';

// ---------------------------------------------------------------------------------------------
// The oracle: the API model's own patterns and lengths. Lengths are UTF-16 code units (.length),
// as Java and AWS count; the character classes are read per code point (a lone surrogate is one).
// ---------------------------------------------------------------------------------------------

const MODEL = { nameMax: 128, descriptionMax: 2028, tagsMax: 50, tagKeyMax: 128, tagValueMax: 256 } as const;

/** Name (and namePrefixFilter, thing name): the model's pattern verbatim. */
const NAME_MODEL = /^[a-zA-Z0-9:_-]{1,128}$/;
const NAME_MODEL_CHAR = /^[a-zA-Z0-9:_-]$/;

/**
 * Description: `[\p{Graph}\x20]*`, \p{Graph} as UTS #18 defines it:
 * [^\p{White_Space}\p{gc=Cc}\p{gc=Cs}\p{gc=Cn}]. Written with the `v` flag's set operations so
 * that it shares no text with the validator's pattern.
 */
const GRAPH_OR_SPACE = new RegExp(String.raw`^[[\P{White_Space}&&\P{Cc}&&\P{Cs}&&\P{Cn}]\x20]*$`, 'v');
/** The same set spelled as the general categories that remain: L M N P S Cf Co, minus White_Space. */
const GRAPH_BY_CATEGORY = new RegExp(String.raw`^[[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Cf}\p{Co}]--\p{White_Space}]$`, 'v');

/** Tag key characters `[\p{L}\p{Z}\p{N}_.:/=+\-@]`. */
const TAG_KEY_MODEL_CHARS = new RegExp(String.raw`^[\p{L}\p{Z}\p{N}_.:\/=+\-@]*$`, 'v');
/** `aws:` in any ASCII case (JavaScript's /i without /u folds ASCII only). */
const RESERVED_MODEL = /^aws:/i;

const nameOk = (s: string) => NAME_MODEL.test(s);
const descriptionOk = (s: string) => s.length <= MODEL.descriptionMax && GRAPH_OR_SPACE.test(s);
const tagKeyOk = (s: string) =>
  s.length >= 1 && s.length <= MODEL.tagKeyMax && TAG_KEY_MODEL_CHARS.test(s) && !RESERVED_MODEL.test(s);
const tagValueOk = (s: string) => s.length <= MODEL.tagValueMax;

/** How a string breaks the model: each entry is one rule it breaks. */
type Violation =
  | { rule: 'required' }
  | { rule: 'length'; length: number; max: number }
  | { rule: 'char'; ch: string }
  | { rule: 'reserved' };

function lengthViolations(s: string, min: number, max: number): Violation[] {
  if (s.length < min) return [{ rule: 'required' }];
  if (s.length > max) return [{ rule: 'length', length: s.length, max }];
  return [];
}

function charViolations(s: string, allowed: (ch: string) => boolean): Violation[] {
  const bad = codePoints(s).find((ch) => !allowed(ch));
  return bad === undefined ? [] : [{ rule: 'char', ch: bad }];
}

const nameViolations = (s: string): Violation[] => [
  ...lengthViolations(s, 1, MODEL.nameMax),
  ...charViolations(s, (ch) => NAME_MODEL_CHAR.test(ch)),
];
const descriptionViolations = (s: string): Violation[] => [
  ...lengthViolations(s, 0, MODEL.descriptionMax),
  ...charViolations(s, (ch) => GRAPH_OR_SPACE.test(ch)),
];
const tagKeyViolations = (s: string): Violation[] => [
  ...lengthViolations(s, 1, MODEL.tagKeyMax),
  ...(RESERVED_MODEL.test(s) ? [{ rule: 'reserved' } as const] : []),
  ...charViolations(s, (ch) => TAG_KEY_MODEL_CHARS.test(ch)),
];
const tagValueViolations = (s: string): Violation[] => lengthViolations(s, 0, MODEL.tagValueMax);

/** Does the message say how the input breaks at least one of the rules it breaks? */
function saysHow(message: string, violations: readonly Violation[]): boolean {
  return violations.some((v) => {
    switch (v.rule) {
      case 'required':
        return /required/i.test(message);
      case 'length':
        return message.includes(String(v.length)) && message.includes(String(v.max));
      case 'char':
        return message.includes(uPlus(v.ch));
      case 'reserved':
        return message.includes('aws:') && /reserved/i.test(message);
    }
  });
}

/** Characters that must never reach a message raw: controls, format/bidi marks, line and paragraph separators, surrogates, unassigned. */
const UNSAFE_IN_MESSAGE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Cn}]/u;

/**
 * The property every validator must have: it accepts exactly what the oracle accepts, and each
 * rejection comes with a message that names a rule the input breaks and carries no raw control,
 * bidi or separator character. Also checks that the arbitrary produced both outcomes often enough
 * for the test to mean something.
 */
function checkAgainstModel(
  arb: fc.Arbitrary<string>,
  validate: (s: string) => string | undefined,
  oracle: (s: string) => boolean,
  violations: (s: string) => Violation[],
): void {
  let accepted = 0;
  let rejected = 0;
  fc.assert(
    fc.property(arb, (s) => {
      // The oracle's two readings agree (a check on the test itself).
      assert.equal(oracle(s), violations(s).length === 0, `oracle disagrees with itself on ${JSON.stringify(s)}`);
      const message = validate(s);
      if (oracle(s)) {
        accepted++;
        assert.equal(message, undefined, `model accepts ${JSON.stringify(s)} (length ${s.length}), validator said: ${message}`);
      } else {
        rejected++;
        assert.equal(typeof message, 'string', `model rejects ${JSON.stringify(s)} (length ${s.length}), validator accepted`);
        assert.ok(message!.trim().length > 0, 'empty message');
        assert.ok(saysHow(message!, violations(s)), `message ${JSON.stringify(message)} does not say how ${JSON.stringify(s)} breaks ${JSON.stringify(violations(s))}`);
        assert.ok(!UNSAFE_IN_MESSAGE.test(message!), `message carries a raw unsafe character: ${JSON.stringify(message)}`);
      }
    }),
    { numRuns: NUM_RUNS },
  );
  const total = accepted + rejected;
  assert.ok(accepted >= total * 0.05, `only ${accepted} of ${total} generated inputs were valid`);
  assert.ok(rejected >= total * 0.05, `only ${rejected} of ${total} generated inputs were invalid`);
}

// ---------------------------------------------------------------------------------------------
// Arbitraries, per field: the field's own alphabet at edge lengths, the same with one foreign
// character inserted or substituted, and arbitrary full-Unicode strings.
// ---------------------------------------------------------------------------------------------

const NAME_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:_-';
const nameChar = fc.constantFrom(...NAME_ALPHABET);
const nameLike = stringOfLength(nameChar, edgeLength(MODEL.nameMax), 'n');

/** Characters a description may hold, the awkward ones included (space, bidi marks, BOM, private use, astral). */
const descriptionChar = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
  fc.constantFrom(' ', '\u200f', '\u202e', '\u2066', '\u200b', '\u200d', '\ufeff', '\u00ad', '\ue000', '\u{f0000}', '\u{1f600}', '\u{e0041}', '<', '&', '"', '\\'),
);
const descriptionLike = stringOfLength(descriptionChar, edgeLength(MODEL.descriptionMax), 'd');

/** Characters of the tag key class, from ASCII to astral letters, separators and other numerals. */
const tagKeyChar = fc.oneof(
  fc.constantFrom(...'abcXYZ019_.:/=+-@ ', '\u00a0', '\u2028', '\u2029', '\u3000', '\u1680', '\u00e9', '\u4e2d', '\u0627', '\u0663', '\u216b', '\u00bd', '\u{1d400}', '\u{20000}', '\u017f', '\u212a'),
  fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 1 }).filter((c) => /^[\p{L}\p{N}]$/u.test(c)),
);
const tagKeyLike = stringOfLength(tagKeyChar, edgeLength(MODEL.tagKeyMax), 'k');
/** Keys that start at the reserved prefix or near it. */
const prefixedKey = fc
  .tuple(
    fc.constantFrom('aws:', 'AWS:', 'Aws:', 'aWs:', 'awS:', 'aws', 'aws-', 'aws :', ' aws:', 'aws=', 'awsx:', 'aw:', '\u0430ws:', '\uff41\uff57\uff53:'),
    stringOfLength(tagKeyChar, edgeLength(MODEL.tagKeyMax - 4), 'k'),
  )
  .map(([p, rest]) => p + rest);

const tagValueLike = stringOfLength(fc.oneof(anyChar, descriptionChar), edgeLength(MODEL.tagValueMax), 'v');

const badForEveryone = fc.oneof(controlChar, loneSurrogate, fc.constantFrom('\t', '\n', '\r', '\u0085', '\u2028', '\u00a0', '\u200f', '\u202e', '\u{1f600}', '\u0378'));

function fieldArbitrary(like: fc.Arbitrary<string>, maxRandom: number): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: like, weight: 4 },
    { arbitrary: withOneInserted(like, anyChar), weight: 3 },
    { arbitrary: withOneReplaced(like, anyChar), weight: 2 },
    { arbitrary: withOneInserted(like, badForEveryone), weight: 1 },
    { arbitrary: unicodeString(maxRandom), weight: 2 },
  );
}

// ---------------------------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------------------------

describe('describeChar', () => {
  it('shows visible characters quoted with their code point', () => {
    assert.equal(describeChar('#'), '"#" (U+0023)');
    assert.equal(describeChar('\u00e9'), '"\u00e9" (U+00E9)');
  });
  it('names line breaks and tabs', () => {
    assert.equal(describeChar('\n'), 'a line break (U+000A)');
    assert.equal(describeChar('\t'), 'a tab (U+0009)');
  });
  it('shows controls, bidi marks, separators and surrogates only as U+XXXX', () => {
    for (const [ch, hex] of [
      ['\u0000', 'U+0000'],
      ['\u001b', 'U+001B'],
      ['\u007f', 'U+007F'],
      ['\u0085', 'U+0085'],
      ['\u200f', 'U+200F'],
      ['\u202e', 'U+202E'],
      ['\u2028', 'U+2028'],
      ['\u00a0', 'U+00A0'],
      [' ', 'U+0020'],
      ['\ufeff', 'U+FEFF'],
      ['\ud800', 'U+D800'],
      ['\u0378', 'U+0378'],
    ]) {
      assert.equal(describeChar(ch), hex);
    }
  });
  it('gives the code point of an astral character, not of its surrogates', () => {
    assert.equal(describeChar('\u{1f600}'), '"\u{1f600}" (U+1F600)');
  });
});

describe('validateName', () => {
  it('accepts the model\u2019s alphabet from 1 to 128 characters', () => {
    for (const ok of ['a', 'Z', '0', ':', '_', '-', 'my-group_1:prod', 'a'.repeat(128), NAME_ALPHABET]) assert.equal(validateName(ok), undefined, ok);
  });
  it('requires a name', () => {
    assert.match(validateName('') ?? '', /required/);
  });
  it('gives the length and the limit when too long', () => {
    const m = validateName('a'.repeat(129));
    assert.ok(m?.includes('129') && m.includes('128'), m);
  });
  it('names the first character outside the alphabet', () => {
    assert.match(validateName('has space') ?? '', /U\+0020 is not allowed/);
    assert.match(validateName('caf\u00e9') ?? '', /"\u00e9" \(U\+00E9\) is not allowed/);
    assert.match(validateName('a.b/c') ?? '', /"\." \(U\+002E\)/);
    assert.match(validateName('a\u0000b') ?? '', /U\+0000 is not allowed/);
    assert.match(validateName('line\nbreak') ?? '', /a line break \(U\+000A\)/);
    assert.match(validateName('tab\tbed') ?? '', /a tab \(U\+0009\)/);
    assert.match(validateName('abc\u202eevil') ?? '', /U\+202E is not allowed/);
    assert.match(validateName('smile\u{1f600}') ?? '', /U\+1F600/);
    assert.match(validateName('lone\ud800') ?? '', /U\+D800/);
  });
  it('never repeats a control or bidi character raw in its message', () => {
    for (const bad of ['\u0000', '\u001b', '\u202e', '\u200f', '\u2028', '\u00a0']) {
      const m = validateName(`x${bad}y`) ?? '';
      assert.ok(!m.includes(bad), JSON.stringify(m));
    }
  });
  it('does not take a trailing newline as the end of the name', () => {
    assert.notEqual(validateName('name\n'), undefined);
  });
  it('validateNamePrefix follows the name rules and says "Filter"', () => {
    assert.equal(validateNamePrefix('prod-'), undefined);
    assert.match(validateNamePrefix('') ?? '', /^Filter is required/);
    assert.match(validateNamePrefix('a b') ?? '', /^Filter may contain only/);
  });
  it('uses the given field name', () => {
    assert.match(validateName('', 'Thing name') ?? '', /^Thing name is required/);
  });
});

describe('validateDescription', () => {
  it('accepts empty, spaces, printable Unicode and exactly 2028 units', () => {
    for (const ok of ['', ' ', '   ', 'A billing group for <b>devices</b> & "things"', '\u4e2d\u6587 \u0627\u0644\u0639\u0631\u0628\u064a\u0629', 'e\u0301', '\u{1f600}\u{1f468}\u200d\u{1f469}', 'x'.repeat(2028)]) {
      assert.equal(validateDescription(ok), undefined, JSON.stringify(ok));
    }
  });
  it('reads \\p{Graph} as UTS #18 does: format characters, bidi marks and private use are printable', () => {
    for (const ok of ['\u200f', '\u202e', '\u2066', '\u200b', '\u200d', '\ufeff', '\u00ad', '\ue000', '\u{f0000}', '\u{e0041}'])
      assert.equal(validateDescription(`a${ok}b`), undefined, uPlus(ok));
  });
  it('rejects whitespace other than the space, controls, surrogates and unassigned code points, naming them', () => {
    const cases: [string, RegExp][] = [
      ['line\nbreak', /a line break \(U\+000A\) is not allowed/],
      ['tab\there', /a tab \(U\+0009\) is not allowed/],
      ['cr\rhere', /U\+000D is not allowed/],
      ['nbsp\u00a0here', /U\+00A0 is not allowed/],
      ['ls\u2028here', /U\+2028 is not allowed/],
      ['ps\u2029here', /U\+2029 is not allowed/],
      ['ideo\u3000space', /U\+3000 is not allowed/],
      ['nel\u0085here', /U\+0085 is not allowed/],
      ['nul\u0000here', /U\+0000 is not allowed/],
      ['esc\u001b[31m', /U\+001B is not allowed/],
      ['del\u007f', /U\+007F is not allowed/],
      ['lone\ud83d', /U\+D83D is not allowed/],
      ['lone\ude00low', /U\+DE00 is not allowed/],
      ['unassigned\u0378', /U\+0378 is not allowed/],
      ['nonchar\uffff', /U\+FFFF is not allowed/],
    ];
    for (const [bad, expected] of cases) assert.match(validateDescription(bad) ?? '', expected, JSON.stringify(bad));
  });
  it('counts length in UTF-16 code units', () => {
    assert.equal(validateDescription(`${'a'.repeat(2026)}\u{1f600}`), undefined); // 2028 units
    const m = validateDescription(`${'a'.repeat(2027)}\u{1f600}`); // 2029 units, 2028 code points
    assert.ok(m?.includes('2029') && m.includes('2028'), m);
  });
  it('gives the length and the limit when too long', () => {
    const m = validateDescription('x'.repeat(2029));
    assert.ok(m?.includes('2029') && m.includes('2028'), m);
  });
});

describe('validateTagKey', () => {
  it('accepts letters, digits, separators and _ . : / = + - @ from 1 to 128 units', () => {
    for (const ok of ['Env', 'cost center', 'a_b.c:d/e=f+g-h@i', '0', 'k'.repeat(128), '\u00fcn\u00efc\u00f6d\u00e9', '\u4e2d\u6587', '\u0663\u216b\u00bd', 'no\u00a0break', 'line\u2028sep', 'aws', 'aws-x', 'x:aws:', ' aws:', '\u{1d400}'.repeat(64)])
      assert.equal(validateTagKey(ok), undefined, JSON.stringify(ok));
  });
  it('requires a key', () => {
    assert.match(validateTagKey('') ?? '', /required/);
  });
  it('gives the length and the limit when too long, counting code units', () => {
    const m = validateTagKey('k'.repeat(129));
    assert.ok(m?.includes('129') && m.includes('128'), m);
    const astral = validateTagKey('\u{1d400}'.repeat(65)); // 65 letters, 130 units
    assert.ok(astral?.includes('130') && astral.includes('128'), astral);
  });
  it('reserves aws: in any case', () => {
    for (const bad of ['aws:', 'aws:cost', 'AWS:cost', 'Aws:x', 'aWs:x', 'awS:x', 'AwS:'])
      assert.match(validateTagKey(bad) ?? '', /prefix "aws:", which is reserved/, bad);
  });
  it('names the first character outside the class', () => {
    const cases: [string, RegExp][] = [
      ['a#b', /"#" \(U\+0023\) is not allowed/],
      ['tab\tkey', /a tab \(U\+0009\) is not allowed/],
      ['new\nline', /a line break \(U\+000A\) is not allowed/],
      ['rtl\u200f', /U\+200F is not allowed/],
      ['rlo\u202e', /U\+202E is not allowed/],
      ['smile\u{1f600}', /U\+1F600/],
      ['e\u0301', /U\+0301/], // a combining mark is \p{M}, not \p{L}
      ['comma,', /U\+002C/],
      ['lone\udc00', /U\+DC00/],
    ];
    for (const [bad, expected] of cases) assert.match(validateTagKey(bad) ?? '', expected, JSON.stringify(bad));
  });
});

describe('validateTagValue', () => {
  it('accepts 0 to 256 units of anything', () => {
    for (const ok of ['', 'x', 'v'.repeat(256), 'a,b=c\\d', 'line\nbreak\u202e\u0000', `${'v'.repeat(254)}\u{1f600}`])
      assert.equal(validateTagValue(ok), undefined, JSON.stringify(ok));
  });
  it('gives the length and the limit when too long', () => {
    const m = validateTagValue('v'.repeat(257));
    assert.ok(m?.includes('257') && m.includes('256'), m);
    const astral = validateTagValue(`${'v'.repeat(255)}\u{1f600}`);
    assert.ok(astral?.includes('257'), astral);
  });
});

describe('validateTags', () => {
  const tags = (n: number, key = (i: number) => `key${i}`): Tag[] => Array.from({ length: n }, (_, i) => ({ key: key(i), value: `v${i}` }));

  it('accepts none, one and exactly 50', () => {
    assert.deepEqual(validateTags([]), []);
    assert.deepEqual(validateTags([{ key: 'env', value: '' }]), []);
    assert.deepEqual(validateTags(tags(50)), []);
  });
  it('rejects 51 with a list problem giving the count and the limit', () => {
    const problems = validateTags(tags(51));
    assert.equal(problems.length, 1);
    assert.equal(problems[0].field, 'list');
    assert.ok(problems[0].message.includes('51') && problems[0].message.includes('50'), problems[0].message);
  });
  it('reports a duplicate key at its second occurrence', () => {
    const problems = validateTags([
      { key: 'env', value: 'a' },
      { key: 'team', value: 'b' },
      { key: 'env', value: 'c' },
    ]);
    assert.equal(problems.length, 1);
    assert.deepEqual({ index: problems[0].index, field: problems[0].field }, { index: 2, field: 'key' });
    assert.match(problems[0].message, /"env" appears more than once/);
  });
  it('treats keys as case-sensitive', () => {
    assert.deepEqual(validateTags([{ key: 'Env', value: '' }, { key: 'env', value: '' }, { key: 'ENV', value: '' }]), []);
  });
  it('reports bad keys and values at their index', () => {
    const problems = validateTags([
      { key: 'ok', value: 'fine' },
      { key: 'AWS:cost', value: 'x' },
      { key: 'big', value: 'v'.repeat(257) },
      { key: '', value: '' },
    ]);
    const at = problems.map((p) => `${p.index}:${p.field}`);
    assert.deepEqual(at, ['1:key', '2:value', '3:key']);
    assert.match(problems[0].message, /reserved/);
    assert.match(problems[1].message, /^big: .*257.*256/);
    assert.match(problems[2].message, /required/);
  });
  it('does not repeat a bad key as a duplicate', () => {
    const problems = validateTags([{ key: 'aws:x', value: '' }, { key: 'aws:x', value: '' }]);
    assert.deepEqual(problems.map((p) => `${p.index}:${p.field}`), ['0:key', '1:key']);
    assert.ok(problems.every((p) => /reserved/.test(p.message)));
  });
  it('keeps hostile keys out of its messages raw', () => {
    const problems = validateTags([{ key: 'evil\u202e\nkey', value: 'v'.repeat(300) }]);
    assert.equal(problems.length, 2);
    for (const p of problems) assert.ok(!UNSAFE_IN_MESSAGE.test(p.message), JSON.stringify(p.message));
  });
});

describe('validateInput / hasProblems', () => {
  it('collects every field and says whether anything is wrong', () => {
    const good = validateInput({ name: 'g1', description: 'fleet', tags: [{ key: 'env', value: 'prod' }] });
    assert.deepEqual(good, { name: undefined, description: undefined, tags: [] });
    assert.equal(hasProblems(good), false);
    const bad = validateInput({ name: 'bad name', description: 'tab\t', tags: [{ key: 'aws:x', value: '' }] });
    assert.match(bad.name ?? '', /U\+0020/);
    assert.match(bad.description ?? '', /U\+0009/);
    assert.equal(bad.tags.length, 1);
    assert.equal(hasProblems(bad), true);
    assert.equal(hasProblems({ tags: [{ index: 0, field: 'list', message: 'x' }] }), true);
    assert.equal(hasProblems({ name: 'x', tags: [] }), true);
    assert.equal(hasProblems({ description: 'x', tags: [] }), true);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties: the validators against the model
// ---------------------------------------------------------------------------------------------

describe('validators against the API model (property-based)', () => {
  it('validateName accepts exactly ^[a-zA-Z0-9:_-]{1,128}$', () => {
    checkAgainstModel(fieldArbitrary(nameLike, 140), validateName, nameOk, nameViolations);
  });

  it('validateNamePrefix accepts exactly the name pattern', () => {
    checkAgainstModel(fieldArbitrary(nameLike, 140), validateNamePrefix, nameOk, nameViolations);
  });

  it('validateDescription accepts exactly [\\p{Graph}\\x20]{0,2028}', () => {
    checkAgainstModel(fieldArbitrary(descriptionLike, 60), validateDescription, descriptionOk, descriptionViolations);
  });

  it('validateTagKey accepts exactly 1\u2013128 of [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@] not starting with aws:', () => {
    const arb = fc.oneof(fieldArbitrary(tagKeyLike, 140), prefixedKey, withOneInserted(prefixedKey, anyChar));
    checkAgainstModel(arb, validateTagKey, tagKeyOk, tagKeyViolations);
  });

  it('validateTagValue accepts exactly 0\u2013256 units', () => {
    checkAgainstModel(fieldArbitrary(tagValueLike, 300), validateTagValue, tagValueOk, tagValueViolations);
  });
});

describe('validators against the model, every code point (exhaustive)', () => {
  // One code point at a time, all 0x110000 of them (lone surrogates included): the character
  // classes agree with the model's everywhere, not only where the arbitraries happen to look.
  it('a one-character name, description or tag key is accepted exactly when the model allows it', () => {
    const mismatches: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      const ch = String.fromCodePoint(cp);
      if (GRAPH_OR_SPACE.test(ch) !== (GRAPH_BY_CATEGORY.test(ch) || ch === ' ')) mismatches.push(`oracle encodings ${uPlus(ch)}`);
      if ((validateName(ch) === undefined) !== nameOk(ch)) mismatches.push(`name ${uPlus(ch)}`);
      if ((validateDescription(ch) === undefined) !== descriptionOk(ch)) mismatches.push(`description ${uPlus(ch)}`);
      if ((validateTagKey(ch) === undefined) !== tagKeyOk(ch)) mismatches.push(`tag key ${uPlus(ch)}`);
      if (mismatches.length > 20) break;
    }
    assert.deepEqual(mismatches, []);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: a whole tag list against the model
// ---------------------------------------------------------------------------------------------

interface ListVerdict {
  valid: boolean;
  /** `${index}:${field}` that must be reported. */
  required: Set<string>;
  /** `${index}:${field}` that may be reported. */
  allowed: Set<string>;
}

function listModel(tags: readonly Tag[]): ListVerdict {
  const required = new Set<string>();
  const seen = new Set<string>();
  tags.forEach((t, i) => {
    const keyOk = tagKeyOk(t.key);
    if (!keyOk) required.add(`${i}:key`);
    if (!tagValueOk(t.value)) required.add(`${i}:value`);
    if (keyOk && seen.has(t.key)) required.add(`${i}:key`); // keys are case-sensitive
    seen.add(t.key);
  });
  const tooMany = tags.length > MODEL.tagsMax;
  const allowed = new Set(required);
  if (tooMany) allowed.add('list');
  return { valid: required.size === 0 && !tooMany, required, allowed };
}

const keyPool = fc.constantFrom('env', 'Env', 'ENV', 'team', 'cost center', 'aws:x', 'AWS:cost', '', ' ', 'k'.repeat(128), 'k'.repeat(129), 'bad\nkey', 'k#', '\u202eevil');
const listKey = fc.oneof(keyPool, fc.nat(80).map((i) => `k${i}`), fieldArbitrary(tagKeyLike, 20), prefixedKey);
const listValue = fc.oneof(fc.constantFrom('', 'x', 'v'.repeat(256), 'v'.repeat(257)), fieldArbitrary(tagValueLike, 20));
const listTag: fc.Arbitrary<Tag> = fc.tuple(listKey, listValue).map(([key, value]) => ({ key, value }));
const distinctValidTags = (n: number): fc.Arbitrary<Tag[]> =>
  fc
    .uniqueArray(stringOfLength(tagKeyChar, fc.integer({ min: 1, max: 20 }), 'k'), { minLength: n, maxLength: n })
    .map((keys) => keys.filter((k) => !RESERVED_MODEL.test(k)).map((key, i) => ({ key, value: `v${i}` })));
const tagList: fc.Arbitrary<Tag[]> = fc.oneof(
  edgeLength(MODEL.tagsMax).chain((n) => fc.array(listTag, { minLength: n, maxLength: n })),
  fc.constantFrom(0, 1, 49, 50, 51).chain(distinctValidTags),
  fc
    .tuple(fc.constantFrom(1, 2, 49, 50, 51).chain(distinctValidTags), listTag, fc.nat())
    .map(([list, tag, at]) => {
      const copy = [...list];
      copy.splice(at % (copy.length + 1), 1, tag);
      return copy;
    }),
  fc
    .tuple(fc.constantFrom(1, 2, 49, 50).chain(distinctValidTags), fc.nat(), fc.nat())
    .map(([list, from, to]) => {
      const copy = [...list];
      copy.splice(to % (copy.length + 1), 0, { ...copy[from % copy.length], value: 'dup' });
      return copy;
    }),
);

describe('validateTags against the model (property-based)', () => {
  it('reports nothing exactly for model-valid lists, and then exactly the offending entries', () => {
    let valid = 0;
    let invalid = 0;
    fc.assert(
      fc.property(tagList, (tags) => {
        const verdict = listModel(tags);
        const problems: TagProblem[] = validateTags(tags);
        if (verdict.valid) {
          valid++;
          assert.deepEqual(problems, []);
          return;
        }
        invalid++;
        assert.ok(problems.length > 0, 'invalid list without a problem');
        const reported = new Set(problems.map((p) => (p.field === 'list' ? 'list' : `${p.index}:${p.field}`)));
        for (const r of verdict.required) assert.ok(reported.has(r), `${r} not reported for ${JSON.stringify(tags)}`);
        if (tags.length > MODEL.tagsMax) assert.ok(reported.has('list'), 'too many tags not reported');
        for (const p of problems) {
          const id = p.field === 'list' ? 'list' : `${p.index}:${p.field}`;
          assert.ok(verdict.allowed.has(id), `${id} reported but the model finds nothing wrong there: ${p.message}`);
          assert.ok(p.message.trim().length > 0, 'empty message');
          assert.ok(!UNSAFE_IN_MESSAGE.test(p.message), `message carries a raw unsafe character: ${JSON.stringify(p.message)}`);
        }
      }),
      { numRuns: NUM_RUNS },
    );
    const total = valid + invalid;
    assert.ok(valid >= total * 0.05 && invalid >= total * 0.05, `valid ${valid}, invalid ${invalid}`);
  });
});
