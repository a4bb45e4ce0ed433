// The payer of each account (issue 17, costs across connections): read once with DescribeOrganization,
// kept a day in globalState; a refusal makes the account its own payer, remembered until a forced load.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PayerInfo } from '../../src/aws';
import type { MementoLike } from '../../src/costs/costCache';
import { PAYER_TTL_MS, PayerBook } from '../../src/costs/costsAcross';

function memento(): MementoLike {
  const raw = new Map<string, string>();
  return { get: <T>(k: string) => (raw.has(k) ? (JSON.parse(raw.get(k) as string) as T) : undefined), update: async (k, v) => void raw.set(k, JSON.stringify(v)) };
}

describe('PayerBook', () => {
  const MEMBER = '222222222222';
  const MGMT = '111111111111';
  const lines: string[] = [];
  const log = { info: (m: string) => void lines.push(m), warn: (m: string) => void lines.push(`WARN ${m}`) };

  it('asks once and keeps the answer a day, across windows (globalState)', async () => {
    let now = 1_000_000;
    const state = memento();
    let asked = 0;
    const ask = async (): Promise<PayerInfo> => (asked++, { kind: 'organization', managementAccount: MGMT });
    assert.equal(await new PayerBook(state, () => now).payerOf(MEMBER, 'dev @ eu-west-1', ask, log), MGMT);
    now += PAYER_TTL_MS - 1;
    assert.equal(await new PayerBook(state, () => now).payerOf(MEMBER, 'dev @ eu-west-1', ask, log), MGMT, 'another window, within the day');
    assert.equal(asked, 1);
    now += 1;
    assert.equal(await new PayerBook(state, () => now).payerOf(MEMBER, 'dev @ eu-west-1', ask, log), MGMT);
    assert.equal(asked, 2, 'after a day it is asked again');
    now -= 10 * PAYER_TTL_MS; // the clock set back: not trusted
    await new PayerBook(state, () => now).payerOf(MEMBER, 'dev @ eu-west-1', ask, log);
    assert.equal(asked, 3);
  });

  it('standalone: its own payer', async () => {
    assert.equal(await new PayerBook(memento()).payerOf(MEMBER, 'x', async () => ({ kind: 'standalone' }), log), MEMBER);
  });

  it('a refusal: its own payer, the log says why and through which connection; asked again only on a forced load', async () => {
    lines.length = 0;
    const book = new PayerBook(memento());
    let asked = 0;
    const refuse = async (): Promise<PayerInfo> => {
      asked++;
      throw Object.assign(new Error('denied'), { awsProblem: true, code: 'AccessDenied', message: 'Access denied: not allowed organizations:DescribeOrganization.' });
    };
    assert.equal(await book.payerOf(MEMBER, 'dev @ eu-west-1', refuse, log), MEMBER);
    assert.match(lines.join('\n'), /WARN Costs: the payer of account 222222222222 could not be read through dev @ eu-west-1 \(AccessDenied: Access denied: not allowed organizations:DescribeOrganization\.\); it counts as its own payer/);
    assert.equal(await book.payerOf(MEMBER, 'dev @ eu-west-1', refuse, log), MEMBER);
    assert.equal(asked, 1, 'remembered: not asked at each load');
    await book.payerOf(MEMBER, 'dev @ eu-west-1', refuse, log, true);
    assert.equal(asked, 2, 'Refresh Costs asks again');
  });
});
