// Things in billing groups: add (picked from the account's things, several at once), remove,
// and move by drag and drop. A thing belongs to at most one billing group: adding it to another
// moves it, and the person is told before it happens. A move is AddThingToBillingGroup alone — its
// API reference says the detachment from the previous group propagates asynchronously, i.e. the add
// itself moves the thing (src/core/thingAdds.ts) — and a failed add is read back with DescribeThing,
// so the error says where the thing is now.
import vscode = require('vscode');
import type { BillingGroupService } from '../aws';
import type { EndedIn } from '../core/assignmentPlan';
import { inert } from '../core/displayText';
import { runThingAdds, type ThingAddOutcome, type ThingAddPort } from '../core/thingAdds';
import { validateName } from '../core/validation';
import { loadAws } from '../shared/awsLoader';
import { asProblem, guardWith, reportError } from '../shared/problems';
import type { GroupNode, ThingNode } from '../tree/nodes';
import { isThingNode } from '../tree/nodes';
import type { Session } from '../connection/session';
import type { Deps } from '../shared/deps';
import { bulkPace } from '../shared/bulkPace';
import { resolveGroup } from '../shared/pickGroup';
import { runQuickPick } from '../shared/quickPickRun';
import type { pickGroupThing } from './groupThingPick';

interface ThingItem extends vscode.QuickPickItem {
  thing?: string;
  more?: boolean;
  typed?: boolean;
}

/** Quick pick of the account's things, page by page; a typed name that is not listed can be picked too. */
async function pickThings(service: BillingGroupService, group: GroupNode): Promise<string[] | undefined> {
  const pick = vscode.window.createQuickPick<ThingItem>();
  pick.title = vscode.l10n.t('Add Things to {0}', inert(group.name));
  pick.placeholder = vscode.l10n.t('Pick things, or type the name of one that is not listed');
  pick.canSelectMany = true;
  pick.ignoreFocusOut = true;
  const names: string[] = [];
  let nextToken: string | undefined;
  let typed = '';
  const abort = new AbortController();
  const render = () => {
    const selected = new Set(pick.selectedItems.map((i) => i.thing));
    const items: ThingItem[] = names.map((n) => ({ label: inert(n), thing: n }));
    if (typed && !names.includes(typed) && !validateName(typed))
      items.unshift({ label: inert(typed), description: vscode.l10n.t('not listed — checked before adding'), thing: typed, typed: true, alwaysShow: true });
    if (nextToken) items.push({ label: `$(ellipsis) ${vscode.l10n.t('Load more…')}`, more: true, alwaysShow: true });
    pick.items = items;
    pick.selectedItems = items.filter((i) => i.thing && selected.has(i.thing));
  };
  const loadPage = async () => {
    pick.busy = true;
    try {
      const page = await service.listThings(nextToken, abort.signal);
      names.push(...page.items.map((t) => t.name));
      nextToken = page.nextToken;
      render();
    } finally {
      pick.busy = false;
    }
  };
  return runQuickPick<ThingItem, string[]>(pick, abort, {
    listen: (end) => [
      pick.onDidChangeValue((v) => {
        typed = v.trim();
        render();
      }),
      pick.onDidChangeSelection((sel) => {
        if (sel.some((i) => i.more)) {
          pick.selectedItems = sel.filter((i) => !i.more);
          loadPage().catch(end.fail);
        }
      }),
      pick.onDidAccept(() => {
        const chosen = pick.selectedItems.filter((i) => i.thing).map((i) => i.thing as string);
        if (chosen.length === 0 && typed && !validateName(typed)) chosen.push(typed);
        if (chosen.length > 0) end.done([...new Set(chosen)]);
      }),
    ],
    start: loadPage,
  });
}

/** The calls of the adds (AddThingToBillingGroup alone, DescribeThing after a failure), on the connection of the group they go to. */
function port(service: BillingGroupService): ThingAddPort {
  return loadAws().membershipPort(service);
}

/** Where a thing whose add failed is now, as a sentence (raw text: made inert where it is shown). */
function whereNow(thing: string, target: string, from: string | undefined, e: EndedIn): string {
  switch (e.kind) {
    case 'gone':
      return vscode.l10n.t('Read back: {0} no longer exists.', thing);
    case 'unknown':
      return vscode.l10n.t('Where {0} is now could not be read: {1}', thing, e.why);
    case 'none':
      return e.how === 'readBack'
        ? vscode.l10n.t('Read back: {0} is in no billing group now.', thing)
        : vscode.l10n.t('{0} is still in no billing group: a throttled call is not carried out.', thing);
    case 'group':
      if (e.how !== 'readBack') return vscode.l10n.t('{0} is still in billing group {1}: a throttled call is not carried out.', thing, e.group);
      if (e.group === target) return vscode.l10n.t('Read back: {0} is in billing group {1} now (the add was carried out).', thing, e.group);
      return e.group === from
        ? vscode.l10n.t('Read back: {0} is still in billing group {1}.', thing, e.group)
        : vscode.l10n.t('Read back: {0} is in billing group {1} now.', thing, e.group);
  }
}

