// The preview of a bulk assignment: which things are added (in no group), skipped (already in the
// target), moved (in another group, only when the person ticked "Move…"), or left where they are;
// how many calls that really makes, how long it takes at the bulk runner's pace and how old the
// membership it was made from is. And the final report, which says where a failed thing ended up.
//
// A step is two calls: DescribeThing (is the thing still where the preview said?) and one
// AddThingToBillingGroup. The add alone moves a thing out of its previous billing group: the
// AddThingToBillingGroup API reference says "It might take several seconds for the detachment to
// propagate", i.e. the detachment is part of the add; a thing belongs to one billing group at most
// (DescribeThing has one billingGroupName). So a move sends no RemoveThingFromBillingGroup, and a
// failed add never leaves a thing in no group.

export interface AssignmentPlan {
  target: string;
  /** In no billing group: AddThingToBillingGroup each. */
  add: string[];
  /** Already in the target: nothing is sent. */
  skip: string[];
  /** In another group: moved by AddThingToBillingGroup only when `move` is set. */
  inOtherGroups: Array<{ thing: string; from: string }>;
  /** Whether things in other groups move. */
  move: boolean;
  /** Group → how many of its things would leave it (the checkbox lists them). */
  leaving: Array<{ group: string; count: number }>;
}

/**
 * Plans the assignment of `things` (each once, in order) to `target`, given the membership known from
 * ListThingsInBillingGroup (thing → its group). A thing belongs to at most one group on AWS, so adding
 * it to another group is a move.
 */
export function planAssignment(target: string, things: readonly string[], groupOf: (thing: string) => string | undefined, move: boolean): AssignmentPlan {
  const add: string[] = [];
  const skip: string[] = [];
  const inOtherGroups: Array<{ thing: string; from: string }> = [];
  const leaving = new Map<string, number>();
  const seen = new Set<string>();
  for (const thing of things) {
    if (seen.has(thing)) continue;
    seen.add(thing);
    const from = groupOf(thing);
    if (from === undefined) add.push(thing);
    else if (from === target) skip.push(thing);
    else {
      inOtherGroups.push({ thing, from });
      leaving.set(from, (leaving.get(from) ?? 0) + 1);
    }
  }
  return {
    target,
    add,
    skip,
    inOtherGroups,
    move,
    leaving: [...leaving].map(([group, count]) => ({ group, count })).sort((a, b) => b.count - a.count || (a.group < b.group ? -1 : 1)),
  };
}

/** The things the run sends AddThingToBillingGroup for, in order. */
export function thingsToSend(plan: AssignmentPlan): string[] {
  return plan.move ? [...plan.add, ...plan.inOtherGroups.map((t) => t.thing)] : [...plan.add];
}

/** The calls the run sends when nothing changed meanwhile and nothing fails (the preview shows them). */
export interface PlannedCalls {
  /** Things sent (one step each). */
  things: number;
  /** One check per step, before its add. */
  DescribeThing: number;
  /** One per step: an add or a move alike. */
  AddThingToBillingGroup: number;
  total: number;
}

/**
 * Calls per step: one DescribeThing and one AddThingToBillingGroup. Beyond these, the run sends one
 * DescribeThing read-back per failed step (to say where the thing ended up) and, once per run, a
 * DescribeBillingGroup when an add answers "not found" (was the target deleted?).
 */
export function plannedCalls(plan: AssignmentPlan): PlannedCalls {
  const things = thingsToSend(plan).length;
  return { things, DescribeThing: things, AddThingToBillingGroup: things, total: 2 * things };
}

/** How the membership the plan was made from was read, and when (ms since the epoch). */
export interface MembershipRead {
  how: 'counted' | 'lookedUp';
  at: number;
}

/** "just now", "42 seconds ago", "3 minutes ago", "2 hours ago". */
export function describeAge(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s < 10) return 'just now';
  if (s < 60) return `${s} seconds ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} minute${m === 1 ? '' : 's'} ago`;
  const h = Math.floor(m / 60);
  return `${h} hour${h === 1 ? '' : 's'} ago`;
}

/** Whether a membership read at `at` is older than `maxAgeMinutes` at `now` (0: always). */
export function isStale(at: number, now: number, maxAgeMinutes: number): boolean {
  return maxAgeMinutes <= 0 || now - at > maxAgeMinutes * 60_000;
}

