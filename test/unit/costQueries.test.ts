// Costs across connections (issue 17): which Cost Explorer queries the connections need. One query
// per payer when a connection is in the payer account, else one per account; never one per
// connection; the Filter never counts a region connected only for another account; GroupBy at most two.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import {
  costQueryFilter,
  costQueryGroupBy,
  locateEntry,
  planCostQueries,
  scopeCovers,
  scopeOf,
  secondGroupBy,
  type CostExpression,
  type PlanConnection,
} from '../../src/core/costQueries';
import { NUM_RUNS } from './arbitraries';

const SERVICES = ['AWS IoT'];
const c = (id: string, account: string, region: string, payer = account): PlanConnection => ({ id, account, region, payer });

describe('scopeOf', () => {
  it('lists each account once with its regions, both sorted, whatever the order and repeats', () => {
    assert.deepEqual(
      scopeOf([
        { account: '222222222222', region: 'us-east-1' },
        { account: '111111111111', region: 'eu-west-1' },
        { account: '222222222222', region: 'eu-west-1' },
        { account: '222222222222', region: 'us-east-1' },
      ]),
      [
        { account: '111111111111', regions: ['eu-west-1'] },
        { account: '222222222222', regions: ['eu-west-1', 'us-east-1'] },
      ],
    );
  });
});