/**
 * The error of the first failed add, its message followed by where the thing is now (and how many
 * more failed): still a problem with its fix button when it was one. reportError shows it inert.
 */
function failureError(first: Extract<ThingAddOutcome, { ok: false }>, target: string, from: string | undefined, failedCount: number): unknown {
  const problem = asProblem(first.error);
  const reason = problem ? problem.message : first.error instanceof Error ? first.error.message : String(first.error);
  const more = failedCount > 1 ? ` ${vscode.l10n.t('{0} more things were not added; the log says where each is.', failedCount - 1)}` : '';
  const message = `${vscode.l10n.t('Adding {0} to {1} failed:', first.thing, target)} ${reason} ${whereNow(first.thing, target, from, first.endedIn)}${more}`;
  return problem ? { awsProblem: true, code: problem.code, message, action: problem.action } : new Error(message);
}

/** Told of every membership change these commands make (the count of things without a group of that connection follows it in place). */
export interface MembershipListener {
  assigned(session: Session, things: Iterable<string>, group: string): void;
  unassigned(session: Session, things: Iterable<string>, group: string): void;
}

/**
 * `groupThingPick`: Remove Thing's pick of a group's things (in dist/things.js, loaded when the
 * palette's Remove Thing first asks for a thing).
 */
export function registerThingCommands(deps: Deps, membership?: MembershipListener, groupThingPick?: () => typeof pickGroupThing): vscode.Disposable[] {
  const { provider, connections, log } = deps;

  /** Moves or adds `things` into `target`, telling the person first about things that leave another group. */
  const addThings = async (service: BillingGroupService, target: GroupNode, things: string[], known: Map<string, string | undefined>): Promise<void> => {
    // Where is each thing now? (DescribeThing; a typed name that does not exist stops here.)
    const current = new Map(known);
    for (const t of things) {
      if (current.has(t)) continue;
      try {
        current.set(t, (await service.describeThing(t)).billingGroupName);
      } catch (e) {
        if (asProblem(e)?.code === 'ResourceNotFound') {
          void vscode.window.showErrorMessage(vscode.l10n.t('There is no thing named {0} in this account and region.', inert(t)));
          return;
        }
        throw e;
      }
    }
    const moving = things.filter((t) => current.get(t) && current.get(t) !== target.name);
    if (moving.length > 0) {
      const move = vscode.l10n.t('Move');
      const detail = moving.map((t) => vscode.l10n.t('{0} (now in {1})', inert(t), inert(current.get(t) ?? ''))).join('\n');
      const message =
        moving.length === 1
          ? vscode.l10n.t('{0} is in billing group {1}. A thing belongs to one billing group at most: move it to {2}?', inert(moving[0]), inert(current.get(moving[0]) ?? ''), inert(target.name))
          : vscode.l10n.t('{0} things are in other billing groups. Move them to {1}?', moving.length, inert(target.name));
      if ((await vscode.window.showWarningMessage(message, { modal: true, detail }, move)) !== move) return;
    }
    const outcomes = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title:
          things.length === 1
            ? vscode.l10n.t('Adding thing {0} to {1}', inert(things[0]), inert(target.name))
            : vscode.l10n.t('Adding {0} things to {1}', things.length, inert(target.name)),
        cancellable: true,
      },
      (progress, token) =>
        runThingAdds(target.name, things, port(service), {
          from: (t) => current.get(t),
          bulk: {
            ...bulkPace(log),
            isCancelled: () => token.isCancellationRequested,
            onDone: (d, total) => progress.report({ message: `${d}/${total}`, increment: 100 / total }),
          },
        }),
    );
    const failed = outcomes.filter((o): o is Extract<ThingAddOutcome, { ok: false }> => !o.ok);
    // Reloaded now and again 3 s later (membership changes take seconds to show on AWS): the target,
    // every group a thing left, and every group a failed add was read back in.
    const touched = new Set<string>(things.map((t) => current.get(t)).filter((g): g is string => !!g && g !== target.name));
    for (const f of failed) if (f.endedIn.kind === 'group' && f.endedIn.group !== target.name) touched.add(f.endedIn.group);
    provider.refreshGroup(target);
    for (const name of touched) provider.refreshGroup({ session: target.session, name });
    const inTarget = [...outcomes.filter((o) => o.ok), ...failed.filter((f) => f.endedIn.kind === 'group' && f.endedIn.group === target.name)].map((o) => o.thing);
    membership?.assigned(target.session, inTarget, target.name);
    for (const f of failed) {
      log.warn(inert(`Adding ${f.thing} to ${target.name} failed: ${f.error instanceof Error ? f.error.message : String(f.error)} ${whereNow(f.thing, target.name, current.get(f.thing), f.endedIn)}`));
      if (f.endedIn.kind === 'group' && f.endedIn.group !== target.name) membership?.assigned(target.session, [f.thing], f.endedIn.group);
      const from = current.get(f.thing);
      if (f.endedIn.kind === 'none' && from) membership?.unassigned(target.session, [f.thing], from);
    }
    if (failed.length > 0) await reportError(log, vscode.l10n.t('Adding things failed'), failureError(failed[0], target.name, current.get(failed[0].thing), failed.length), [], target.session);
    else
      void vscode.window.showInformationMessage(
        `${things.length === 1 ? vscode.l10n.t('Added thing {0} to billing group {1}', inert(things[0]), inert(target.name)) : vscode.l10n.t('Added {0} things to billing group {1}', outcomes.length, inert(target.name))}${connections.where(target.session)}`,
      );
  };

  provider.confirmMove = async (things: ThingNode[], target: GroupNode) => {
    try {
      const { service } = await target.session.connect();
      await addThings(service, target, things.map((t) => t.name), new Map(things.map((t) => [t.name, t.group.name])));
      return true;
    } catch (e) {
      await reportError(log, vscode.l10n.t('Moving things failed'), e, [], target.session);
      return false;
    }
  };

  const addThing = async (arg?: unknown) => {
    const group = await resolveGroup(deps, arg, vscode.l10n.t('Billing group to add things to'));
    if (!group) return;
    const { service } = await group.session.connect();
    const things = await pickThings(service, group);
    if (!things) return;
    await addThings(service, group, things, new Map());
  };

  const removeThing = async (arg?: unknown) => {
    let thing: ThingNode | undefined = isThingNode(arg) ? arg : undefined;
    if (!thing) {
      const group = await resolveGroup(deps, arg, vscode.l10n.t('Billing group to remove a thing from'));
      if (!group) return;
      const { service } = await group.session.connect();
      const first = await service.listThingsInBillingGroup(group.name);
      if (first.items.length === 0 && !first.nextToken) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Billing group {0} has no things.', inert(group.name)));
        return;
      }
      // 250 at a time with Load more… (a group may hold hundreds of thousands), or a typed name.
      if (!groupThingPick) return;
      const picked = await groupThingPick()({
        title: vscode.l10n.t('Remove a Thing from {0}', inert(group.name)),
        placeholder: vscode.l10n.t('Pick a thing, or type its name (listed 250 at a time)'),
        first,
        loadPage: (nextToken, signal) => service.listThingsInBillingGroup(group.name, nextToken, signal),
        typedDescription: vscode.l10n.t('not listed — checked before removing'),
      });
      if (!picked) return;
      if (picked.typed) {
        // Not listed: make sure it is in this group before removing (RemoveThingFromBillingGroup of a
        // thing in another group would not say so).
        let now: string | undefined;
        try {
          now = (await service.describeThing(picked.thing)).billingGroupName;
        } catch (e) {
          if (asProblem(e)?.code === 'ResourceNotFound') {
            void vscode.window.showErrorMessage(vscode.l10n.t('There is no thing named {0} in this account and region.', inert(picked.thing)));
            return;
          }
          throw e;
        }
        if (now !== group.name) {
          void vscode.window.showErrorMessage(
            now
              ? vscode.l10n.t('Thing {0} is not in billing group {1} (it is in {2}): nothing was removed.', inert(picked.thing), inert(group.name), inert(now))
              : vscode.l10n.t('Thing {0} is not in billing group {1} (it is in none): nothing was removed.', inert(picked.thing), inert(group.name)),
          );
          return;
        }
      }
      thing = { kind: 'thing', name: picked.thing, group };
    }
    const { service } = await thing.group.session.connect();
    await service.removeThingFromBillingGroup(thing.group.name, thing.name);
    provider.refreshGroup(thing.group);
    membership?.unassigned(thing.group.session, [thing.name], thing.group.name);
    void vscode.window.showInformationMessage(`${vscode.l10n.t('Removed thing {0} from billing group {1}', inert(thing.name), inert(thing.group.name))}${connections.where(thing.group.session)}`);
  };

  const guard = guardWith(log);

  return [
    vscode.commands.registerCommand('iotBillingGroups.addThing', guard(vscode.l10n.t('Adding things failed'), addThing)),
    vscode.commands.registerCommand('iotBillingGroups.removeThing', guard(vscode.l10n.t('Removing the thing failed'), removeThing)),
  ];
}
