// Comparing a requested configuration with an existing one (idempotent create or conflict), saying
// what differs, and planning the tag calls that turn one tag set into another.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { compareConfiguration, describeDifferences, planTagChanges, type Difference } from '../../src/core/configuration';
import type { Tag } from '../../src/core/types';
import { anyChar, NUM_RUNS } from './arbitraries';

const tag = (key: string, value = ''): Tag => ({ key, value });
const asMap = (tags: readonly Tag[]) => new Map(tags.map((t) => [t.key, t.value]));
const sortDiffs = (d: Difference[]) => [...d].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('compareConfiguration', () => {
  it('finds nothing when description and tags match, whatever the tag order', () => {
    assert.deepEqual(
      compareConfiguration({ description: 'd', tags: [tag('a', '1'), tag('b', '2')] }, { description: 'd', tags: [tag('b', '2'), tag('a', '1')] }),
      [],
    );
    assert.deepEqual(compareConfiguration({ description: '', tags: [] }, { description: '', tags: [] }), []);
  });
  it('reports a different description', () => {
    assert.deepEqual(compareConfiguration({ description: 'old', tags: [] }, { description: 'new', tags: [] }), [
      { kind: 'description', existing: 'old', requested: 'new' },
    ]);
    assert.deepEqual(compareConfiguration({ description: '', tags: [] }, { description: 'new', tags: [] }), [
      { kind: 'description', existing: '', requested: 'new' },
    ]);
  });
  it('treats a missing description as empty', () => {
    const existing = { description: undefined as unknown as string };
    assert.deepEqual(compareConfiguration(existing, { description: '', tags: [] }), []);
  });
  it('does not compare tags when the service could not say what they are', () => {
    assert.deepEqual(compareConfiguration({ description: 'd' }, { description: 'd', tags: [tag('env', 'prod')] }), []);
  });
  it('reports tags added, removed and changed', () => {
    const diffs = compareConfiguration(
      { description: 'd', tags: [tag('keep', 'same'), tag('change', 'old'), tag('gone', 'x')] },
      { description: 'd', tags: [tag('keep', 'same'), tag('change', 'new'), tag('extra', 'y')] },
    );
    assert.deepEqual(sortDiffs(diffs), sortDiffs([
      { kind: 'tagChanged', key: 'change', existing: 'old', requested: 'new' },
      { kind: 'tagAdded', key: 'extra', requested: 'y' },
      { kind: 'tagRemoved', key: 'gone', existing: 'x' },
    ]));
  });
  it('compares keys case-sensitively and tells an empty value from a missing tag', () => {
    assert.deepEqual(sortDiffs(compareConfiguration({ description: '', tags: [tag('Env', 'a')] }, { description: '', tags: [tag('env', 'a')] })), sortDiffs([
      { kind: 'tagAdded', key: 'env', requested: 'a' },
      { kind: 'tagRemoved', key: 'Env', existing: 'a' },
    ]));
    assert.deepEqual(compareConfiguration({ description: '', tags: [tag('k', '')] }, { description: '', tags: [] }), [
      { kind: 'tagRemoved', key: 'k', existing: '' },
    ]);
  });
});

describe('describeDifferences', () => {
  it('says nothing for no differences', () => {
    assert.equal(describeDifferences([]), '');
  });
  it('gives one sentence per difference, joined by "; "', () => {
    assert.equal(
      describeDifferences([
        { kind: 'description', existing: 'old', requested: 'new' },
        { kind: 'tagAdded', key: 'env', requested: 'prod' },
        { kind: 'tagRemoved', key: 'team', existing: 'iot' },
        { kind: 'tagChanged', key: 'cost', existing: '1', requested: '2' },
      ]),
      'description is "old", not "new"; tag "env" is not set; it has tag "team"="iot"; tag "cost" is "1", not "2"',
    );
  });
  it('cuts long values to 60 characters', () => {
    const text = describeDifferences([{ kind: 'description', existing: 'x'.repeat(2028), requested: '' }]);
    assert.equal(text, `description is "${'x'.repeat(60)}\u2026", not ""`);
  });
  it('never cuts an astral character in half', () => {
    const text = describeDifferences([{ kind: 'description', existing: 'a' + '\u{1f600}'.repeat(100), requested: '' }]);
    assert.ok(!/[\ud800-\udfff]/u.test(text) && !/\\ud[89a-f]/i.test(text), text);
    assert.ok(text.includes('\u{1f600}'.repeat(59) + '\u2026'), text);
  });
  it('escapes quotes, backslashes, controls, bidi marks and line separators so that hostile values stay inert', () => {
    const text = describeDifferences([
      { kind: 'description', existing: 'say "hi"\\', requested: 'line\nbreak\u0000\u007f\u0085' },
      { kind: 'tagChanged', key: 'k\u202e', existing: 'a\u2028b\u2029c', requested: '\u200f\u2066x\ufeff' },
    ]);
    assert.ok(!/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u.test(text), JSON.stringify(text));
    assert.equal(
      text,
      'description is "say \\"hi\\"\\\\", not "line\\nbreak\\u0000\\u007f\\u0085"; ' +
        'tag "k\\u202e" is "a\\u2028b\\u2029c", not "\\u200f\\u2066x\\ufeff"',
    );
  });
  it('keeps hostile markup and command links as plain quoted text', () => {
    const text = describeDifferences([{ kind: 'tagAdded', key: '<img src=x onerror=alert(1)>[run](command:evil)', requested: '' }]);
    assert.equal(text, 'tag "<img src=x onerror=alert(1)>[run](command:evil)" is not set');
  });
});

