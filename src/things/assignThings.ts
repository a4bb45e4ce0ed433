// "Assign Things to Billing Group…": pick the things (five sources), see the preview (added,
// skipped, in other groups — moved only when "Move things that are in other billing groups" is
// ticked —, the calls and time, and how old the membership is: a count older than
// iotBillingGroups.things.recountAfterMinutes is made again first), confirm with "Assign", then the
// paced run (each thing checked again just before its add) and its report. Also what the tree offers
// on things without a billing group: "Assign to Billing Group…" and drag onto a group.
import vscode = require('vscode');
import type { UnassignedCount } from '../aws';
import { assignmentReport, describePlan, formatCount, planAssignment, plural, thingsToSend, type AssignmentPlan, type MembershipRead } from '../core/assignmentPlan';
import { inert } from '../core/displayText';
import { BULK_PACE } from '../shared/bulkPace';
import type { Session } from '../connection/session';
import type { Deps } from '../shared/deps';
import { resolveGroup } from '../shared/pickGroup';
import type { GroupNode } from '../tree/nodes';
import { runAssignment } from './assignmentRun';
import type { ReportDocuments } from './reportDocument';
import { selectThings, withCancellableProgress, type Selection } from './thingSources';
import { recountAfterMinutes, thingService, type UnassignedModel } from './unassignedModel';
import { isUnassignedThing } from './unassignedTree';

/**
 * The cached count if younger than the recount limit, or one run now (over `groups` when the caller
 * has the full list) with a cancellable notification that shows it growing.
 */
export function countWithProgress(model: UnassignedModel, groups?: readonly string[]): Promise<UnassignedCount> {
  const maxAge = recountAfterMinutes();
  const fresh = model.fresh(maxAge);
  if (fresh) return Promise.resolve(fresh);
  return Promise.resolve(
    withCancellableProgress(vscode.l10n.t('Counting things without a billing group'), async (signal, report) => {
      const sub = model.onDidChange(() => {
        const c = model.current;
        if (c.kind === 'counting' && c.progress)
          report(c.progress.phase === 'things' ? vscode.l10n.t('{0} listed, {1} without a group so far', formatCount(c.progress.thingsRead), formatCount(c.progress.unassigned)) : vscode.l10n.t('billing groups read: {0} of {1}', formatCount(c.progress.groupsRead), formatCount(c.progress.groupsTotal)));
      });
      const onAbort = () => model.cancel();
      signal.addEventListener('abort', onAbort);
      try {
        return await model.ensureFresh(maxAge, groups);
      } finally {
        signal.removeEventListener('abort', onAbort);
        sub.dispose();
      }
    }),
  );
}

interface PreviewItem extends vscode.QuickPickItem {
  role: 'info' | 'move' | 'continue';
}

/**
 * The preview: one line per count, the toggle "Move things that are in other billing groups" (it
 * lists the groups they would leave) and Continue. Undefined: cancelled.
 */
async function preview(plan: AssignmentPlan, note: string | undefined, read: MembershipRead): Promise<AssignmentPlan | undefined> {
  const pick = vscode.window.createQuickPick<PreviewItem>();
  pick.title = vscode.l10n.t('Assign to {0}: preview', inert(plan.target));
  pick.placeholder = vscode.l10n.t('Enter continues; pick "Move…" to tick or untick it');
  pick.ignoreFocusOut = true;
  pick.matchOnDetail = false;
  let move = false;
  const render = () => {
    const d = describePlan({ ...plan, move }, BULK_PACE.perSecond, read);
    const info = (label: string): PreviewItem => ({ role: 'info', label: inert(label) });
    const items: PreviewItem[] = d.lines.map((line) => info(line));
    if (note) items.push(info(note));
    if (plan.inOtherGroups.length > 0) {
      items.push({ role: 'info', label: '', kind: vscode.QuickPickItemKind.Separator });
      items.push({ role: 'move', label: `${move ? '$(pass-filled)' : '$(circle-large-outline)'} ${vscode.l10n.t(d.moveLabel)}`, detail: inert(d.moveDetail) });
    }
    const next: PreviewItem = { role: 'continue', label: `$(arrow-right) ${vscode.l10n.t('Continue')}`, alwaysShow: true };
    items.push({ role: 'info', label: '', kind: vscode.QuickPickItemKind.Separator }, next);
    pick.items = items;
    pick.activeItems = [next];
  };
  render();
  return new Promise((resolve) => {
    const disposables: vscode.Disposable[] = [];
    const finish = (p: AssignmentPlan | undefined) => {
      for (const d of disposables) d.dispose();
      pick.dispose();
      resolve(p);
    };
    disposables.push(
      pick.onDidAccept(() => {
        const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
        if (chosen?.role === 'move') {
          move = !move;
          render();
          return;
        }
        finish({ ...plan, move });
      }),
      pick.onDidHide(() => finish(undefined)),
    );
    pick.show();
  });
}

