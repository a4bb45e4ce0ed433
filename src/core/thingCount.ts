// How many things a billing group still holds, counted the bounded way: one ListThingsInBillingGroup
// page of at most 250 (PAGE_SIZE_MAX), so a group of millions costs one call and is said to hold "250
// or more". Used where a group is about to be deleted (prune, the tree's Delete), because its things
// are then left without a billing group.
import { PAGE_SIZE_MAX } from './limits';

export interface ThingCount {
  /** Things on the first page (at most PAGE_SIZE_MAX). */
  count: number;
  /** There are more than `count` (the page was full and had a next one). */
  more: boolean;
}

/** The count from one page of names and whether the page had a next one. */
export function countFromPage(names: readonly string[], nextToken: string | undefined): ThingCount {
  return { count: names.length, more: nextToken !== undefined };
}

/** The count of several groups together ("at least" as soon as one of them is). */
export function sumCounts(counts: readonly ThingCount[]): ThingCount {
  return { count: counts.reduce((n, c) => n + c.count, 0), more: counts.some((c) => c.more) };
}

/** "3 things", "1 thing", "250 or more things", "no things". */
export function thingsText(c: ThingCount): string {
  if (c.more) return `${c.count} or more things`;
  if (c.count === 0) return 'no things';
  return c.count === 1 ? '1 thing' : `${c.count} things`;
}

/** "3 things will be left without a billing group" (or "1 thing will be …"); undefined for none. */
export function leftWithoutGroup(c: ThingCount): string | undefined {
  if (c.count === 0 && !c.more) return undefined;
  return `${thingsText(c)} will be left without a billing group`;
}

export const COUNT_PAGE_SIZE = PAGE_SIZE_MAX;