/** Seconds `calls` take at `perSecond` started per second (the runner's pace; the first starts at once). */
export function secondsAtPace(calls: number, perSecond: number): number {
  return calls <= 0 ? 0 : (calls - 1) / perSecond;
}

/** "under a minute", "about 1 minute", "about 25 minutes", "about 2 hours 5 minutes". */
export function describeDuration(seconds: number): string {
  if (seconds < 45) return seconds < 1 ? 'a moment' : 'under a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `about ${h} hour${h === 1 ? '' : 's'}${m ? ` ${m} minute${m === 1 ? '' : 's'}` : ''}`;
}

/** "1,204" — counts in the tree and messages, in a fixed locale so tests and screenshots agree. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** The preview's lines (the quick pick's entries; joined, the modal's text). */
export function describePlan(
  plan: AssignmentPlan,
  perSecond: number,
  read?: MembershipRead,
  now = Date.now(),
): { lines: string[]; summary: string; moveLabel: string; moveDetail: string } {
  const calls = plannedCalls(plan);
  const lines = [
    `${plural(plan.add.length, 'thing')} will be added to "${plan.target}"`,
    `${formatCount(plan.skip.length)} already in it (skipped)`,
    plan.move
      ? `${formatCount(plan.inOtherGroups.length)} in other billing groups will move`
      : `${formatCount(plan.inOtherGroups.length)} in other billing groups stay there`,
  ];
  if (calls.things > 0)
    lines.push(
      `${plural(calls.things, 'thing')} to send: ${plural(calls.total, 'call')}, ${describeDuration(secondsAtPace(calls.things, perSecond))} at ${formatCount(perSecond)} things (${formatCount(2 * perSecond)} calls) a second`,
      'Per thing: a DescribeThing check, then one AddThingToBillingGroup (a move too)',
    );
  else lines.push('Nothing to send');
  if (read) lines.push(`Membership ${read.how === 'counted' ? 'counted' : 'looked up'} ${describeAge(now - read.at)}; each thing is checked again just before its add`);
  const groups = plan.leaving.slice(0, 10).map((l) => `"${l.group}" (${formatCount(l.count)})`);
  const more = plan.leaving.length > 10 ? `, and ${plural(plan.leaving.length - 10, 'more group')}` : '';
  return {
    lines,
    summary: `${lines.join('. ')}.`,
    moveLabel: 'Move things that are in other billing groups',
    moveDetail: plan.leaving.length === 0 ? 'None of these things is in another billing group.' : `They leave ${groups.join(', ')}${more}.`,
  };
}

/**
 * Where a thing whose step failed is now: read back with DescribeThing after the failure, or known
 * without a call when its add was never carried out (a throttled call is not carried out; a failed
 * check sends no add).
 */
export type EndedIn =
  | { kind: 'group'; group: string; how: 'readBack' | 'throttled' | 'notSent' }
  | { kind: 'none'; how: 'readBack' | 'throttled' | 'notSent' }
  | { kind: 'gone' }
  | { kind: 'unknown'; why: string };

export type AssignmentOutcome =
  | { thing: string; result: 'added' }
  | { thing: string; result: 'moved'; from: string }
  | { thing: string; result: 'skipped' }
  /** In another group than the preview said (`expected`: undefined = in no group): nothing sent. */
  | { thing: string; result: 'changed'; expected?: string; now: string }
  /** No longer in the account: nothing sent. */
  | { thing: string; result: 'gone' }
  | { thing: string; result: 'failed'; reason: string; endedIn: EndedIn }
  | { thing: string; result: 'notStarted' };

const sentence = (t: string) => (/[.!?]$/.test(t) ? t : `${t}.`);

/** "Now in "g" (read back after the failure)." and the like, for the report. */
export function describeEndedIn(e: EndedIn, show: (t: string) => string): string {
  const where = e.kind === 'group' ? `"${show(e.group)}"` : 'no billing group';
  switch (e.kind) {
    case 'gone':
      return 'It no longer exists (read back after the failure).';
    case 'unknown':
      return `Where it is now could not be read: ${sentence(show(e.why))}`;
    default:
      if (e.how === 'readBack') return `Now in ${where} (read back after the failure).`;
      if (e.how === 'throttled') return `Still in ${where}: a throttled call is not carried out.`;
      return `Still in ${where}: its add was not sent.`;
  }
}