export interface AssignCommands {
  assignThings: (arg?: unknown) => Promise<void>;
  assignToGroup: (node?: unknown, nodes?: unknown[]) => Promise<void>;
  assignDirect: (things: string[], target: GroupNode) => Promise<void>;
}

export function assignCommands(deps: Deps, modelFor: (session: Session) => UnassignedModel, reports: ReportDocuments): AssignCommands {
  /** Runs a plan (in the target group's connection) and shows its report. */
  const execute = async (session: Session, plan: AssignmentPlan, selection: Pick<Selection, 'source' | 'missing' | 'badLines'>, alwaysReport: boolean) => {
    const { service } = await session.connect();
    const result = await runAssignment(deps, modelFor(session), service, plan);
    const text = assignmentReport({
      target: plan.target,
      source: selection.source,
      outcomes: result.outcomes,
      leftInOtherGroups: plan.move ? [] : plan.inOtherGroups,
      missing: selection.missing,
      badLines: selection.badLines,
      cancelled: result.cancelled,
      stoppedBecause: result.stoppedBecause,
      show: (t) => inert(t),
    });
    const failed = result.outcomes.filter((o) => o.result === 'failed' || o.result === 'changed' || o.result === 'gone').length;
    if (alwaysReport || failed > 0 || result.cancelled || result.stoppedBecause) await reports.open(vscode.l10n.t('Assign to {0}', plan.target), text);
    if (result.stoppedBecause) void vscode.window.showErrorMessage(inert(result.stoppedBecause));
    else if (!alwaysReport && failed === 0 && !result.cancelled) {
      const done = result.outcomes.filter((o) => o.result === 'added' || o.result === 'moved').length;
      void vscode.window.showInformationMessage(`${vscode.l10n.t('Assigned {0} to billing group {1}', plural(done, vscode.l10n.t('thing'), vscode.l10n.t('things')), inert(plan.target))}${deps.connections.where(session)}`);
    }
  };

  const assignThings = async (arg?: unknown) => {
    const group = await resolveGroup(deps, arg, vscode.l10n.t('Billing group to assign things to'));
    if (!group) return;
    const session = group.session;
    const model = modelFor(session);
    const { service } = await session.connect();
    const things = await thingService(session, deps.log);
    const selection = await selectThings({ deps, service, things, count: (groups) => countWithProgress(model, groups), fresh: () => model.fresh(recountAfterMinutes()) });
    if (!selection) return;
    const plan = planAssignment(group.name, selection.things, selection.groupOf, false);
    if (thingsToSend({ ...plan, move: true }).length === 0) {
      // Every thing is already in the group: nothing is sent, the report says so.
      await execute(session, plan, selection, true);
      return;
    }
    const decided = await preview(plan, selection.note, selection.read);
    if (!decided) return;
    const sends = thingsToSend(decided);
    if (sends.length === 0) {
      await execute(session, decided, selection, true);
      return;
    }
    const d = describePlan(decided, BULK_PACE.perSecond, selection.read);
    const assign = vscode.l10n.t('Assign');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Assign {0} to billing group {1}?', plural(sends.length, vscode.l10n.t('thing'), vscode.l10n.t('things')), inert(group.name)),
      { modal: true, detail: `${inert(d.summary)}${decided.move && decided.leaving.length ? `\n${inert(d.moveDetail)}` : ''}` },
      assign,
    );
    if (answer !== assign) return;
    await execute(session, decided, selection, true);
  };

  /** Things without a group, dragged onto a group or picked with "Assign to Billing Group…". */
  const assignDirect = async (names: string[], target: GroupNode) => {
    const s = modelFor(target.session).current;
    const groupOf = s.kind === 'done' ? (t: string) => s.result.tally.groupOf(t) : () => undefined;
    const plan = planAssignment(target.name, names, groupOf, false);
    await execute(target.session, plan, { source: vscode.l10n.t('Things without a billing group (tree)') }, false);
  };

  const assignToGroup = async (node?: unknown, nodes?: unknown[]) => {
    const selected = (Array.isArray(nodes) && nodes.length > 0 ? nodes : [node]).filter(isUnassignedThing);
    // Things of one connection at a time: a thing can join only a group of its own account and region.
    const session = selected.find((n) => n === node)?.session ?? selected[0]?.session;
    const picked = selected.filter((n) => n.session === session).map((n) => n.thing);
    if (!session || picked.length === 0) return;
    const group = await resolveGroup(deps, { kind: 'connection', session }, vscode.l10n.t('Billing group to assign {0} to', plural(picked.length, vscode.l10n.t('thing'), vscode.l10n.t('things'))));
    if (!group) return;
    await assignDirect(picked, group);
  };

  return { assignThings, assignToGroup, assignDirect };
}
