// Which connection a manifest is for (issue 17): its `account` and `region` pick among the connections
// shown side by side. Pure rules: the region must equal, the account must equal when both are known;
// an account not yet known is found out first only where it can change the choice; none is a sentence
// naming the manifest's account and region and every connection; several are asked for. While editing
// (no call), the warnings compare with every connection and never warn about one that may fit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { parseManifest } from '../../src/core/manifest';
import { accountsToFindOut, connectionWarnings, costConnection, matchConnection, type ConnectionFacts, type ManifestTarget } from '../../src/core/manifestConnection';
import { NUM_RUNS } from './arbitraries';

const DEV = '111111111111';
const PROD = '222222222222';
const devEu: ConnectionFacts = { id: 'dev-eu', label: 'dev @ eu-west-1', region: 'eu-west-1', account: DEV };
const devUs: ConnectionFacts = { id: 'dev-us', label: 'dev @ us-east-1', region: 'us-east-1', account: DEV };
const prodEu: ConnectionFacts = { id: 'prod-eu', label: 'prod @ eu-west-1', region: 'eu-west-1', account: PROD };
/** A connection whose account is not known yet (nothing loaded, no call made). */
const newEu: ConnectionFacts = { id: 'new-eu', label: 'new @ eu-west-1', region: 'eu-west-1' };

/** The text each warning underlines, with its message. */
function warned(text: string, connections: ConnectionFacts[]): Array<[string, string]> {
  return connectionWarnings(parseManifest(text), connections).map((w) => {
    assert.equal(w.severity, 'warning');
    return [text.slice(w.offset, w.offset + w.length), w.message];
  });
}

