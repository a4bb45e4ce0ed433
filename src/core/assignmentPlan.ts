// The preview of a bulk assignment: which things are added (in no group), skipped (already in the
// target), moved (in another group, only when the person ticked "Move…"), or left where they are;
// how many calls that makes and how long it takes at the bulk runner's pace. And the final report.

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

/** The preview's lines (the quick pick's detail and the modal's text). */
export function describePlan(plan: AssignmentPlan, perSecond: number): { summary: string; moveLabel: string; moveDetail: string } {
  const sends = thingsToSend(plan).length;
  const parts = [
    `${plural(plan.add.length, 'thing')} will be added to "${plan.target}"`,
    `${formatCount(plan.skip.length)} already in it (skipped)`,
    plan.move
      ? `${formatCount(plan.inOtherGroups.length)} in other billing groups will move`
      : `${formatCount(plan.inOtherGroups.length)} in other billing groups stay there`,
  ];
  const time = sends > 0 ? ` ${plural(sends, 'call')}, ${describeDuration(secondsAtPace(sends, perSecond))}.` : ' Nothing to send.';
  const groups = plan.leaving.slice(0, 10).map((l) => `"${l.group}" (${formatCount(l.count)})`);
  const more = plan.leaving.length > 10 ? `, and ${plural(plan.leaving.length - 10, 'more group')}` : '';
  return {
    summary: `${parts.join('; ')}.${time}`,
    moveLabel: 'Move things that are in other billing groups',
    moveDetail: plan.leaving.length === 0 ? 'None of these things is in another billing group.' : `They leave ${groups.join(', ')}${more}.`,
  };
}

export type AssignmentOutcome =
  | { thing: string; result: 'added' }
  | { thing: string; result: 'moved'; from: string }
  | { thing: string; result: 'skipped' }
  | { thing: string; result: 'failed'; reason: string }
  | { thing: string; result: 'notStarted' };

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
  if (r.leftInOtherGroups.length) lines.push(`Left in other billing groups: ${formatCount(r.leftInOtherGroups.length)} ("Move…" was not ticked)`);
  if (r.missing?.length) lines.push(`Not found in the account: ${formatCount(r.missing.length)}`);
  if (r.badLines?.length) lines.push(`Invalid lines in the file: ${formatCount(r.badLines.length)} (never sent)`);
  const section = (title: string, items: string[]) => {
    if (items.length === 0) return;
    lines.push('', `${title}:`, ...items.map((i) => `  ${i}`));
  };
  section('Failed', failed.map((f) => `${r.show(f.thing)} — ${r.show(f.reason)}`));
  section('Invalid lines', (r.badLines ?? []).map((b) => `line ${b.line}: ${r.show(b.text)} — ${r.show(b.reason)}`));
  section('Not found', (r.missing ?? []).map(r.show));
  section('Added', added.map((a) => r.show(a.thing)));
  section('Moved', moved.map((m) => `${r.show(m.thing)} (from "${r.show(m.from)}")`));
  section('Skipped (already in the group)', skipped.map((s) => r.show(s.thing)));
  section('Left in other billing groups', r.leftInOtherGroups.map((m) => `${r.show(m.thing)} (in "${r.show(m.from)}")`));
  section('Not started', notStarted.map((n) => r.show(n.thing)));
  return `${lines.join('\n')}\n`;
}
