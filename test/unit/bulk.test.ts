// runBulk: pacing, concurrency, cancellation and per-item outcomes (real timers, small numbers).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runBulk } from '../../src/core/bulk';

describe('runBulk', () => {
  it('does every item once and reports progress up to the total', async () => {
    const seen: number[] = [];
    const progress: number[] = [];
    const out = await runBulk([1, 2, 3, 4, 5], async (n) => void seen.push(n), { concurrency: 2, perSecond: 1000, onDone: (d) => progress.push(d) });
    assert.deepEqual([...seen].sort(), [1, 2, 3, 4, 5]);
    assert.equal(out.length, 5);
    assert.ok(out.every((o) => o.ok));
    assert.deepEqual(progress, [1, 2, 3, 4, 5]);
  });

  it('never runs more than `concurrency` at once', async () => {
    let running = 0;
    let peak = 0;
    await runBulk(Array.from({ length: 12 }, (_, i) => i), async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
    }, { concurrency: 3, perSecond: 10_000 });
    assert.equal(peak, 3);
  });

  it('starts at most `perSecond` items per second', async () => {
    const starts: number[] = [];
    await runBulk(Array.from({ length: 10 }, (_, i) => i), async () => void starts.push(Date.now()), { concurrency: 4, perSecond: 20 });
    // 10 starts at 20/s are spread over at least 9 intervals of 50 ms.
    assert.ok(starts[starts.length - 1] - starts[0] >= 9 * 50 - 15, `spread ${starts[starts.length - 1] - starts[0]} ms`);
  });

  it('keeps going after a failure and reports it per item', async () => {
    const out = await runBulk(['a', 'b', 'c'], async (x) => {
      if (x === 'b') throw new Error('boom');
    }, { concurrency: 1, perSecond: 1000 });
    assert.deepEqual(out.map((o) => [o.item, o.ok]), [['a', true], ['b', false], ['c', true]]);
    assert.equal((out[1].error as Error).message, 'boom');
  });

  it('starts nothing more once cancelled', async () => {
    let cancelled = false;
    const done: number[] = [];
    await runBulk([1, 2, 3, 4, 5, 6], async (n) => {
      done.push(n);
      if (n === 2) cancelled = true;
    }, { concurrency: 1, perSecond: 1000, isCancelled: () => cancelled });
    assert.deepEqual(done, [1, 2]);
  });

  describe('retry of retryable failures', () => {
    class Throttled extends Error {}
    const retry = (times: number, backoffMs: number, log: Array<[unknown, number, number]> = []) => ({
      isRetryable: (e: unknown) => e instanceof Throttled,
      times,
      backoffMs,
      onRetry: (item: unknown, attempt: number, waitMs: number) => void log.push([item, attempt, waitMs]),
    });

    it('tries a throttled item again after a doubling back-off, and it succeeds', async () => {
      const calls: Record<string, number[]> = {};
      const seen: Array<[unknown, number, number]> = [];
      const out = await runBulk(['a', 'b'], async (x) => {
        (calls[x] ??= []).push(Date.now());
        if (x === 'a' && calls[x].length <= 2) throw new Throttled('Rate exceeded');
      }, { concurrency: 1, perSecond: 1000, retry: retry(3, 40, seen) });
      assert.deepEqual(out.map((o) => [o.item, o.ok, o.retries]), [['a', true, 2], ['b', true, undefined]]);
      assert.deepEqual(seen, [['a', 1, 40], ['a', 2, 80]]);
      const [t0, t1, t2] = calls.a;
      assert.ok(t1 - t0 >= 35 && t2 - t1 >= 75, `back-offs ${t1 - t0} ms, ${t2 - t1} ms`);
    });

    it('holds back the other workers during a back-off', async () => {
      const starts: Array<[string, number]> = [];
      let first = true;
      await runBulk(['a', 'b', 'c', 'd'], async (x) => {
        starts.push([x, Date.now()]);
        if (x === 'a' && first) {
          first = false;
          throw new Throttled('Rate exceeded');
        }
        await new Promise((r) => setTimeout(r, 5));
      }, { concurrency: 2, perSecond: 1000, retry: retry(1, 100) });
      const failedAt = starts[0][1];
      // b's slot was taken before a failed; every start after it (c, d and a again) waits out the back-off.
      assert.deepEqual(starts.slice(0, 2).map(([x]) => x), ['a', 'b']);
      const later = starts.slice(2);
      assert.deepEqual(later.map(([x]) => x).sort(), ['a', 'c', 'd']);
      for (const [x, t] of later) assert.ok(t - failedAt >= 95, `${x} started ${t - failedAt} ms after the throttle`);
    });

    it('gives up after `times` further tries, with the last error', async () => {
      let n = 0;
      const out = await runBulk(['a'], async () => {
        n++;
        throw new Throttled(`try ${n}`);
      }, { concurrency: 1, perSecond: 1000, retry: retry(2, 1) });
      assert.equal(n, 3);
      assert.equal(out[0].ok, false);
      assert.equal(out[0].retries, 2);
      assert.equal((out[0].error as Error).message, 'try 3');
    });

    it('never retries other errors', async () => {
      let n = 0;
      const out = await runBulk(['a'], async () => {
        n++;
        throw new Error('AccessDenied');
      }, { concurrency: 1, perSecond: 1000, retry: retry(3, 1) });
      assert.equal(n, 1);
      assert.equal(out[0].ok, false);
    });

    it('a cancel during the back-off leaves the item undone, at once', async () => {
      let cancelled = false;
      let n = 0;
      const started = Date.now();
      const out = await runBulk(['a', 'b'], async () => {
        n++;
        setTimeout(() => (cancelled = true), 20);
        throw new Throttled('Rate exceeded');
      }, { concurrency: 1, perSecond: 1000, retry: retry(3, 5_000), isCancelled: () => cancelled });
      assert.equal(n, 1);
      assert.deepEqual(out, []);
      assert.ok(Date.now() - started < 2_000, 'the 5 s back-off was cut short by the cancel');
    });
  });
});