describe('which connection a manifest is for', () => {
  it('the one whose region and account are the manifest\'s', () => {
    assert.deepEqual(matchConnection({ account: PROD, region: 'eu-west-1' }, [devEu, devUs, prodEu]), { kind: 'one', id: 'prod-eu' });
    assert.deepEqual(matchConnection({ account: DEV, region: 'us-east-1' }, [devEu, devUs, prodEu]), { kind: 'one', id: 'dev-us' });
    assert.deepEqual(matchConnection({ region: 'us-east-1' }, [devEu, devUs, prodEu]), { kind: 'one', id: 'dev-us' });
  });

  it('several that fit are all offered, in the order of the connections: no account and two accounts in its region; no region and one account in two regions', () => {
    assert.deepEqual(matchConnection({ region: 'eu-west-1' }, [devEu, devUs, prodEu]), { kind: 'several', ids: ['dev-eu', 'prod-eu'] });
    assert.deepEqual(matchConnection({ account: DEV }, [devEu, devUs, prodEu]), { kind: 'several', ids: ['dev-eu', 'dev-us'] });
    assert.deepEqual(matchConnection({}, [devEu, devUs, prodEu]), { kind: 'several', ids: ['dev-eu', 'dev-us', 'prod-eu'] });
    assert.deepEqual(matchConnection({}, [devUs]), { kind: 'one', id: 'dev-us' });
  });

  it('none: the sentence names the manifest\'s region (and account) and every connection with its account', () => {
    assert.deepEqual(matchConnection({ region: 'ap-south-1' }, [devEu, devUs, newEu]), {
      kind: 'none',
      reason: 'region',
      message:
        'The manifest is for region ap-south-1, and no connection is: the connections are dev @ eu-west-1 (account 111111111111), dev @ us-east-1 (account 111111111111) and new @ eu-west-1 (account not known yet). Add one with "Add Connection…", or change the manifest\'s "region".',
    });
    assert.deepEqual(matchConnection({ account: PROD, region: 'us-east-1' }, [devEu, devUs, prodEu]), {
      kind: 'none',
      reason: 'account',
      message:
        'The manifest is for account 222222222222 in region us-east-1, and no connection is: the connections are dev @ eu-west-1 (account 111111111111), dev @ us-east-1 (account 111111111111) and prod @ eu-west-1 (account 222222222222). Add one with "Add Connection…", or change the manifest\'s "account" or "region".',
    });
    assert.deepEqual(matchConnection({ account: '333333333333' }, [devEu, prodEu]), {
      kind: 'none',
      reason: 'account',
      message:
        'The manifest is for account 333333333333, and no connection is: the connections are dev @ eu-west-1 (account 111111111111) and prod @ eu-west-1 (account 222222222222). Add one with "Add Connection…", or change the manifest\'s "account".',
    });
  });

  it('with one connection, the sentences say "you are connected to", as before issue 17', () => {
    assert.deepEqual(matchConnection({ account: PROD, region: 'eu-west-1' }, [devEu]), {
      kind: 'none',
      reason: 'account',
      message: 'The manifest is for account 222222222222, but you are connected to account 111111111111. Connect with a profile of account 222222222222, or change the manifest\'s "account".',
    });
    assert.deepEqual(matchConnection({ account: DEV, region: 'us-east-1' }, [devEu]), {
      kind: 'none',
      reason: 'region',
      message: 'The manifest is for region us-east-1, but you are connected to region eu-west-1. Select region us-east-1, or change the manifest\'s "region".',
    });
  });

  it('a label is shown inert: a profile name cannot become a link in the sentence', () => {
    const odd: ConnectionFacts = { id: 'x', label: '[x](command:evil) @ eu-west-1', region: 'eu-west-1', account: DEV };
    const m = matchConnection({ region: 'us-east-1' }, [odd, devEu]);
    assert.equal(m.kind, 'none');
    assert.ok(m.kind === 'none' && !m.message.includes('](command:'), m.kind === 'none' ? m.message : '');
  });

  it('an account not known yet fits (it is checked after the read), unless a connection is known to be that account', () => {
    assert.deepEqual(matchConnection({ account: DEV, region: 'eu-west-1' }, [newEu, devEu]), { kind: 'one', id: 'dev-eu' });
    assert.deepEqual(matchConnection({ account: '333333333333', region: 'eu-west-1' }, [newEu, devEu]), { kind: 'one', id: 'new-eu' });
    assert.deepEqual(matchConnection({ account: '333333333333', region: 'eu-west-1' }, [newEu, { ...newEu, id: 'new2-eu' }, devEu]), { kind: 'several', ids: ['new-eu', 'new2-eu'] });
  });

  it('accounts are found out only when the manifest names one, only in its region, only unknown ones, only when it can change the choice', () => {
    const newUs: ConnectionFacts = { id: 'new-us', label: 'new @ us-east-1', region: 'us-east-1' };
    assert.deepEqual(accountsToFindOut({ account: DEV, region: 'eu-west-1' }, [devEu, newEu, newUs, prodEu]), ['new-eu']);
    assert.deepEqual(accountsToFindOut({ region: 'eu-west-1' }, [devEu, newEu, newUs, prodEu]), [], 'no account to compare with');
    assert.deepEqual(accountsToFindOut({ account: DEV, region: 'us-east-1' }, [devEu, newEu, newUs, prodEu]), [], 'one connection in the region: the read finds its account out');
    assert.deepEqual(accountsToFindOut({ account: DEV }, [devEu, newEu, newUs]), ['new-eu', 'new-us'], 'no region: every connection is in it');
    assert.deepEqual(accountsToFindOut({ account: DEV, region: 'eu-west-1' }, [devEu, prodEu]), [], 'all known');
  });

  it('the cost CodeLens: the figures of the one connection that fits, once its account and region are known', () => {
    assert.equal(costConnection({ account: PROD, region: 'eu-west-1' }, [devEu, devUs, prodEu])?.id, 'prod-eu');
    assert.equal(costConnection({ region: 'eu-west-1' }, [devEu, devUs, prodEu]), undefined, 'two accounts there: whose figures is not known');
    assert.equal(costConnection({}, [devUs])?.id, 'dev-us');
    assert.equal(costConnection({ region: 'eu-west-1' }, [newEu, devUs]), undefined, 'its account is not known');
    assert.equal(costConnection({ region: 'ap-south-1' }, [devEu, devUs]), undefined);
  });
});