describe('planCostQueries', () => {
  it('one connection: one query of its account and region, no second GroupBy, no payer needed', () => {
    assert.deepEqual(planCostQueries([c('a', '111111111111', 'eu-west-1')]), [
      { payer: '111111111111', signer: 'a', signerAccount: '111111111111', scope: [{ account: '111111111111', regions: ['eu-west-1'] }], connections: ['a'], second: undefined },
    ]);
  });

  it('two regions of one account: one query, REGION in both regions, grouped by TAG and REGION', () => {
    const [q, ...more] = planCostQueries([c('eu', '111111111111', 'eu-west-1'), c('us', '111111111111', 'us-east-1')]);
    assert.equal(more.length, 0);
    assert.equal(q.signer, 'eu', 'the first connection signs');
    assert.deepEqual(q.scope, [{ account: '111111111111', regions: ['eu-west-1', 'us-east-1'] }]);
    assert.equal(q.second, 'REGION');
    assert.deepEqual(q.connections, ['eu', 'us']);
  });

  it('a member and its management account connected: one query signed by the management account\'s connection covers both', () => {
    const plan = planCostQueries([c('dev', '222222222222', 'eu-west-1', '111111111111'), c('mgmt', '111111111111', 'us-east-1'), c('mgmt-eu', '111111111111', 'eu-west-1')]);
    assert.equal(plan.length, 1);
    assert.equal(plan[0].signer, 'mgmt', 'a connection IN the payer account signs, not the first connection');
    assert.equal(plan[0].signerAccount, '111111111111');
    assert.deepEqual(plan[0].scope, [
      { account: '111111111111', regions: ['eu-west-1', 'us-east-1'] },
      { account: '222222222222', regions: ['eu-west-1'] },
    ]);
    assert.equal(plan[0].second, 'LINKED_ACCOUNT');
    assert.deepEqual(plan[0].connections, ['dev', 'mgmt', 'mgmt-eu']);
  });

  it('members whose payer is not connected: one query per member account, each with its own credentials (a member sees only its own costs)', () => {
    const plan = planCostQueries([c('dev-eu', '222222222222', 'eu-west-1', '111111111111'), c('prod', '333333333333', 'eu-west-1', '111111111111'), c('dev-us', '222222222222', 'us-east-1', '111111111111')]);
    assert.deepEqual(
      plan.map((q) => [q.payer, q.signer, q.scope, q.second, q.connections]),
      [
        ['111111111111', 'dev-eu', [{ account: '222222222222', regions: ['eu-west-1', 'us-east-1'] }], 'REGION', ['dev-eu', 'dev-us']],
        ['111111111111', 'prod', [{ account: '333333333333', regions: ['eu-west-1'] }], undefined, ['prod']],
      ],
    );
  });

  it('a standalone account beside an organisation: a query of its own', () => {
    const plan = planCostQueries([c('mgmt', '111111111111', 'eu-west-1'), c('dev', '222222222222', 'eu-west-1', '111111111111'), c('solo', '444444444444', 'eu-west-1')]);
    assert.deepEqual(plan.map((q) => [q.payer, q.signer, q.scope.map((s) => s.account)]), [
      ['111111111111', 'mgmt', ['111111111111', '222222222222']],
      ['444444444444', 'solo', ['444444444444']],
    ]);
  });

  it('several accounts, each region connected for one account only: grouped by REGION, which names the connection exactly', () => {
    const plan = planCostQueries([c('m-eu', '111111111111', 'eu-west-1'), c('m-us', '111111111111', 'us-east-1'), c('dev', '222222222222', 'ap-south-1', '111111111111')]);
    assert.equal(plan[0].second, 'REGION');
  });

  const account = fc.constantFrom('111111111111', '222222222222', '333333333333', '444444444444');
  const region = fc.constantFrom('eu-west-1', 'us-east-1', 'ap-south-1');
  const connections = fc
    .array(fc.record({ account, region, payerOf: fc.constantFrom('self', '111111111111', '222222222222') }), { minLength: 1, maxLength: 10 })
    .map((xs) => {
      // The payer is a property of the account: every connection of an account names the same one.
      const payer = new Map<string, string>();
      for (const x of xs) if (!payer.has(x.account)) payer.set(x.account, x.payerOf === 'self' ? x.account : x.payerOf);
      return xs.map((x, i) => c(`c${i}`, x.account, x.region, payer.get(x.account)));
    });

  it('property: every connection is in exactly one query, whose scope holds its account and region; one query per payer with a connection in it, else one per account', () => {
    fc.assert(
      fc.property(connections, (conns) => {
        const plan = planCostQueries(conns);
        for (const conn of conns) {
          const holding = plan.filter((q) => q.connections.includes(conn.id));
          assert.equal(holding.length, 1, `${conn.id} in exactly one query`);
          assert.ok(scopeCovers(holding[0].scope, conn.account, conn.region));
          assert.equal(holding[0].payer, conn.payer);
        }
        // No (account, region) in two queries: nothing is counted twice.
        const pairs = plan.flatMap((q) => q.scope.flatMap((s) => s.regions.map((r) => `${s.account}/${r}`)));
        assert.equal(new Set(pairs).size, pairs.length);
        // The scope holds only connected pairs.
        for (const p of pairs) assert.ok(conns.some((x) => `${x.account}/${x.region}` === p));
        const payers = new Set(conns.map((x) => x.payer));
        for (const payer of payers) {
          const queries = plan.filter((q) => q.payer === payer);
          const inPayer = conns.some((x) => x.payer === payer && x.account === payer);
          const accounts = new Set(conns.filter((x) => x.payer === payer).map((x) => x.account));
          assert.equal(queries.length, inPayer ? 1 : accounts.size);
          for (const q of queries) {
            // The signer is a connection of the query, in the payer account or (without one) in the query's only account.
            const signer = conns.find((x) => x.id === q.signer);
            assert.ok(signer && q.connections.includes(signer.id));
            assert.equal(signer.account, inPayer ? payer : q.scope[0].account);
            assert.equal(q.signerAccount, signer.account);
            if (!inPayer) assert.equal(q.scope.length, 1, 'a member account\'s Cost Explorer sees only its own costs');
          }
        }
        assert.ok(plan.length <= conns.length, 'never more queries than connections');
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('property: the second GroupBy tells every answer\'s account, and its region whenever it can', () => {
    fc.assert(
      fc.property(connections, (conns) => {
        for (const q of planCostQueries(conns)) {
          const second = secondGroupBy(q.scope);
          assert.equal(q.second, second);
          const regionCount = q.scope.reduce((n, s) => n + s.regions.length, 0);
          if (q.scope.length > 1) assert.ok(second === 'LINKED_ACCOUNT' || second === 'REGION');
          else assert.equal(second, regionCount > 1 ? 'REGION' : undefined);
          assert.ok(costQueryGroupBy('BillingGroup', second).length <= 2, 'Cost Explorer allows at most two GroupBy');
          // Each group of an answer: its account is always known; its region unless the account is in several regions and grouped by account.
          for (const s of q.scope)
            for (const r of s.regions) {
              const key = second === 'LINKED_ACCOUNT' ? { account: s.account } : second === 'REGION' ? { region: r } : {};
              const at = locateEntry(q.scope, key);
              assert.equal(at.account, s.account);
              if (second !== 'LINKED_ACCOUNT' || s.regions.length === 1) assert.equal(at.region, r);
              else assert.equal(at.region, undefined);
            }
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

/** Evaluates a Filter for one (service, account, region, record type) as Cost Explorer does. */
function keeps(e: CostExpression, row: Record<string, string>): boolean {
  if ('And' in e) return e.And.every((x) => keeps(x, row));
  if ('Or' in e) return e.Or.some((x) => keeps(x, row));
  if ('Not' in e) return !keeps(e.Not, row);
  return e.Dimensions.Values.includes(row[e.Dimensions.Key]);
}

/** Each Expression has one root (Cost Explorer refuses "more than one roots"). */
function oneRoot(e: CostExpression): boolean {
  const roots = Object.keys(e).filter((k) => ['And', 'Or', 'Not', 'Dimensions', 'Tags', 'CostCategories'].includes(k));
  if (roots.length !== 1) return false;
  if ('And' in e) return e.And.length >= 2 && e.And.every(oneRoot);
  if ('Or' in e) return e.Or.length >= 2 && e.Or.every(oneRoot);
  if ('Not' in e) return oneRoot(e.Not);
  return true;
}

describe('costQueryFilter', () => {
  it('one account: LINKED_ACCOUNT and REGION beside SERVICE and the RECORD_TYPE exclusion, as the query always was', () => {
    assert.deepEqual(costQueryFilter([{ account: '111111111111', regions: ['eu-west-1'] }], SERVICES, false), {
      And: [
        { Dimensions: { Key: 'SERVICE', Values: ['AWS IoT'] } },
        { Dimensions: { Key: 'LINKED_ACCOUNT', Values: ['111111111111'] } },
        { Dimensions: { Key: 'REGION', Values: ['eu-west-1'] } },
        { Not: { Dimensions: { Key: 'RECORD_TYPE', Values: ['Credit', 'Refund'] } } },
      ],
    });
  });

  it('several accounts: an Or of each account with its own regions', () => {
    assert.deepEqual(
      costQueryFilter(
        [
          { account: '111111111111', regions: ['eu-west-1', 'us-east-1'] },
          { account: '222222222222', regions: ['eu-west-1'] },
        ],
        SERVICES,
        true,
      ),
      {
        And: [
          { Dimensions: { Key: 'SERVICE', Values: ['AWS IoT'] } },
          {
            Or: [
              { And: [{ Dimensions: { Key: 'LINKED_ACCOUNT', Values: ['111111111111'] } }, { Dimensions: { Key: 'REGION', Values: ['eu-west-1', 'us-east-1'] } }] },
              { And: [{ Dimensions: { Key: 'LINKED_ACCOUNT', Values: ['222222222222'] } }, { Dimensions: { Key: 'REGION', Values: ['eu-west-1'] } }] },
            ],
          },
        ],
      },
    );
  });

  it('property: keeps exactly the usage of a connected account in one of ITS regions, of the services, without credits unless asked', () => {
    const account = fc.constantFrom('111111111111', '222222222222', '333333333333');
    const region = fc.constantFrom('eu-west-1', 'us-east-1', 'ap-south-1');
    fc.assert(
      fc.property(
        fc.array(fc.record({ account, region }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.record({ account, region, service: fc.constantFrom('AWS IoT', 'Amazon S3'), recordType: fc.constantFrom('Usage', 'Credit', 'Refund', 'Tax') }),
        (pairs, credits, usage) => {
          const scope = scopeOf(pairs);
          const filter = costQueryFilter(scope, SERVICES, credits);
          assert.ok(oneRoot(filter), JSON.stringify(filter));
          const row = { SERVICE: usage.service, LINKED_ACCOUNT: usage.account, REGION: usage.region, RECORD_TYPE: usage.recordType };
          const expected =
            pairs.some((p) => p.account === usage.account && p.region === usage.region) &&
            usage.service === 'AWS IoT' &&
            (credits || (usage.recordType !== 'Credit' && usage.recordType !== 'Refund'));
          assert.equal(keeps(filter, row), expected);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('costQueryGroupBy', () => {
  it('TAG first, then the dimension that tells the connections apart', () => {
    assert.deepEqual(costQueryGroupBy('BillingGroup', undefined), [{ Type: 'TAG', Key: 'BillingGroup' }]);
    assert.deepEqual(costQueryGroupBy('BillingGroup', 'LINKED_ACCOUNT'), [
      { Type: 'TAG', Key: 'BillingGroup' },
      { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
    ]);
  });
});
