// How bulk commands (delete many groups, add many things) pace their calls and ride out throttling.
import type { BulkOptions } from '../core/bulk';
import { inert } from '../core/displayText';
import type { Log } from './log';
import { asProblem } from './problems';

/** Below the default Delete/Update quota (15/s) and the tag quota (10/s). */
export const BULK_PACE = { concurrency: 3, perSecond: 8 } as const;

/**
 * The pace, and up to three more tries (after 2, 4, 8 s, holding every other start back too) for an
 * item the SDK gave up on because AWS kept throttling: a throttled call was not carried out, so
 * trying it again cannot do anything twice.
 */
export function bulkPace(log: Log): Pick<BulkOptions, 'concurrency' | 'perSecond' | 'retry'> {
  return {
    ...BULK_PACE,
    retry: {
      isRetryable: (e) => asProblem(e)?.code === 'Throttled',
      times: 3,
      backoffMs: 2000,
      onRetry: (item, attempt, waitMs) => log.warn(`Still throttled: ${inert(itemName(item), 200)} is tried again in ${waitMs / 1000} s (try ${attempt + 1} of 4)`),
    },
  };
}

/** An item of bulk work as the log names it: a name, or a node's name. */
function itemName(item: unknown): string {
  if (typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string') return (item as { name: string }).name;
  return String(item);
}
