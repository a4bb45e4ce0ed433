// The quick pick's one-line tag syntax: `key=value, key2=value2`, with `\,` `\=` `\\` escapes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { formatTagText, parseTagText } from '../../src/core/tagText';
import type { Tag } from '../../src/core/types';
import { anyChar, NUM_RUNS } from './arbitraries';

const tag = (key: string, value = ''): Tag => ({ key, value });

describe('parseTagText', () => {
  it('reads nothing from empty or blank text', () => {
    assert.deepEqual(parseTagText(''), { tags: [] });
    assert.deepEqual(parseTagText('   '), { tags: [] });
    assert.deepEqual(parseTagText(' , ,, '), { tags: [] });
  });
  it('reads key=value pairs separated by commas', () => {
    assert.deepEqual(parseTagText('env=prod'), { tags: [tag('env', 'prod')] });
    assert.deepEqual(parseTagText('env=prod,team=iot'), { tags: [tag('env', 'prod'), tag('team', 'iot')] });
  });
  it('trims spaces around keys and values but keeps inner ones', () => {
    assert.deepEqual(parseTagText('  env = prod ,   cost center =  R&D lab  '), {
      tags: [tag('env', 'prod'), tag('cost center', 'R&D lab')],
    });
    assert.deepEqual(parseTagText('\tenv=prod\u00a0'), { tags: [tag('env', 'prod')] });
  });
  it('ignores a trailing comma and empty entries', () => {
    assert.deepEqual(parseTagText('env=prod,'), { tags: [tag('env', 'prod')] });
    assert.deepEqual(parseTagText('env=prod, ,team=iot,,'), { tags: [tag('env', 'prod'), tag('team', 'iot')] });
  });
  it('takes a key alone, or a key with "=", as an empty value', () => {
    assert.deepEqual(parseTagText('flag'), { tags: [tag('flag', '')] });
    assert.deepEqual(parseTagText('flag='), { tags: [tag('flag', '')] });
    assert.deepEqual(parseTagText('a, b=1, c'), { tags: [tag('a'), tag('b', '1'), tag('c')] });
  });
  it('keeps an entry without a key so that validation can say the key is missing', () => {
    assert.deepEqual(parseTagText('=value'), { tags: [tag('', 'value')] });
    assert.deepEqual(parseTagText(' = '), { tags: [tag('', '')] });
  });
  it('splits an entry at its first "="', () => {
    assert.deepEqual(parseTagText('url=a=b=c'), { tags: [tag('url', 'a=b=c')] });
  });
  it('reads \\, \\= and \\\\ as the characters themselves', () => {
    assert.deepEqual(parseTagText('a\\=b=c'), { tags: [tag('a=b', 'c')] });
    assert.deepEqual(parseTagText('list=a\\,b\\,c'), { tags: [tag('list', 'a,b,c')] });
    assert.deepEqual(parseTagText('path=C:\\\\dir'), { tags: [tag('path', 'C:\\dir')] });
    assert.deepEqual(parseTagText('k\\,ey\\\\=v\\=w'), { tags: [tag('k,ey\\', 'v=w')] });
    assert.deepEqual(parseTagText('\\\\'), { tags: [tag('\\', '')] });
  });
  it('keeps whitespace that is written escaped', () => {
    assert.deepEqual(parseTagText('\\ k\\ =\\ v\\ '), { tags: [tag(' k ', ' v ')] });
    assert.deepEqual(parseTagText(' \\  k = v \\  '), { tags: [tag('  k', 'v  ')] });
  });
  it('reports a dangling backslash', () => {
    for (const text of ['\\', 'env=prod\\', 'a=1, b\\', 'a=\\\\\\']) {
      const parsed = parseTagText(text);
      assert.match(parsed.error ?? '', /backslash at the end/, text);
    }
    assert.equal(parseTagText('a=\\\\').error, undefined);
  });
  it('keeps duplicates, in order, for validation to report', () => {
    assert.deepEqual(parseTagText('env=a, env=b'), { tags: [tag('env', 'a'), tag('env', 'b')] });
  });
  it('reads Unicode, astral characters and hostile text as plain text', () => {
    assert.deepEqual(parseTagText('caf\u00e9=na\u00efve, \u4e2d=\u{1f600}, x=<b>&amp;</b>, y=command:evil'), {
      tags: [tag('caf\u00e9', 'na\u00efve'), tag('\u4e2d', '\u{1f600}'), tag('x', '<b>&amp;</b>'), tag('y', 'command:evil')],
    });
  });
});

