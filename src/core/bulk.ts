// Runs many calls paced: at most `concurrency` at once and at most `perSecond` started per second,
// so bulk work (delete 100 groups, add 100 things) stays under the API's low request-rate quotas
// instead of turning into a wall of throttling errors. Stops starting new work once cancelled.
//
// An item that still fails with a retryable error (throttling, after the SDK's own retries) is tried
// again after a back-off that also holds back every other start: one busy moment of the account's
// quota must not fail a job of a hundred calls.
export interface BulkRetry {
  /** Only errors that say the call was not carried out (throttling) may be retried. */
  isRetryable: (error: unknown) => boolean;
  /** Further tries per item. */
  times: number;
  /** The first back-off; it doubles with each further try of the same item. */
  backoffMs: number;
  onRetry?: (item: unknown, attempt: number, waitMs: number, error: unknown) => void;
}

export interface BulkOptions {
  concurrency: number;
  perSecond: number;
  isCancelled?: () => boolean;
  onDone?: (done: number, total: number) => void;
  retry?: BulkRetry;
  /** Injected for tests; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export interface BulkOutcome<T> {
  item: T;
  ok: boolean;
  error?: unknown;
  /** How many times the item was tried again after a retryable error. */
  retries?: number;
}

export async function runBulk<T>(items: readonly T[], work: (item: T) => Promise<void>, o: BulkOptions): Promise<BulkOutcome<T>[]> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const outcomes: BulkOutcome<T>[] = [];
  const interval = 1000 / o.perSecond;
  let nextStart = 0;
  let index = 0;
  let done = 0;
  /** Reserves the next start slot before waiting for it, so workers never start two in one slot. */
  const waitForSlot = async (): Promise<void> => {
    const start = Math.max(Date.now(), nextStart);
    nextStart = start + interval;
    // In slices, so a cancel during a back-off is seen at once.
    for (let left = start - Date.now(); left > 0 && !o.isCancelled?.(); left = start - Date.now()) await sleep(Math.min(left, 250));
  };
  const worker = async () => {
    while (index < items.length && !o.isCancelled?.()) {
      const item = items[index++];
      await waitForSlot();
      if (o.isCancelled?.()) break;
      let retries = 0;
      for (;;) {
        try {
          await work(item);
          outcomes.push(retries ? { item, ok: true, retries } : { item, ok: true });
          break;
        } catch (error) {
          const r = o.retry;
          if (r && retries < r.times && !o.isCancelled?.() && r.isRetryable(error)) {
            const waitMs = r.backoffMs * 2 ** retries;
            retries++;
            r.onRetry?.(item, retries, waitMs, error);
            // Every worker backs off: the next start is no earlier than the end of this wait.
            nextStart = Math.max(nextStart, Date.now() + waitMs);
            await waitForSlot();
            // Cancelled while backing off: the item is left undone, like one never started.
            if (o.isCancelled?.()) return;
            continue;
          }
          outcomes.push(retries ? { item, ok: false, error, retries } : { item, ok: false, error });
          break;
        }
      }
      o.onDone?.(++done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, items.length)) }, worker));
  return outcomes;
}
