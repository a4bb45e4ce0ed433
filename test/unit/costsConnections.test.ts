// Costs across connections (issue 17), the arithmetic: the answers of the queries merged, each amount
// placed under its connection (its account and region, or its account when Cost Explorer did not
// say the region), values matched to that connection's groups, each group's figure for the tree.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import {
  buildConnectionsCostTable,
  buildCostTable,
  chartSeries,
  costsByConnection,
  mergeCostData,
  rowLabel,
  type CostConnection,
  type CostData,
  type CostEntry,
  type KnownGroup,
} from '../../src/core/costs';
import { costsCsv, parseCsv } from '../../src/core/costsCsv';
import { panelModel } from '../../src/core/costsProtocol';
import { scopeOf } from '../../src/core/costQueries';
import { NUM_RUNS } from './arbitraries';

const MGMT = '111111111111';
const DEV = '222222222222';
const e = (value: string, amount: number, where: { account?: string; region?: string } = {}): CostEntry => ({ value, amount, unit: 'USD', ...where });
const data = (months: CostEntry[][], extra: Partial<CostData> = {}): CostData => ({
  tagKey: 'BillingGroup',
  metric: 'UnblendedCost',
  months: months.map((entries, i) => ({ month: `2026-${String(10 + i).padStart(2, '0')}`, estimated: i === months.length - 1, entries })),
  fetchedAt: 1000,
  pages: 1,
  ...extra,
});
const conn = (id: string, account: string, region: string, groups: KnownGroup[]): CostConnection => ({ id, label: `default @ ${region}${account === DEV ? ' (dev)' : ''}`, account, region, groups });

describe('mergeCostData', () => {
  it('places each entry by its second key or the query\'s scope, joins the months, keeps the oldest "as of" and counts every page', () => {
    const one = { data: data([[e('a', 1)], [e('a', 2)]], { fetchedAt: 5000, pages: 2 }), scope: scopeOf([{ account: DEV, region: 'eu-west-1' }]) };
    const two = {
      data: data([[e('b', 3, { account: MGMT }), e('c', 4, { account: DEV })], []], { fetchedAt: 3000, pages: 1 }),
      scope: scopeOf([
        { account: MGMT, region: 'eu-west-1' },
        { account: MGMT, region: 'us-east-1' },
        { account: DEV, region: 'ap-south-1' },
      ]),
    };
    const m = mergeCostData([one, two]);
    assert.deepEqual(m.months.map((x) => x.month), ['2026-10', '2026-11']);
    assert.deepEqual(m.months[0].entries, [e('a', 1, { account: DEV, region: 'eu-west-1' }), e('b', 3, { account: MGMT }), e('c', 4, { account: DEV, region: 'ap-south-1' })]);
    assert.deepEqual(m.months.map((x) => x.estimated), [false, true], 'a month is estimated when any answer says so');
    assert.equal(m.fetchedAt, 3000);
    assert.equal(m.pages, 3);
  });
});

