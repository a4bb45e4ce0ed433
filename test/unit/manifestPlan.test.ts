// Plan and its inverse, on a model of the account: export then plan is empty; applying any plan
// (on the model, and through the real Apply runner with a model-backed writer) yields the manifest;
// a second plan is empty; a group changed since the plan stops and the others go on. The model keeps
// AWS's rules (aws: tags, 50 tags, an add moves the thing, membership reads that lag, writes that fail
// halfway): see manifestModel.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { parseManifest, type Manifest } from '../../src/core/manifest';
import { applyPlan, MEMBERSHIP_RECHECK_MS, renderReport } from '../../src/core/manifestApply';
import { applyPlanToModel, cloneModel, confirmationLines, describePlan, isEmptyPlan, makePlan, modelThingGroup, readModel, stateFingerprint, summarize, summaryText, type AccountModel } from '../../src/core/manifestPlan';
import { readAccount } from '../../src/core/manifestRead';
import { accountAsManifest, deleteComments, exportManifest, renderManifest } from '../../src/core/manifestRender';
import { NUM_RUNS } from './arbitraries';
import { ACCOUNT, accountArb, manifestArb, MembershipLag, modelReader, modelWriter, NO_WAIT, REGION, satisfies, THING_NAMES, type Fault } from './manifestModel';

const RUNS = Math.min(NUM_RUNS, 300);
/** The properties that run two Applies each (faults, lag): fewer runs, the same shapes. */
const TWO_APPLY_RUNS = Math.min(NUM_RUNS, 150);

/** A manifest listing only things that exist in the account (a missing thing makes the plan refuse). */
const accountAndManifest = accountArb.chain((account) => manifestArb([...account.things]).map((manifest) => ({ account, manifest })));

function model(groups: Record<string, { description?: string; tags?: Record<string, string>; things?: string[]; version?: number }>, things: string[] = []): AccountModel {
  const m: AccountModel = { groups: new Map(), things: new Set(things) };
  for (const [name, g] of Object.entries(groups)) {
    m.groups.set(name, {
      description: g.description ?? '',
      tags: Object.entries(g.tags ?? {}).map(([key, value]) => ({ key, value })),
      things: new Set(g.things ?? []),
      version: g.version ?? 1,
    });
    for (const t of g.things ?? []) m.things.add(t);
  }
  return m;
}

const parse = (text: string): Manifest => {
  const p = parseManifest(text);
  assert.deepEqual(p.problems, []);
  return p.manifest;
};

