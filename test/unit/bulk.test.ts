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
});