describe('warnings while editing: every connection, as far as it is known without a call', () => {
  it('a region no connection is in; an account no connection is to; both apart but not together', () => {
    assert.deepEqual(warned('{"region": "ap-south-1", "groups": {}}', [devEu, devUs]), [
      ['"ap-south-1"', 'This manifest is for region ap-south-1; the connections are in eu-west-1 and us-east-1. Plan and Apply refuse it.'],
    ]);
    assert.deepEqual(warned('{"account": "333333333333", "groups": {}}', [devEu, prodEu]), [
      ['"333333333333"', 'This manifest is for account 333333333333; the connections are to accounts 111111111111 and 222222222222. Plan and Apply refuse it.'],
    ]);
    assert.deepEqual(warned(`{"account": "${PROD}", "region": "us-east-1", "groups": {}}`, [devEu, devUs, prodEu]), [
      [
        `"${PROD}"`,
        'This manifest is for account 222222222222 in region us-east-1, and no connection is: the connections are dev @ eu-west-1 (account 111111111111), dev @ us-east-1 (account 111111111111) and prod @ eu-west-1 (account 222222222222). Plan and Apply refuse it.',
      ],
    ]);
  });

  it('nothing while a connection that may fit is not fully known, nor for one that fits', () => {
    assert.deepEqual(warned('{"region": "ap-south-1", "groups": {}}', [devEu, { id: 'p', label: 'default @ ?' }]), [], 'a region not known yet');
    assert.deepEqual(warned(`{"account": "333333333333", "region": "eu-west-1", "groups": {}}`, [devEu, newEu]), [], 'an account not known yet');
    assert.deepEqual(warned(`{"account": "${DEV}", "region": "eu-west-1", "groups": {}}`, [devEu, devUs, prodEu]), []);
    assert.deepEqual(warned('{"groups": {}}', [devEu, devUs]), []);
  });

  it('with one connection, the warnings of before issue 17', () => {
    assert.deepEqual(warned('{"account": "333333333333", "region": "us-east-1", "groups": {}}', [devEu]), [
      ['"333333333333"', 'This manifest is for account 333333333333; you are connected to account 111111111111. Plan and Apply refuse it.'],
      ['"us-east-1"', 'This manifest is for region us-east-1; you are connected to region eu-west-1. Plan and Apply refuse it.'],
    ]);
  });
});

// -------------------------------------------------------------------------------------------------
// Properties over small alphabets (so that regions and accounts collide often).

const REGIONS = ['eu-west-1', 'us-east-1', 'ap-south-1'];
const ACCOUNTS = [DEV, PROD, '333333333333'];
const targetArb: fc.Arbitrary<ManifestTarget> = fc.record({ account: fc.constantFrom(...ACCOUNTS), region: fc.constantFrom(...REGIONS) }, { requiredKeys: [] });
const connectionsArb: fc.Arbitrary<ConnectionFacts[]> = fc
  .array(fc.record({ region: fc.option(fc.constantFrom(...REGIONS), { nil: undefined, freq: 6 }), account: fc.option(fc.constantFrom(...ACCOUNTS), { nil: undefined, freq: 3 }) }), { minLength: 1, maxLength: 6 })
  .map((cs) => cs.map((c, i) => ({ id: `c${i}`, label: `p${i} @ ${c.region ?? '?'}`, ...(c.region ? { region: c.region } : {}), ...(c.account ? { account: c.account } : {}) })));

const inRegion = (t: ManifestTarget, c: ConnectionFacts) => t.region === undefined || c.region === t.region;
const accountMayFit = (t: ManifestTarget, c: ConnectionFacts) => t.account === undefined || c.account === undefined || c.account === t.account;
const chosen = (m: ReturnType<typeof matchConnection>) => (m.kind === 'one' ? [m.id] : m.kind === 'several' ? m.ids : []);

