// The set difference behind "Things without a billing group", its call count, and the tally that
// builds it page by page and is updated in place after the extension's own membership changes.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { countingCalls, lookupWay, minimumCountCalls, UnassignedTally, unassignedThings } from '../../src/core/unassignedThings';

const thingName = fc.stringMatching(/^[a-zA-Z0-9:_-]{1,12}$/);

describe('unassignedThings', () => {
  it('keeps the things in no group, in order, each once', () => {
    assert.deepEqual(unassignedThings(['a', 'b', 'c', 'a', 'd'], ['b', 'x']), ['a', 'c', 'd']);
    assert.deepEqual(unassignedThings([], ['b']), []);
    assert.deepEqual(unassignedThings(['a'], []), ['a']);
  });

  it('property: the result is exactly all \\ assigned, without duplicates', () => {
    fc.assert(
      fc.property(fc.array(thingName, { maxLength: 60 }), fc.array(thingName, { maxLength: 60 }), (all, assigned) => {
        const out = unassignedThings(all, assigned);
        const a = new Set(assigned);
        assert.equal(new Set(out).size, out.length);
        for (const t of out) assert.ok(all.includes(t) && !a.has(t));
        for (const t of all) if (!a.has(t)) assert.ok(out.includes(t));
      }),
    );
  });
});

describe('countingCalls', () => {
  it('is ⌈T/250⌉ + Σ max(1, ⌈n_g/250⌉), with at least one ListThings page', () => {
    assert.equal(countingCalls(20_000, Array(100).fill(120)), 80 + 100);
    assert.equal(countingCalls(0, []), 1);
    assert.equal(countingCalls(250, [0, 250, 251, 500]), 1 + 1 + 1 + 2 + 2);
    assert.equal(countingCalls(251, [], 100), 3);
  });

  it('property: never one call per thing once pages hold more than one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 50 }), (t, sizes) => {
        const calls = countingCalls(t, sizes);
        const things = t + sizes.reduce((s, n) => s + n, 0);
        assert.ok(calls <= Math.ceil(things / 250) + 1 + sizes.length);
        assert.ok(calls >= 1 + sizes.length);
      }),
    );
  });
});

describe('UnassignedTally', () => {
  it('counts things of a page that no group holds, and updates in place', () => {
    const t = new UnassignedTally();
    t.addMembers('g1', ['a', 'b']);
    t.addMembers('g2', ['c']);
    assert.equal(t.addThings(['a', 'd', 'e']), 2);
    assert.equal(t.addThings(['c', 'f', 'd']), 1, 'a thing listed twice counts once');
    assert.equal(t.count, 3);
    assert.deepEqual(t.names(), ['d', 'e', 'f']);
    t.assigned('d', 'g1');
    assert.deepEqual(t.names(), ['e', 'f']);
    assert.equal(t.groupOf('d'), 'g1');
    t.unassignedFrom('a', 'g2'); // not its group: nothing changes
    assert.equal(t.count, 2);
    t.unassignedFrom('a', 'g1');
    assert.deepEqual(t.names(), ['a', 'e', 'f']);
    assert.equal(t.groupOf('a'), undefined);
  });

  it('property: page by page, in any split, it agrees with the set difference', () => {
    fc.assert(
      fc.property(
        fc.array(thingName, { maxLength: 80 }),
        fc.array(fc.tuple(fc.constantFrom('g1', 'g2', 'g3'), thingName), { maxLength: 80 }),
        fc.integer({ min: 1, max: 20 }),
        (all, membership, page) => {
          const t = new UnassignedTally();
          for (const [g, thing] of membership) t.addMembers(g, [thing]);
          for (let i = 0; i < all.length; i += page) t.addThings(all.slice(i, i + page));
          const expected = unassignedThings(all, membership.map(([, thing]) => thing));
          assert.deepEqual(t.names(), [...expected].sort());
          assert.equal(t.count, expected.length);
        },
      ),
    );
  });
});

describe('lookupWay: where some things are, by the fewest calls', () => {
  it('looks each thing up (DescribeThing) while that is no more calls than the smallest count; counts beyond', () => {
    // A count of G groups makes at least 1 ListThings page + G ListThingsInBillingGroup pages.
    assert.equal(minimumCountCalls(0), 1);
    assert.equal(minimumCountCalls(5), 6);
    assert.equal(lookupWay(3, 5), 'describe');
    assert.equal(lookupWay(6, 5), 'describe', 'as many calls either way: the lookup, whose answer is fresher');
    assert.equal(lookupWay(7, 5), 'count');
    assert.equal(lookupWay(1, 0), 'describe');
    assert.equal(lookupWay(2, 0), 'count');
  });

  it('property: the way chosen never costs more calls than the other could at best', () => {
    fc.assert(
      fc.property(fc.nat(5000), fc.nat(2000), (names, groups) => {
        const way = lookupWay(names, groups);
        if (way === 'describe') assert.ok(names <= minimumCountCalls(groups));
        else assert.ok(minimumCountCalls(groups) < names);
      }),
    );
  });
});