describe('planTagChanges', () => {
  it('plans nothing when the tags already match', () => {
    assert.deepEqual(planTagChanges([tag('a', '1')], [tag('a', '1')]), { set: [], remove: [] });
    assert.deepEqual(planTagChanges([], []), { set: [], remove: [] });
  });
  it('sets new and changed tags only, and removes the ones no longer wanted', () => {
    assert.deepEqual(planTagChanges([tag('keep', 'same'), tag('change', 'old'), tag('gone', 'x')], [tag('keep', 'same'), tag('change', 'new'), tag('extra', '')]), {
      set: [tag('change', 'new'), tag('extra', '')],
      remove: ['gone'],
    });
  });
  it('clears everything for an empty wanted list, and sets everything from nothing', () => {
    assert.deepEqual(planTagChanges([tag('a', '1'), tag('b', '2')], []), { set: [], remove: ['a', 'b'] });
    assert.deepEqual(planTagChanges([], [tag('a', '1'), tag('b', '2')]), { set: [tag('a', '1'), tag('b', '2')], remove: [] });
  });
  it('treats keys case-sensitively', () => {
    assert.deepEqual(planTagChanges([tag('Env', 'a')], [tag('env', 'a')]), { set: [tag('env', 'a')], remove: ['Env'] });
  });
  it('sets a key listed twice in wanted once, to its last value', () => {
    assert.deepEqual(planTagChanges([tag('k', '2')], [tag('k', '1'), tag('k', '2')]), { set: [], remove: [] });
    assert.deepEqual(planTagChanges([], [tag('k', '1'), tag('k', '2')]), { set: [tag('k', '2')], remove: [] });
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/** Few keys and values, so that existing and wanted overlap, differ and collide often. */
const smallText = fc.oneof(fc.constantFrom('', 'a', 'A', 'b', 'env', 'Env', ' x', '\u202e'), fc.string({ unit: anyChar, maxLength: 3 }));
const anyTag: fc.Arbitrary<Tag> = fc.tuple(smallText, smallText).map(([key, value]) => ({ key, value }));
/** Tags as the service holds them: each key once. */
const tagSet = fc.uniqueArray(anyTag, { selector: (t) => t.key, maxLength: 8 });
/** Tags as a caller may pass them: duplicates possible. */
const tagList = fc.array(anyTag, { maxLength: 8 });

function apply(existing: readonly Tag[], plan: { set: Tag[]; remove: string[] }): Map<string, string> {
  const result = asMap(existing);
  for (const key of plan.remove) result.delete(key);
  for (const t of plan.set) result.set(t.key, t.value);
  return result;
}

describe('planTagChanges and compareConfiguration (property-based)', () => {
  it('applying the plan to existing yields wanted as a map, and the plan is minimal', () => {
    fc.assert(
      fc.property(tagSet, tagList, (existing, wanted) => {
        const plan = planTagChanges(existing, wanted);
        const want = asMap(wanted);
        const have = asMap(existing);
        assert.deepEqual(apply(existing, plan), want);
        // Removing and setting the other way round gives the same, since they never share a key.
        const setFirst = asMap(existing);
        for (const t of plan.set) setFirst.set(t.key, t.value);
        for (const key of plan.remove) setFirst.delete(key);
        assert.deepEqual(setFirst, want);
        // Minimal: only what differs, each key once.
        assert.equal(new Set(plan.set.map((t) => t.key)).size, plan.set.length, 'a key set twice');
        assert.equal(new Set(plan.remove).size, plan.remove.length, 'a key removed twice');
        for (const t of plan.set) assert.notEqual(have.get(t.key), t.value, `sets ${t.key} to what it already is`);
        for (const key of plan.remove) assert.ok(have.has(key) && !want.has(key), `removes ${key} needlessly`);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the plan is empty exactly when compareConfiguration finds no tag difference, and they agree key by key', () => {
    fc.assert(
      fc.property(tagSet, tagSet, smallText, smallText, (existing, wanted, d1, d2) => {
        const plan = planTagChanges(existing, wanted);
        const diffs = compareConfiguration({ description: d1, tags: existing }, { description: d2, tags: wanted });
        const tagDiffs = diffs.filter((d) => d.kind !== 'description');
        assert.equal(diffs.length - tagDiffs.length, d1 === d2 ? 0 : 1);
        assert.equal(plan.set.length + plan.remove.length === 0, tagDiffs.length === 0);
        const setKeys = new Set(plan.set.map((t) => t.key));
        const removeKeys = new Set(plan.remove);
        for (const d of tagDiffs) {
          if (d.kind === 'tagRemoved') assert.ok(removeKeys.has(d.key));
          else assert.ok(setKeys.has(d.key));
        }
        assert.equal(tagDiffs.length, setKeys.size + removeKeys.size);
        // Without tags from the service, only the description counts.
        assert.deepEqual(compareConfiguration({ description: d1 }, { description: d2, tags: wanted }).length, d1 === d2 ? 0 : 1);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('describeDifferences writes one inert sentence per difference', () => {
    fc.assert(
      fc.property(tagSet, tagSet, fc.string({ unit: anyChar, maxLength: 80 }), fc.string({ unit: anyChar, maxLength: 80 }), (existing, wanted, d1, d2) => {
        const diffs = compareConfiguration({ description: d1, tags: existing }, { description: d2, tags: wanted });
        const text = describeDifferences(diffs);
        assert.equal(text === '', diffs.length === 0);
        assert.ok(!/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Cn}]/u.test(text), JSON.stringify(text));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