describe('buildConnectionsCostTable', () => {
  const eu = conn('eu', MGMT, 'eu-west-1', [{ name: 'fleet' }, { name: 'eu-only' }, { name: 'fin-a', tags: [{ key: 'BillingGroup', value: 'fin' }] }, { name: 'fin-b', tags: [{ key: 'BillingGroup', value: 'fin' }] }]);
  const us = conn('us', MGMT, 'us-east-1', [{ name: 'fleet' }, { name: 'us-only' }]);
  const dev = conn('dev', DEV, 'eu-west-1', [{ name: 'fleet' }, { name: 'dev-only' }]);

  it('each connection\'s value under its own connection: the same group name in two accounts is two rows', () => {
    const t = buildConnectionsCostTable(
      data([[e('fleet', 5, { account: MGMT, region: 'eu-west-1' }), e('fleet', 7, { account: DEV, region: 'eu-west-1' }), e('dev-only', 1, { account: DEV, region: 'eu-west-1' }), e('', 2, { account: DEV, region: 'eu-west-1' })]]),
      [eu, dev],
    );
    assert.deepEqual(
      t.rows.map((r) => [r.kind, r.value, r.groups, r.connections, r.account, r.region, r.total]),
      [
        ['group', 'fleet', ['fleet'], ['dev'], DEV, 'eu-west-1', 7],
        ['group', 'fleet', ['fleet'], ['eu'], MGMT, 'eu-west-1', 5],
        ['group', 'dev-only', ['dev-only'], ['dev'], DEV, 'eu-west-1', 1],
        ['unallocated', '', [], ['dev'], DEV, 'eu-west-1', 2],
      ],
    );
    assert.deepEqual(t.connections?.map((c) => c.id), ['eu', 'dev']);
  });

  it('the region not known (grouped by account): a value is matched against the groups of each of the account\'s connections', () => {
    const t = buildConnectionsCostTable(
      data([[e('us-only', 3, { account: MGMT }), e('fleet', 4, { account: MGMT }), e('fin', 6, { account: MGMT }), e('ghost', 1, { account: MGMT }), e('', 2, { account: MGMT })]]),
      [eu, us, dev],
    );
    const row = (v: string) => t.rows.find((r) => r.value === v);
    assert.deepEqual([row('us-only')?.kind, row('us-only')?.connections, row('us-only')?.region], ['group', ['us'], 'us-east-1'], 'one connection has it: that connection\'s, region known');
    assert.deepEqual([row('fleet')?.kind, row('fleet')?.groups, row('fleet')?.groupConnections, row('fleet')?.region], ['shared', ['fleet', 'fleet'], [['eu'], ['us']], undefined], 'several: one shared row naming them');
    assert.equal(rowLabel(row('fleet')!), 'fleet (shared by fleet (default @ eu-west-1), fleet (default @ us-east-1))');
    assert.deepEqual([row('fin')?.kind, row('fin')?.groups, row('fin')?.connections, row('fin')?.region], ['shared', ['fin-a', 'fin-b'], ['eu'], 'eu-west-1'], 'shared within one connection, as before');
    assert.deepEqual([row('ghost')?.kind, row('ghost')?.connections, row('ghost')?.region, row('ghost')?.account], ['unmatched', ['eu', 'us'], undefined, MGMT], 'no group: a row of the account');
    assert.deepEqual([row('')?.kind, row('')?.connections, row('')?.region, row('')?.account], ['unallocated', ['eu', 'us'], undefined, MGMT], 'Unallocated per account when the region is not known');
  });

  it('each group\'s figure goes to its own connection; a value shared across connections says with whom', () => {
    const t = buildConnectionsCostTable(data([[e('fleet', 4, { account: MGMT }), e('us-only', 3, { account: MGMT, region: 'us-east-1' }), e('fleet', 9, { account: DEV, region: 'eu-west-1' })]]), [eu, us, dev]);
    const by = costsByConnection(t);
    assert.deepEqual([...(by.get('us')?.keys() ?? [])].sort(), ['fleet', 'us-only']);
    assert.deepEqual(by.get('us')?.get('fleet')?.sharedWith, ['fleet (default @ eu-west-1)']);
    assert.deepEqual(by.get('eu')?.get('fleet')?.sharedWith, ['fleet (default @ us-east-1)']);
    assert.deepEqual(by.get('dev')?.get('fleet')?.amounts, [9]);
    assert.deepEqual(by.get('dev')?.get('fleet')?.sharedWith, []);
  });

  it('two connections of one account and region are one place: its rows belong to both', () => {
    const twin = { ...eu, id: 'eu-admin', label: 'admin @ eu-west-1' };
    const t = buildConnectionsCostTable(data([[e('eu-only', 1, { account: MGMT, region: 'eu-west-1' })]]), [eu, twin]);
    assert.deepEqual(t.rows.map((r) => [r.kind, r.connections]), [['group', ['eu', 'eu-admin']]]);
    assert.deepEqual(costsByConnection(t).get('eu-admin')?.get('eu-only')?.amounts, [1]);
  });

  it('one connection: the rows are those of the table of its groups, as before', () => {
    const d = data([[e('fleet', 1), e('fin', 2), e('ghost', 3), e('', 4)], [e('eu-only', 5)]]);
    const located = mergeCostData([{ data: d, scope: scopeOf([{ account: MGMT, region: 'eu-west-1' }]) }]);
    const across = buildConnectionsCostTable(located, [eu]);
    const alone = buildCostTable(d, eu.groups);
    const strip = (rows: typeof across.rows) => rows.map((r) => ({ kind: r.kind, value: r.value, groups: r.groups, amounts: r.amounts, total: r.total }));
    assert.deepEqual(strip(across.rows), strip(alone.rows));
    assert.deepEqual(across.monthTotals, alone.monthTotals);
    assert.deepEqual(rowLabel(across.rows[1]), rowLabel(alone.rows[1]));
  });

  // ---- properties ----
  const accounts = [MGMT, DEV];
  const regions = ['eu-west-1', 'us-east-1'];
  const names = fc.constantFrom('fleet', 'a', 'b', 'fin');
  const connections = fc
    .uniqueArray(fc.record({ account: fc.constantFrom(...accounts), region: fc.constantFrom(...regions) }), { minLength: 1, maxLength: 4, selector: (p) => `${p.account}/${p.region}` })
    .chain((places) =>
      fc.tuple(
        ...places.map((p, i) =>
          fc.uniqueArray(fc.record({ name: names, tags: fc.option(fc.constant([{ key: 'BillingGroup', value: 'fin' }]), { nil: undefined }) }, { requiredKeys: ['name'] }), { maxLength: 3, selector: (g) => g.name }).map((groups) => conn(`c${i}`, p.account, p.region, groups)),
        ),
      ),
    );
  const entries = fc.array(
    fc.record({
      value: fc.constantFrom('', 'fleet', 'a', 'b', 'fin', 'ghost'),
      amount: fc.integer({ min: -1000, max: 100_000 }).map((c) => c / 100),
      account: fc.constantFrom(...accounts),
      region: fc.option(fc.constantFrom(...regions), { nil: undefined }),
    }),
    { maxLength: 12 },
  );
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

  it('property: every amount lands in exactly one row, with its value and account, under a connection of that account and region', () => {
    fc.assert(
      // An account's amounts either all say their region or none does (one query covers an account, grouped one way).
      fc.property(connections, fc.array(entries, { minLength: 1, maxLength: 3 }), fc.subarray(accounts), (conns, months, byAccount) => {
        const region = (x: { account: string; region?: string }) => (byAccount.includes(x.account) ? {} : { region: x.region ?? 'eu-west-1' });
        const d = data(months.map((es) => es.map((x) => e(x.value, x.amount, { account: x.account, ...region(x) }))));
        const t = buildConnectionsCostTable(d, conns);
        d.months.forEach((m, i) => {
          assert.ok(close(t.monthTotals[i], m.entries.reduce((a, x) => a + x.amount, 0)));
          // Per value and account, the rows hold exactly the entries' amounts.
          for (const x of m.entries) {
            const rows = t.rows.filter((r) => r.value === x.value && r.account === x.account);
            const expected = m.entries.filter((y) => y.value === x.value && y.account === x.account).reduce((a, y) => a + y.amount, 0);
            assert.ok(close(rows.reduce((a, r) => a + r.amounts[i], 0), expected));
          }
        });
        const ids = new Set(conns.map((c) => c.id));
        for (const r of t.rows) {
          // A row's connections are of its account, and of its region when it is known.
          for (const id of r.connections ?? []) {
            assert.ok(ids.has(id));
            const c = conns.find((x) => x.id === id)!;
            assert.equal(c.account, r.account);
            if (r.region !== undefined) assert.equal(c.region, r.region);
          }
          assert.equal(r.kind === 'unallocated', r.value === '');
          assert.equal(r.kind === 'group', r.groups.length === 1);
          assert.equal(r.kind === 'shared', r.groups.length > 1);
          // Each group it names is a group of the connections given for it.
          r.groups.forEach((g, k) => {
            for (const id of r.groupConnections?.[k] ?? []) assert.ok(conns.find((x) => x.id === id)!.groups.some((x) => x.name === g));
            assert.ok((r.groupConnections?.[k] ?? []).length > 0);
          });
        }
        // Rows are distinct places: no two rows of one value, account, region and connections.
        const keys = t.rows.map((r) => JSON.stringify([r.value, r.account, r.region ?? null, r.connections]));
        assert.equal(new Set(keys).size, keys.length);
        // A group of a connection is named by at most one row.
        const named = t.rows.flatMap((r) => r.groups.flatMap((g, k) => (r.groupConnections?.[k] ?? []).map((id) => `${id}/${g}`)));
        assert.equal(new Set(named).size, named.length);
        // Unallocated rows last.
        const firstUn = t.rows.findIndex((r) => r.kind === 'unallocated');
        if (firstUn >= 0) assert.ok(t.rows.slice(firstUn).every((r) => r.kind === 'unallocated'));
        // The chart shows every amount once, Unallocated of every place in one stack.
        const series = chartSeries(t);
        t.months.forEach((_, i) => assert.ok(close(series.reduce((a, x) => a + x.amounts[i], 0), t.monthTotals[i])));
        // The tree's figures are the rows', under the connections that hold each group.
        const by = costsByConnection(t);
        for (const [id, groups] of by) for (const [g] of groups) assert.ok(conns.find((x) => x.id === id)!.groups.some((x) => x.name === g));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('property: with one connection and entries of its place, the rows are buildCostTable\'s', () => {
    fc.assert(
      fc.property(connections, entries, (conns, es) => {
        const only = conns[0];
        const d = data([es.map((x) => e(x.value, x.amount))]);
        const across = buildConnectionsCostTable(mergeCostData([{ data: d, scope: scopeOf([only]) }]), [only]);
        const alone = buildCostTable(d, only.groups);
        assert.deepEqual(
          across.rows.map((r) => [r.kind, r.value, r.groups, r.amounts]),
          alone.rows.map((r) => [r.kind, r.value, r.groups, r.amounts]),
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('the panel and the CSV with several connections', () => {
  const eu = conn('eu', MGMT, 'eu-west-1', [{ name: 'fleet' }]);
  const dev = conn('dev', DEV, 'eu-west-1', [{ name: 'fleet' }]);
  const us = conn('us', MGMT, 'us-east-1', [{ name: 'us-only' }]);

  it('a Connection for each row (the account in its title), only when the figures cover several connections', () => {
    const t = buildConnectionsCostTable(data([[e('fleet', 5, { account: MGMT, region: 'eu-west-1' }), e('fleet', 7, { account: DEV, region: 'eu-west-1' }), e('', 1, { account: MGMT })]]), [eu, dev, us]);
    const m = panelModel(t, { metric: 'UnblendedCost', asOf: 'x' });
    assert.equal(m.byConnection, true);
    assert.deepEqual(
      m.rows.map((r) => [r.value, r.connection]),
      [
        ['fleet', 'default @ eu-west-1 (dev)'],
        ['fleet', 'default @ eu-west-1'],
        ['', 'default @ eu-west-1, default @ us-east-1'],
      ],
    );
    assert.match(m.rows[0].connectionTitle, new RegExp(`Account ${DEV}`));
    assert.deepEqual(
      m.series.map((x) => x.label),
      ['fleet (default @ eu-west-1 (dev))', 'fleet (default @ eu-west-1)', 'Unallocated'],
      'the chart names each row\'s connection: one group name may be a group of several accounts',
    );
    assert.match(m.rows[2].connectionTitle, /region.*not known/i);
    const one = panelModel(buildConnectionsCostTable(data([[e('fleet', 5, { account: MGMT, region: 'eu-west-1' })]]), [eu]), { metric: 'UnblendedCost', asOf: 'x' });
    assert.equal(one.byConnection, false);
  });

  it('the CSV gains account and region columns after the others with several connections; one connection\'s CSV is as before', () => {
    const t = buildConnectionsCostTable(data([[e('fleet', 5, { account: MGMT, region: 'eu-west-1' }), e('', 1, { account: MGMT })]]), [eu, us]);
    const records = parseCsv(costsCsv(t));
    assert.deepEqual(records[0], ['group', 'tag value', 'month', 'amount', 'currency', 'estimated', 'account', 'region']);
    assert.deepEqual(records[1], ['fleet', 'fleet', '2026-10', '5', 'USD', 'true', MGMT, 'eu-west-1']);
    assert.deepEqual(records[2], ['', '', '2026-10', '1', 'USD', 'true', MGMT, ''], 'the region left empty where Cost Explorer did not say it');
    const one = parseCsv(costsCsv(buildConnectionsCostTable(data([[e('fleet', 5, { account: MGMT, region: 'eu-west-1' })]]), [eu])));
    assert.deepEqual(one[0], ['group', 'tag value', 'month', 'amount', 'currency', 'estimated']);
  });
});