describe('manifest plan', () => {
  it('export then plan is empty (property), and the export parses without problems', async () => {
    await fc.assert(
      fc.asyncProperty(accountArb, fc.boolean(), async (account, things) => {
        const state = await readAccount(modelReader(account), { prune: false, groups: [] }, NO_WAIT, { all: true, exportThings: things });
        const text = renderManifest(exportManifest(state, { things }));
        const parsed = parseManifest(text);
        assert.deepEqual(parsed.problems, [], text);
        assert.equal(parsed.manifest.account, ACCOUNT);
        assert.equal(parsed.manifest.region, REGION);
        assert.equal(text.includes('$schema'), false, 'Export writes no $schema: it would replace the contributed schema');
        const plan = makePlan(parsed.manifest, readModel(account, parsed.manifest));
        assert.ok(isEmptyPlan(plan), describePlan(plan).join('\n'));
        assert.equal(summaryText(plan), 'No changes.');
        // The diff's left side is then the file itself.
        assert.equal(renderManifest(accountAsManifest(parsed.manifest, readModel(account, parsed.manifest))), text);
      }),
      { numRuns: RUNS },
    );
  });

  it('applying any plan to the account yields the manifest, and planning again gives nothing (property)', () => {
    fc.assert(
      fc.property(accountAndManifest, ({ account, manifest }) => {
        const plan = makePlan(manifest, readModel(account, manifest));
        assert.deepEqual(plan.errors, []);
        const after = applyPlanToModel(account, plan);
        assert.equal(satisfies(after, manifest), undefined);
        // Fields the manifest does not manage are left alone.
        for (const g of manifest.groups) {
          const before = account.groups.get(g.name);
          if (!before) continue;
          if (g.description === undefined) assert.equal(after.groups.get(g.name)!.description, before.description);
          if (g.tags === undefined) assert.deepEqual(after.groups.get(g.name)!.tags, before.tags);
        }
        if (!manifest.prune) for (const name of account.groups.keys()) assert.ok(after.groups.has(name), `${name} kept without prune`);
        const again = makePlan(manifest, readModel(after, manifest));
        assert.ok(isEmptyPlan(again), describePlan(again).join('\n'));
      }),
      { numRuns: RUNS },
    );
  });

  it('the Apply runner converges too, and a second Apply sends no write (property)', async () => {
    await fc.assert(
      fc.asyncProperty(accountAndManifest, async ({ account, manifest }) => {
        const live = cloneModel(account);
        const plan = makePlan(manifest, await readAccount(modelReader(live), manifest, NO_WAIT));
        const expected = applyPlanToModel(account, plan);
        const writes: string[] = [];
        const report = await applyPlan(plan, modelWriter(live, writes), NO_WAIT);
        assert.deepEqual(report.entries.filter((e) => e.outcome !== 'done' && e.outcome !== 'unchanged'), []);
        assert.equal(satisfies(live, manifest), undefined);
        assert.equal(satisfies(expected, manifest), undefined);
        const second = makePlan(manifest, await readAccount(modelReader(live), manifest, NO_WAIT));
        const writes2: string[] = [];
        const report2 = await applyPlan(second, modelWriter(live, writes2), NO_WAIT);
        assert.deepEqual(writes2, []);
        assert.equal(report2.writes, 0);
      }),
      { numRuns: RUNS },
    );
  });

  it('AWS-managed tags (aws:…) are never planned to be set, changed or removed, and a group carrying them converges (property)', () => {
    fc.assert(
      fc.property(accountAndManifest, ({ account, manifest }) => {
        const plan = makePlan(manifest, readModel(account, manifest));
        for (const t of plan.tags) {
          assert.deepEqual(t.remove.filter((k) => k.toLowerCase().startsWith('aws:')), [], describePlan(plan).join('\n'));
          assert.deepEqual(t.set.filter((x) => x.key.toLowerCase().startsWith('aws:')), [], describePlan(plan).join('\n'));
        }
        const after = applyPlanToModel(account, plan);
        for (const [name, g] of account.groups) {
          const kept = after.groups.get(name);
          if (kept) assert.deepEqual(kept.tags.filter((t) => t.key.toLowerCase().startsWith('aws:')), g.tags.filter((t) => t.key.toLowerCase().startsWith('aws:')));
        }
        assert.ok(isEmptyPlan(makePlan(manifest, readModel(after, manifest))));
      }),
      { numRuns: RUNS },
    );
  });

  it('a group CloudFormation made (aws: tags) exports without them, and its manifest plans no change', async () => {
    const account = model({ fleet: { description: 'vans', tags: { 'aws:cloudformation:stack-name': 'fleet', 'aws:cloudformation:logical-id': 'Fleet', team: 'ops' } } });
    const state = await readAccount(modelReader(account), { prune: false, groups: [] }, NO_WAIT, { all: true });
    const text = renderManifest(exportManifest(state, { things: false }));
    assert.equal(text.includes('aws:'), false, text);
    const parsed = parse(text);
    assert.deepEqual(parsed.groups, [{ name: 'fleet', description: 'vans', tags: [{ key: 'team', value: 'ops' }] }]);
    const plan = makePlan(parsed, readModel(account, parsed));
    assert.ok(isEmptyPlan(plan), describePlan(plan).join('\n'));
    // A manifest that sets the group's tags to nothing removes the user's tag only.
    const none = parse('{"groups": {"fleet": {"tags": {}}}}');
    const p2 = makePlan(none, readModel(account, none));
    assert.deepEqual(p2.tags.map((t) => [t.set, t.remove]), [[[], ['team']]]);
    // The diff's left side shows the account as the manifest sees it: without the aws: tags.
    assert.equal(renderManifest(accountAsManifest(none, readModel(account, none))).includes('aws:'), false);
  });

  it('reads only what the manifest needs: Describe for named groups, tags and things only where managed', async () => {
    const account = model({ a: { things: ['t1'] }, b: {}, c: {}, d: { things: ['t2'] } }, ['t3']);
    const calls: string[] = [];
    const manifest = parse('{"groups": {"a": {"description": "x"}, "b": {"tags": {}}, "c": {"things": ["t2", "t3"]}, "new": {}}}');
    const state = await readAccount(modelReader(account, calls), manifest, NO_WAIT);
    const count = (op: string) => calls.filter((c) => c === op).length;
    assert.equal(count('ListBillingGroups'), 1);
    assert.equal(count('DescribeBillingGroup'), 3, 'a, b and c; not d, not the group to create');
    assert.equal(count('ListTagsForResource'), 1, 'only b manages tags');
    assert.equal(count('ListThingsInBillingGroup'), 1, 'only c manages things');
    assert.equal(count('DescribeThing'), 2, 't2 and t3 are in no group read');
    const plan = makePlan(manifest, state);
    assert.deepEqual(summarize(plan), { create: 1, update: 1, delete: 0, thingsAdd: 1, thingsRemove: 0, thingsMove: 1 });
    assert.deepEqual(plan.additions, [
      { group: 'c', thing: 't2', from: 'd' },
      { group: 'c', thing: 't3' },
    ]);
    assert.equal(summaryText(plan), '1 to create, 1 to update, 0 to delete; things: 1 to add, 0 to remove, 1 to move.');
  });

  it('prune deletes unnamed groups only with account and region named, and reads them first', async () => {
    const account = model({ keep: {}, old: { description: 'gone', tags: { t: 'v' }, version: 4 } });
    const calls: string[] = [];
    const named = parse(`{"account": "${ACCOUNT}", "region": "${REGION}", "prune": true, "groups": {"keep": {}}}`);
    const plan = makePlan(named, await readAccount(modelReader(account, calls), named, NO_WAIT));
    assert.deepEqual(plan.deletes, [{ group: 'old', arn: `arn:aws:iot:${REGION}:${ACCOUNT}:billinggroup/old`, expectedVersion: 4, things: { count: 0, more: false } }]);
    assert.ok(calls.includes('ListTagsForResource'), 'the group to delete is read, so the diff shows what goes');
    const read = await readAccount(modelReader(account), named, NO_WAIT);
    const left = renderManifest(accountAsManifest(named, read), { comments: deleteComments(makePlan(named, read)) });
    assert.match(left, /\/\/ Deleted by prune: it holds no things\.\n\s+"old": \{\n\s+"description": "gone"/);
    // Without account and region, prune is a problem in the file and deletes nothing.
    const unnamed = parseManifest('{"prune": true, "groups": {"keep": {}}}');
    assert.equal(unnamed.problems.length, 1);
    assert.match(unnamed.problems[0].message, /must name its account and region/);
    assert.deepEqual(makePlan(unnamed.manifest, readModel(account, unnamed.manifest)).deletes, []);
  });

  it('a group deleted between the list and its reads is left out, not a failed read: named, it is created again; to prune, nothing is left to delete', async () => {
    for (const gone of ['named', 'old']) {
      const account = model({ named: { description: 'd', tags: { k: 'v' }, things: ['t1'] }, old: { description: 'x' }, keep: {} });
      const reader = modelReader(account);
      const manifest = parse(`{"account": "${ACCOUNT}", "region": "${REGION}", "prune": true, "groups": {"named": {"description": "d", "tags": {"k": "v"}, "things": ["t1"]}, "keep": {}}}`);
      const state = await readAccount(
        {
          ...reader,
          listGroups: async () => {
            const list = await reader.listGroups();
            account.groups.delete(gone); // someone deletes it right after the list
            return list;
          },
        },
        manifest,
        NO_WAIT,
      );
      assert.deepEqual(state.groups.map((g) => g.name).sort(), ['keep', gone === 'named' ? 'old' : 'named'].sort());
      const plan = makePlan(manifest, state);
      if (gone === 'named') assert.deepEqual(plan.creates.map((c) => c.group), ['named']);
      else assert.deepEqual(plan.deletes, []);
    }
  });

  it('prune says how many things each group it deletes still holds, counted with one page of 250 at most: in the plan, its warnings and the diff', async () => {
    const big = Array.from({ length: 300 }, (_, i) => `big-${i}`);
    const account = model({ keep: {}, small: { things: ['t1', 't2', 't3'] }, single: { things: ['t4'] }, huge: { things: big }, empty: {} });
    const calls: string[] = [];
    const manifest = parse(`{"account": "${ACCOUNT}", "region": "${REGION}", "prune": true, "groups": {"keep": {}}}`);
    const state = await readAccount(modelReader(account, calls), manifest, NO_WAIT);
    assert.equal(calls.filter((c) => c === 'ListThingsInBillingGroup (one page, to count)').length, 4, 'one page per group to delete, however many things it holds');
    assert.equal(calls.filter((c) => c === 'ListThingsInBillingGroup').length, 0, 'no group is listed in full');
    const plan = makePlan(manifest, state);
    assert.deepEqual(plan.deletes.map((d) => [d.group, d.things]), [
      ['empty', { count: 0, more: false }],
      ['huge', { count: 250, more: true }],
      ['single', { count: 1, more: false }],
      ['small', { count: 3, more: false }],
    ]);
    assert.deepEqual(plan.warnings, ['3 billing groups that still hold things are deleted: 254 or more things will be left without a billing group ("huge": 250 or more, "single": 1, "small": 3).']);
    assert.deepEqual(describePlan(plan), [
      '- delete "empty" (it holds no things)',
      '- delete "huge" (250 or more things will be left without a billing group)',
      '- delete "single" (1 thing will be left without a billing group)',
      '- delete "small" (3 things will be left without a billing group)',
    ]);
    const left = renderManifest(accountAsManifest(manifest, state), { comments: deleteComments(plan) });
    assert.match(left, /\n {4}\/\/ Deleted by prune: 3 things will be left without a billing group\.\n {4}"small": \{/);
    assert.match(left, /\n {4}\/\/ Deleted by prune: 250 or more things will be left without a billing group\.\n {4}"huge": \{/);
    // A group a manifest keeps is not counted.
    assert.equal(parseManifest(renderManifest(accountAsManifest(manifest, state))).problems.length, 0, 'without comments it is plain JSON');
  });

  it('the fingerprint of what a plan read changes with anything the plan depends on, and only then (property)', () => {
    fc.assert(
      fc.property(accountAndManifest, fc.nat(), ({ account, manifest }, pick) => {
        const state = readModel(account, manifest);
        const same = readModel(cloneModel(account), manifest);
        same.groups.reverse(); // the order of ListBillingGroups pages is not a change
        assert.equal(stateFingerprint(same), stateFingerprint(state));
        // One change anywhere the plan looks: the fingerprint differs whenever the plan would.
        const changed = cloneModel(account);
        const names = [...changed.groups.keys()];
        const kinds = ['version', 'description', 'tag', 'thing', 'create'] as const;
        const kind = kinds[pick % kinds.length];
        const g = names.length > 0 ? changed.groups.get(names[pick % names.length])! : undefined;
        if (kind === 'create' || !g) changed.groups.set('brand-new', { description: '', tags: [], things: new Set(), version: 1 });
        else if (kind === 'version') g.version++;
        else if (kind === 'description') g.description += '!';
        else if (kind === 'tag') g.tags = [...g.tags, { key: 'fp', value: 'x' }];
        else g.things.add('fp-thing');
        const after = readModel(changed, manifest);
        const planChanged = JSON.stringify(makePlan(manifest, after)) !== JSON.stringify(makePlan(manifest, state));
        if (planChanged) assert.notEqual(stateFingerprint(after), stateFingerprint(state));
      }),
      { numRuns: RUNS },
    );
  });

  it('the Apply confirmation lists what is created, updated and deleted, and every thing that moves, joins or leaves', () => {
    const account = model({ a: { description: 'old', things: ['t1', 't2'] }, b: { tags: { k: 'v' } }, gone: { things: ['t9'] } }, ['t3']);
    const manifest = parse(`{"account": "${ACCOUNT}", "region": "${REGION}", "prune": true, "groups": {
      "a": {"description": "new", "things": ["t1"]}, "b": {"tags": {}, "things": ["t2", "t3"]}, "c": {}
    }}`);
    const plan = makePlan(manifest, readModel(account, manifest));
    assert.deepEqual(confirmationLines(plan, (x) => `<${x}>`), [
      'Create: <c>',
      'Update: <a> (description), <b> (tags)',
      'Delete: <gone> (1 thing will be left without a billing group)',
      'Move: <t2> from <a> to <b>',
      'Add: <t3> to <b>',
    ]);
    const many = makePlan(parse(`{"groups": {${Array.from({ length: 25 }, (_, i) => `"n${i}": {}`).join(', ')}}}`), readModel(model({}), { prune: false, groups: [] }));
    assert.deepEqual(confirmationLines(many, (x) => x), [`Create: ${Array.from({ length: 20 }, (_, i) => `n${i}`).join(', ')} and 5 more`]);
    const removal = makePlan(parse('{"groups": {"a": {"things": []}}}'), readModel(account, parse('{"groups": {"a": {"things": []}}}')));
    assert.deepEqual(confirmationLines(removal, (x) => x), ['Remove: t1 from a, t2 from a']);
  });

  it('a thing that does not exist is a plan error', () => {
    const manifest = parse('{"groups": {"a": {"things": ["ghost"]}}}');
    const plan = makePlan(manifest, readModel(model({ a: {} }), manifest));
    assert.deepEqual(plan.errors, ['Thing "ghost" does not exist, so it cannot join billing group "a".']);
  });

  it('removing the cost-allocation tag is a warning', () => {
    const manifest = parse('{"groups": {"a": {"tags": {"team": "x"}}}}');
    const plan = makePlan(manifest, readModel(model({ a: { tags: { team: 'x', CostCenter: '1' } } }), manifest), { costTagKey: 'CostCenter' });
    assert.equal(plan.warnings.length, 1);
    assert.match(plan.warnings[0], /"a" loses its cost-allocation tag "CostCenter"/);
  });

  it('a group changed since the plan stops with "changed since the plan"; the others go on', async () => {
    const account = model({ a: { description: 'old', tags: { k: 'v' }, things: ['t1'] }, b: { description: 'old' } }, ['t2']);
    const manifest = parse('{"groups": {"a": {"description": "new", "tags": {"k": "w"}, "things": ["t2"]}, "b": {"description": "new"}, "c": {"description": "made"}}}');
    const plan = makePlan(manifest, readModel(account, manifest));
    // Someone edits a's description (its version moves on) after the plan.
    account.groups.get('a')!.description = 'theirs';
    account.groups.get('a')!.version++;
    const writes: string[] = [];
    const report = await applyPlan(plan, modelWriter(account, writes), NO_WAIT);
    const of = (group: string) => report.entries.filter((e) => e.group === group).map((e) => `${e.action}: ${e.outcome}`);
    assert.deepEqual(of('a'), ['set description: changed', 'set tags: skipped', 'remove thing t1: skipped', 'add thing t2: skipped']);
    assert.deepEqual(of('b'), ['set description: done']);
    assert.deepEqual(of('c'), ['create: done']);
    assert.equal(account.groups.get('a')!.description, 'theirs', 'their change is not overwritten');
    assert.deepEqual([...account.groups.get('a')!.things], ['t1']);
    const text = renderReport(report, 'Apply');
    assert.match(text, /stopped\s+"a": set description — changed since the plan/);
    assert.match(text, /2 done, 0 already so, 1 changed since the plan, 0 failed, 3 skipped, 0 not started\./);
  });

  it('tags changed since the plan are noticed by reading them again; membership is checked only for the things the plan touches', async () => {
    const account = model({ a: { tags: { k: 'v' } }, b: { things: ['t1'] }, c: { things: ['t4'] }, d: {} }, ['t2', 't3']);
    const manifest = parse('{"groups": {"a": {"tags": {"k": "w"}}, "b": {"things": ["t2"]}, "c": {"things": []}}}');
    const plan = makePlan(manifest, readModel(account, manifest));
    account.groups.get('a')!.tags.push({ key: 'added', value: 'by someone' });
    // A thing the plan does not touch joins b: b's steps go on.
    account.groups.get('b')!.things.add('t3');
    // A thing the plan touches (t4 leaves c) was moved to d by someone: that step stops.
    account.groups.get('c')!.things.delete('t4');
    account.groups.get('d')!.things.add('t4');
    const writes: string[] = [];
    const report = await applyPlan(plan, modelWriter(account, writes), NO_WAIT);
    assert.deepEqual(writes, ['remove t1 from b', 'add t2 to b'], 'nothing written over their changes');
    assert.deepEqual(
      report.entries.map((e) => [e.group, e.action, e.outcome, e.message]),
      [
        ['a', 'set tags', 'changed', 'changed since the plan (its tags differ)'],
        ['b', 'remove thing t1', 'done', undefined],
        ['c', 'remove thing t4', 'changed', 'changed since the plan (thing t4 is now in group d)'],
        ['b', 'add thing t2', 'done', undefined],
      ],
    );
    assert.deepEqual([...account.groups.get('b')!.things].sort(), ['t2', 't3']);
  });

  it('a thing not where the plan saw it is read once more after a short delay: a change that had not shown yet goes on, a real one stops', async () => {
    // The plan saw t1 in a; the check's first read lags (it still shows t1 in c, where it was before
    // an earlier move); after the delay the read shows a, and the move goes on.
    const account = model({ a: { things: ['t1'] }, b: {}, c: {} });
    const manifest = parse('{"groups": {"b": {"things": ["t1"]}}}');
    const plan = makePlan(manifest, readModel(account, manifest));
    const lag = new MembershipLag([true]);
    account.groups.get('a')!.things.delete('t1');
    account.groups.get('c')!.things.add('t1');
    lag.writing(account); // "before the last write": t1 in c
    account.groups.get('c')!.things.delete('t1');
    account.groups.get('a')!.things.add('t1');
    const waits: number[] = [];
    const writes: string[] = [];
    const report = await applyPlan(plan, modelWriter(account, writes, { lag }), NO_WAIT, {
      recheckDelayMs: 4000,
      sleep: async (ms) => {
        waits.push(ms);
        lag.settle();
      },
    });
    assert.deepEqual(report.entries.map((e) => `${e.action}: ${e.outcome}`), ['move thing t1 from a: done']);
    assert.deepEqual(waits, [4000], 'read again once, after the delay');
    assert.equal(lag.staleReads, 1);
    assert.deepEqual(writes, ['add t1 to b']);
    // Really moved since the plan: still elsewhere after the delay, so the step stops.
    const again = model({ a: { things: ['t1'] }, b: {}, c: {} });
    const plan2 = makePlan(manifest, readModel(again, manifest));
    again.groups.get('a')!.things.delete('t1');
    again.groups.get('c')!.things.add('t1');
    const waits2: number[] = [];
    const report2 = await applyPlan(plan2, modelWriter(again), NO_WAIT, { sleep: async (ms) => void waits2.push(ms) });
    assert.deepEqual(report2.entries.map((e) => `${e.action}: ${e.outcome} (${e.message})`), ['move thing t1 from a: changed (changed since the plan (thing t1 is now in group c))']);
    assert.deepEqual(waits2, [MEMBERSHIP_RECHECK_MS]);
  });

  it('a failed step stops its group, is reported, and a second Apply finishes the job', async () => {
    const account = model({}, ['t1']);
    const manifest = parse('{"groups": {"a": {"things": ["t1"]}, "b": {}}}');
    const plan = makePlan(manifest, readModel(account, manifest));
    const writer = modelWriter(account);
    let fail = true;
    const flaky = {
      ...writer,
      create: async (name: string, d: string, t: { key: string; value: string }[]) => {
        if (name === 'a' && fail) throw new Error('AWS IoT is unavailable.');
        return writer.create(name, d, t);
      },
    };
    const report = await applyPlan(plan, flaky, NO_WAIT);
    assert.deepEqual(
      report.entries.map((e) => `${e.group} ${e.action}: ${e.outcome}`),
      ['a create: failed', 'b create: done', 'a add thing t1: skipped'],
    );
    fail = false;
    const plan2 = makePlan(manifest, readModel(account, manifest));
    await applyPlan(plan2, writer, NO_WAIT);
    assert.equal(satisfies(account, manifest), undefined);
  });

  it('Cancel leaves the rest not started, and Apply again finishes', async () => {
    const account = model({});
    const manifest = parse(`{"groups": {${Array.from({ length: 20 }, (_, i) => `"g${i}": {}`).join(', ')}}}`);
    const plan = makePlan(manifest, readModel(account, manifest));
    const abort = new AbortController();
    const writer = modelWriter(account);
    const report = await applyPlan(
      plan,
      {
        ...writer,
        create: async (n, d, t) => {
          if (account.groups.size === 5) abort.abort();
          return writer.create(n, d, t);
        },
      },
      { concurrency: 1, perSecond: 1_000_000, sleep: async () => undefined },
      { signal: abort.signal },
    );
    assert.equal(report.cancelled, true);
    assert.ok(report.entries.some((e) => e.outcome === 'not started'));
    assert.ok(account.groups.size < 20);
    await applyPlan(makePlan(manifest, readModel(account, manifest)), writer, NO_WAIT);
    assert.equal(account.groups.size, 20);
  });

  it('a move is one call: the add takes the thing out of its group, so it is never in no group; a failed add says where the thing is', async () => {
    const account = model({ a: { things: ['t1', 't2'] }, b: {} });
    const manifest = parse('{"groups": {"b": {"things": ["t1", "t2"]}}}');
    const plan = makePlan(manifest, readModel(account, manifest));
    assert.deepEqual(plan.removals, [], 'no remove is planned for a move');
    const writes: string[] = [];
    const inNoGroup: string[] = [];
    const writer = modelWriter(account, writes, {
      fault: (_n, call) => (call === 'add t2 to b' ? 'fail' : undefined),
      afterWrite: () => {
        for (const t of ['t1', 't2']) if (modelThingGroup(account, t) === undefined) inNoGroup.push(t);
      },
    });
    const report = await applyPlan(plan, writer, NO_WAIT);
    assert.deepEqual(writes, ['add t1 to b', 'add t2 to b']);
    assert.deepEqual(inNoGroup, []);
    assert.deepEqual(
      report.entries.map((e) => `${e.outcome}: ${e.action}${e.message ? ` — ${e.message}` : ''}`),
      ['done: move thing t1 from a', 'failed: move thing t2 from a — AWS IoT had an internal error (add t2 to b). Thing t2 is in group a.'],
    );
  });

  it('a tag step tried again after its UntagResource went through accepts its own write and sends only the TagResource', async () => {
    const account = model({ a: { tags: { old: '1', keep: '2' } } });
    const manifest = parse('{"groups": {"a": {"tags": {"keep": "2", "new": "3"}}}}');
    const plan = makePlan(manifest, readModel(account, manifest));
    const writes: string[] = [];
    // The TagResource is throttled once (not carried out): the runner tries the step again.
    const report = await applyPlan(plan, modelWriter(account, writes, { fault: (n) => (n === 1 ? 'throttle' : undefined) }), NO_WAIT);
    assert.deepEqual(writes, ['untag a', 'tag a', 'tag a'], 'untag, the throttled tag, the tag again — no second untag, no "changed since the plan"');
    assert.deepEqual(report.entries.map((e) => `${e.action}: ${e.outcome}`), ['set tags: done']);
    assert.equal(satisfies(account, manifest), undefined);
  });

  it('a write cancelled in flight is reported as unknown (cancelled in flight), not FAILED; Apply again finishes', async () => {
    const account = model({ a: { things: ['t1'] }, b: {} });
    const manifest = parse('{"groups": {"b": {"things": ["t1"]}, "c": {}}}');
    const plan = makePlan(manifest, readModel(account, manifest));
    const abort = new AbortController();
    const writer = modelWriter(account);
    const report = await applyPlan(
      plan,
      {
        ...writer,
        addThing: async (g, t, signal) => {
          // The request is on its way when the user cancels: the SDK gives up on the answer.
          abort.abort();
          await writer.addThing(g, t, signal);
          throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
        },
      },
      NO_WAIT,
      { signal: abort.signal },
    );
    assert.equal(report.cancelled, true);
    assert.deepEqual(report.entries.map((e) => `${e.group} ${e.action}: ${e.outcome}`), ['c create: done', 'b move thing t1 from a: unknown']);
    const text = renderReport(report, 'Apply');
    assert.match(text, /unknown \(cancelled in flight\) "b": move thing t1 from a — cancelled in flight: AWS may or may not have carried it out; Plan again to see/);
    assert.doesNotMatch(text, /FAILED/);
    assert.match(text, /1 done, 0 already so, 0 changed since the plan, 0 failed, 1 unknown \(cancelled in flight\), 0 skipped, 0 not started\./);
    const again = makePlan(manifest, readModel(account, manifest));
    assert.ok(isEmptyPlan(again), 'the add had gone through');
  });

  it('with writes that fail halfway (throttled, failed, or carried out with the answer lost), a thing listed in a group is never left in no group; throttled calls are ridden out in the same Apply, and a second Apply converges (property)', async () => {
    await fc.assert(
      fc.asyncProperty(accountAndManifest, fc.array(fc.option(fc.constantFrom<Fault>('throttle', 'fail', 'lost'), { freq: 3, nil: undefined }), { maxLength: 40 }), async ({ account, manifest }, faults) => {
        const live = cloneModel(account);
        const listed = new Set(manifest.groups.flatMap((g) => g.things ?? []));
        const grouped = [...listed].filter((t) => modelThingGroup(live, t) !== undefined);
        const violations: string[] = [];
        const afterWrite = (call: string) => {
          for (const t of grouped) if (modelThingGroup(live, t) === undefined) violations.push(`${t} in no group after ${call}`);
        };
        const plan = makePlan(manifest, await readAccount(modelReader(live), manifest, NO_WAIT));
        const report = await applyPlan(plan, modelWriter(live, [], { fault: (n) => faults[n], afterWrite }), NO_WAIT);
        assert.deepEqual(violations, []);
        // Nobody else touched the account: a step tried again never takes its own earlier call for someone's change.
        assert.deepEqual(report.entries.filter((e) => e.outcome === 'changed'), []);
        // Only throttling: what failed is what stayed throttled after every try (the others were ridden out).
        if (!faults.some((f) => f === 'fail' || f === 'lost'))
          for (const e of report.entries.filter((x) => x.outcome === 'failed')) assert.match(e.message ?? '', /throttling/);
        if (faults.every((f) => f === undefined)) assert.equal(satisfies(live, manifest), undefined);
        const second = makePlan(manifest, await readAccount(modelReader(live), manifest, NO_WAIT));
        const report2 = await applyPlan(second, modelWriter(live, [], { afterWrite }), NO_WAIT);
        assert.deepEqual(report2.entries.filter((e) => e.outcome !== 'done' && e.outcome !== 'unchanged'), []);
        assert.equal(satisfies(live, manifest), undefined);
        assert.deepEqual(violations, []);
        assert.ok(isEmptyPlan(makePlan(manifest, await readAccount(modelReader(live), manifest, NO_WAIT))));
      }),
      { numRuns: TWO_APPLY_RUNS },
    );
  });

  it('with membership reads that lag one step (the state before the last write), Apply still converges without stopping on a change that had not shown yet (property)', async () => {
    // A first Apply, then the user edits the manifest and applies again at once: the second plan reads
    // the account as it is, but the checks before each write may still see the state before the first
    // Apply's last membership write.
    const twoManifests = accountArb.chain((account) => fc.tuple(manifestArb([...account.things]), manifestArb([...account.things])).map(([m1, m2]) => ({ account, m1, m2 })));
    await fc.assert(
      fc.asyncProperty(twoManifests, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), async ({ account, m1, m2 }, lags) => {
        const live = cloneModel(account);
        const lag = new MembershipLag(lags);
        const first = makePlan(m1, await readAccount(modelReader(live), m1, NO_WAIT));
        await applyPlan(first, modelWriter(live, [], { lag }), NO_WAIT, { sleep: lag.sleep });
        assert.equal(satisfies(live, m1), undefined);
        const second = makePlan(m2, await readAccount(modelReader(live), m2, NO_WAIT));
        const report = await applyPlan(second, modelWriter(live, [], { lag }), NO_WAIT, { sleep: lag.sleep });
        assert.deepEqual(report.entries.filter((e) => e.outcome !== 'done' && e.outcome !== 'unchanged'), []);
        assert.equal(satisfies(live, m2), undefined);
      }),
      { numRuns: TWO_APPLY_RUNS },
    );
  });

  it('the things arbitrary really exercises moves, removals and deletes', () => {
    const seen = { move: 0, remove: 0, del: 0, create: 0 };
    fc.assert(
      fc.property(accountAndManifest, ({ account, manifest }) => {
        const p = makePlan(manifest, readModel(account, manifest));
        seen.move += p.additions.filter((a) => a.from).length;
        seen.remove += p.removals.length;
        seen.del += p.deletes.length;
        seen.create += p.creates.length;
      }),
      { numRuns: 200, seed: 42 },
    );
    for (const [k, v] of Object.entries(seen)) assert.ok(v > 0, `no ${k} generated`);
    assert.ok(THING_NAMES.includes('hasOwnProperty'));
  });
});