describe('formatTagText', () => {
  it('writes key=value pairs joined by ", "', () => {
    assert.equal(formatTagText([]), '');
    assert.equal(formatTagText([tag('env', 'prod')]), 'env=prod');
    assert.equal(formatTagText([tag('env', 'prod'), tag('team', 'iot')]), 'env=prod, team=iot');
    assert.equal(formatTagText([tag('flag')]), 'flag=');
  });
  it('escapes "," "=" and "\\" in keys, and "," and "\\" in values', () => {
    assert.equal(formatTagText([tag('a=b', 'c')]), 'a\\=b=c');
    assert.equal(formatTagText([tag('a,b', 'c,d')]), 'a\\,b=c\\,d');
    assert.equal(formatTagText([tag('k', 'x=y')]), 'k=x=y');
    assert.equal(formatTagText([tag('back\\slash', 'C:\\dir')]), 'back\\\\slash=C:\\\\dir');
  });
  it('escapes whitespace at the ends of keys and values', () => {
    assert.equal(formatTagText([tag(' k', 'v ')]), '\\ k=v\\ ');
    assert.equal(formatTagText([tag('a b', ' ')]), 'a b=\\ ');
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/** Characters that stress the syntax: its own specials, whitespace of every kind, and anything. */
const syntaxChar = fc.oneof(
  { arbitrary: fc.constantFrom(',', '=', '\\', ' ', '\t', '\n', '\u00a0', '\u2028', '\u3000', '\ufeff', 'a', 'B', '7'), weight: 3 },
  { arbitrary: anyChar, weight: 2 },
);
const fieldText = fc.string({ unit: syntaxChar, maxLength: 12 });
const tagsOf = (field: fc.Arbitrary<string>) =>
  fc.array(fc.tuple(field, field).map(([key, value]): Tag => ({ key, value })), { maxLength: 8 });

const hasNoEdgeWhitespace = (s: string) => s.trim() === s;

describe('parseTagText and formatTagText (property-based)', () => {
  it('parse(format(tags)) gives back tags whose keys and values have no leading or trailing whitespace', () => {
    const field = fieldText.map((s) => s.trim());
    fc.assert(
      fc.property(tagsOf(field), (tags) => {
        assert.ok(tags.every((t) => hasNoEdgeWhitespace(t.key) && hasNoEdgeWhitespace(t.value)));
        assert.deepEqual(parseTagText(formatTagText(tags)), { tags });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('parse(format(tags)) gives back any tags, whitespace at the ends included', () => {
    fc.assert(
      fc.property(tagsOf(fieldText), (tags) => {
        assert.deepEqual(parseTagText(formatTagText(tags)), { tags });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('whatever was typed, formatting what was read and reading it again gives the same tags', () => {
    fc.assert(
      fc.property(fc.string({ unit: syntaxChar, maxLength: 40 }), (text) => {
        const parsed = parseTagText(text);
        if (parsed.error !== undefined) return;
        assert.deepEqual(parseTagText(formatTagText(parsed.tags)), { tags: parsed.tags });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('reports an error exactly when the text ends in an unescaped backslash', () => {
    fc.assert(
      fc.property(fc.string({ unit: syntaxChar, maxLength: 40 }), (text) => {
        const trailingBackslashes = /\\*$/.exec(text)![0].length;
        const parsed = parseTagText(text);
        assert.equal(parsed.error !== undefined, trailingBackslashes % 2 === 1, JSON.stringify(text));
        if (parsed.error !== undefined) assert.ok(parsed.error.length > 0);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
