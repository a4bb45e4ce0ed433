// Things without a billing group: every thing (ListThings) minus the union of every group's members
// (ListThingsInBillingGroup over the full, unfiltered list of groups). Pure set arithmetic and the
// call count the work must stay at; the service reads the pages, this decides what they mean.
import { PAGE_SIZE_MAX } from './limits';

/** Names of `all` that are in none of the groups, in the order of `all`, each once. */
export function unassignedThings(all: Iterable<string>, assigned: Iterable<string>): string[] {
  const members = assigned instanceof Set ? (assigned as Set<string>) : new Set(assigned);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const name of all) {
    if (members.has(name) || seen.has(name)) continue;
    seen.add(name);
    out.push(name);
  }
  return out;
}

/**
 * Calls a full count makes at the largest page size: ⌈T/250⌉ ListThings (at least one: an empty
 * account still answers one page) + Σ max(1, ⌈n_g/250⌉) ListThingsInBillingGroup (an empty group
 * still answers one page). ListBillingGroups to complete the list of groups is counted apart.
 */
export function countingCalls(thingCount: number, groupSizes: readonly number[], pageSize = PAGE_SIZE_MAX): number {
  const pages = (n: number) => Math.max(1, Math.ceil(n / pageSize));
  return pages(thingCount) + groupSizes.reduce((sum, n) => sum + pages(n), 0);
}

/** The fewest calls a full count of `groups` groups can make: one ListThings page and one page per group. */
export function minimumCountCalls(groups: number): number {
  return 1 + groups;
}

/**
 * How to learn where `names` things are when no count is at hand: one DescribeThing each, or a full
 * count, whichever is fewer calls (the count is at least minimumCountCalls; a tie goes to the lookup,
 * whose answer is fresher). Listing the groups to know G is needed either way the count goes.
 */
export function lookupWay(names: number, groups: number): 'count' | 'describe' {
  return names > minimumCountCalls(groups) ? 'count' : 'describe';
}

/**
 * Builds the set difference as pages arrive: every group's members first (so that each page of
 * ListThings can be counted at once and the count grows while the scan goes on), then the things.
 * A membership change the extension makes afterwards updates it in place.
 */
export class UnassignedTally {
  private readonly members = new Map<string, string>();
  private readonly unassigned = new Set<string>();

  /** Members of one group (a page of ListThingsInBillingGroup). */
  addMembers(group: string, things: Iterable<string>): void {
    for (const t of things) {
      if (!this.members.has(t)) this.members.set(t, group);
      this.unassigned.delete(t);
    }
  }

  /** A page of ListThings. Returns how many of them are without a group. */
  addThings(things: Iterable<string>): number {
    let added = 0;
    for (const t of things) {
      if (this.members.has(t) || this.unassigned.has(t)) continue;
      this.unassigned.add(t);
      added++;
    }
    return added;
  }

  /** The extension put a thing into a group (an add or a move). */
  assigned(thing: string, group: string): void {
    this.members.set(thing, group);
    this.unassigned.delete(thing);
  }

  /** The extension took a thing out of its group: it has none now (it exists: it was a member). */
  unassignedFrom(thing: string, group: string): void {
    if (this.members.get(thing) !== group) return;
    this.members.delete(thing);
    this.unassigned.add(thing);
  }

  /** A thing's group as last seen, if any. */
  groupOf(thing: string): string | undefined {
    return this.members.get(thing);
  }

  get count(): number {
    return this.unassigned.size;
  }

  /** The things without a group, sorted by name (a stable order for paging in the tree). */
  names(): string[] {
    return [...this.unassigned].sort();
  }

  /** thing → group of every member seen (for the bulk preview). */
  membership(): ReadonlyMap<string, string> {
    return this.members;
  }
}
