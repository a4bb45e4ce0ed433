// Runs many calls paced: at most `concurrency` at once and at most `perSecond` started per second,
// so bulk work (delete 100 groups, add 100 things) stays under the API's low request-rate quotas
// instead of turning into a wall of throttling errors. Stops starting new work once cancelled.
export interface BulkOptions {
  concurrency: number;
  perSecond: number;
  isCancelled?: () => boolean;
  onDone?: (done: number, total: number) => void;
  /** Injected for tests; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export interface BulkOutcome<T> {
  item: T;
  ok: boolean;
  error?: unknown;
}

export async function runBulk<T>(items: readonly T[], work: (item: T) => Promise<void>, o: BulkOptions): Promise<BulkOutcome<T>[]> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const outcomes: BulkOutcome<T>[] = [];
  const interval = 1000 / o.perSecond;
  let nextStart = 0;
  let index = 0;
  let done = 0;
  const worker = async () => {
    while (index < items.length && !o.isCancelled?.()) {
      const item = items[index++];
      // Reserve the next start slot before waiting, so workers never start two in one slot.
      const now = Date.now();
      const start = Math.max(now, nextStart);
      nextStart = start + interval;
      if (start > now) await sleep(start - now);
      if (o.isCancelled?.()) break;
      try {
        await work(item);
        outcomes.push({ item, ok: true });
      } catch (error) {
        outcomes.push({ item, ok: false, error });
      }
      o.onDone?.(++done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, items.length)) }, worker));
  return outcomes;
}