describe('matching, properties', () => {
  it('what is chosen fits (region equal, account equal where known), in order; none only when nothing fits', () => {
    fc.assert(
      fc.property(targetArb, connectionsArb, (t, cs) => {
        const m = matchConnection(t, cs);
        const ids = chosen(m);
        const order = cs.map((c) => c.id);
        assert.deepEqual(ids, order.filter((id) => ids.includes(id)), 'in the connections\' order');
        for (const id of ids) {
          const c = cs.find((x) => x.id === id)!;
          assert.ok(inRegion(t, c) && accountMayFit(t, c), JSON.stringify({ t, c }));
        }
        const fitting = cs.filter((c) => inRegion(t, c) && accountMayFit(t, c));
        assert.equal(m.kind === 'none', fitting.length === 0);
        // A connection known to be the manifest's account and region is always offered.
        for (const c of cs) if (inRegion(t, c) && t.account !== undefined && c.account === t.account) assert.ok(ids.includes(c.id));
        if (t.account === undefined) assert.deepEqual(ids, fitting.map((c) => c.id), 'without an account, every connection of the region');
        if (m.kind === 'none') {
          // Several connections: the manifest's account and region; one: the one that differs, as before issue 17.
          if (t.account && (cs.length > 1 || m.reason === 'account')) assert.ok(m.message.includes(`account ${t.account}`), m.message);
          if (t.region && (cs.length > 1 || m.reason === 'region')) assert.ok(m.message.includes(`region ${t.region}`), m.message);
          if (cs.length > 1) for (const c of cs) assert.ok(m.message.includes(c.label), `${c.label} in ${m.message}`);
          assert.equal(m.reason, cs.some((c) => inRegion(t, c)) ? 'account' : 'region');
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('finding out the accounts it lists is all that can change the choice: any accounts of the others leave it as it is, or make it none', () => {
    fc.assert(
      fc.property(targetArb, connectionsArb, fc.array(fc.constantFrom(...ACCOUNTS), { minLength: 6, maxLength: 6 }), (t, cs, fill) => {
        const ask = accountsToFindOut(t, cs);
        for (const id of ask) {
          const c = cs.find((x) => x.id === id)!;
          assert.ok(c.account === undefined && inRegion(t, c) && t.account !== undefined, JSON.stringify({ t, c }));
        }
        // The accounts found out (any), then any accounts for the connections left unknown.
        const found = cs.map((c, i) => (ask.includes(c.id) ? { ...c, account: fill[i] } : c));
        const completed = found.map((c, i) => (c.account === undefined ? { ...c, account: fill[i] } : c));
        const before = matchConnection(t, found);
        const after = matchConnection(t, completed);
        const seen = JSON.stringify({ t, cs, found, completed, before, after });
        if (before.kind === 'one') assert.ok(after.kind === 'none' || (after.kind === 'one' && after.id === before.id), seen);
        else if (before.kind === 'several') assert.deepEqual(after, before, seen);
        else assert.equal(after.kind, 'none', seen);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the warnings never warn of a manifest a connection may fit; with every fact known, they warn exactly when Plan would refuse', () => {
    fc.assert(
      fc.property(targetArb, connectionsArb, (t, cs) => {
        const text = JSON.stringify({ ...t, groups: {} });
        const warnings = connectionWarnings(parseManifest(text), cs);
        const mayFit = cs.some((c) => (t.region === undefined || c.region === undefined || c.region === t.region) && accountMayFit(t, c));
        if (mayFit) assert.deepEqual(warnings, [], JSON.stringify({ t, cs }));
        const allKnown = cs.every((c) => c.region !== undefined && c.account !== undefined);
        if (allKnown) assert.equal(warnings.length > 0, matchConnection(t, cs).kind === 'none', JSON.stringify({ t, cs, warnings }));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the cost CodeLens\'s connection is the one Plan would choose, with its account and region known', () => {
    fc.assert(
      fc.property(targetArb, connectionsArb, (t, cs) => {
        const c = costConnection(t, cs);
        const m = matchConnection(t, cs);
        if (c) {
          assert.deepEqual(m, { kind: 'one', id: c.id });
          assert.ok(c.account && c.region);
        } else assert.ok(m.kind !== 'one' || !cs.find((x) => x.id === m.id)!.account || !cs.find((x) => x.id === m.id)!.region);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