export interface AssignmentReportInput {
  target: string;
  source: string;
  outcomes: readonly AssignmentOutcome[];
  /** Things of other groups left there because "Move…" was not ticked. */
  leftInOtherGroups: ReadonlyArray<{ thing: string; from: string }>;
  /** Names the service did not know (from a file). */
  missing?: readonly string[];
  /** Lines of a file that were not valid names. */
  badLines?: ReadonlyArray<{ line: number; text: string; reason: string }>;
  cancelled: boolean;
  /** Set when the run stopped early (e.g. the group was deleted meanwhile). */
  stoppedBecause?: string;
  /** Renders untrusted text inert (names from the service or a file). */
  show: (text: string) => string;
}

/** The report document: a plain-text file, so no name can become markup. */
export function assignmentReport(r: AssignmentReportInput): string {
  const by = (kind: AssignmentOutcome['result']) => r.outcomes.filter((o) => o.result === kind);
  const added = by('added');
  const moved = by('moved') as Array<Extract<AssignmentOutcome, { result: 'moved' }>>;
  const skipped = by('skipped');
  const failed = by('failed') as Array<Extract<AssignmentOutcome, { result: 'failed' }>>;
  const notStarted = by('notStarted');
  const changed = by('changed') as Array<Extract<AssignmentOutcome, { result: 'changed' }>>;
  const gone = by('gone');
  const lines: string[] = [
    `Assign things to billing group "${r.show(r.target)}"`,
    `Source: ${r.show(r.source)}`,
    '',
    r.stoppedBecause ? `Stopped: ${r.show(r.stoppedBecause)}` : r.cancelled ? 'Cancelled: no call started after Cancel; what was done stays done.' : 'Finished.',
    '',
    `Added:   ${formatCount(added.length)}`,
    `Moved:   ${formatCount(moved.length)}`,
    `Skipped: ${formatCount(skipped.length)} (already in the group)`,
    `Failed:  ${formatCount(failed.length)}`,
  ];
  if (notStarted.length) lines.push(`Not started: ${formatCount(notStarted.length)}`);
  if (changed.length) lines.push(`Changed since the preview: ${formatCount(changed.length)} (not sent: each is in another billing group now)`);
  if (gone.length) lines.push(`No longer in the account: ${formatCount(gone.length)} (not sent)`);
  if (r.leftInOtherGroups.length) lines.push(`Left in other billing groups: ${formatCount(r.leftInOtherGroups.length)} ("Move…" was not ticked)`);
  if (r.missing?.length) lines.push(`Not found in the account: ${formatCount(r.missing.length)}`);
  if (r.badLines?.length) lines.push(`Invalid lines in the file: ${formatCount(r.badLines.length)} (never sent)`);
  const section = (title: string, items: string[]) => {
    if (items.length === 0) return;
    lines.push('', `${title}:`, ...items.map((i) => `  ${i}`));
  };
  section('Failed', failed.map((f) => `${r.show(f.thing)} — ${sentence(r.show(f.reason))} ${describeEndedIn(f.endedIn, r.show)}`));
  section(
    'Changed since the preview (left where they are)',
    changed.map((c) => `${r.show(c.thing)} — now in "${r.show(c.now)}" (the preview said: ${c.expected === undefined ? 'in no billing group' : `in "${r.show(c.expected)}"`})`),
  );
  section('No longer in the account', gone.map((g) => r.show(g.thing)));
  section('Invalid lines', (r.badLines ?? []).map((b) => `line ${b.line}: ${r.show(b.text)} — ${r.show(b.reason)}`));
  section('Not found', (r.missing ?? []).map(r.show));
  section('Added', added.map((a) => r.show(a.thing)));
  section('Moved', moved.map((m) => `${r.show(m.thing)} (from "${r.show(m.from)}")`));
  section('Skipped (already in the group)', skipped.map((s) => r.show(s.thing)));
  section('Left in other billing groups', r.leftInOtherGroups.map((m) => `${r.show(m.thing)} (in "${r.show(m.from)}")`));
  section('Not started', notStarted.map((n) => r.show(n.thing)));
  return `${lines.join('\n')}\n`;
}
