// Commands on one billing group or several: delete (one or many), copy, console, edit description,
// edit tags. Typed input survives every error ("Edit and Retry").
import vscode = require('vscode');
import { runBulk } from '../core/bulk';
import { inert } from '../core/displayText';
import { isAwsManagedTagKey } from '../core/limits';
import { leftWithoutGroup, sumCounts, type ThingCount } from '../core/thingCount';
import { consoleUrl } from '../core/regions';
import { formatTagText, parseTagText } from '../core/tagText';
import { validateDescription } from '../core/validation';
import { tagProblem } from '../create/createWizard';
import { asProblem, guardWith, isCancellation, reportError } from '../shared/problems';
import type { TreeNode } from '../tree/nodes';
import { isGroupNode, isThingNode } from '../tree/nodes';
import { bulkPace } from '../shared/bulkPace';
import type { Deps } from '../shared/deps';
import type { CommandHandlers } from '../shared/lazyCommands';
import { resolveGroup } from '../shared/pickGroup';
import type { BillingGroupService } from '../aws';

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The handlers by command id (dist/groups.js; the entry registers the ids, groups/index.ts). */
export function groupCommandHandlers(deps: Deps): CommandHandlers {
  const { provider, connections, log } = deps;
  const guard = guardWith(log);

  const deleteGroups = async (arg?: unknown, selection?: unknown) => {
    let groups = Array.isArray(selection) ? (selection as TreeNode[]).filter(isGroupNode) : [];
    if (isGroupNode(arg) && !groups.some((g) => g.name === arg.name)) groups = [arg];
    if (groups.length === 0) {
      const g = await resolveGroup(deps, arg, vscode.l10n.t('Billing group to delete'));
      if (!g) return;
      groups = [g];
    }
    // Shown with their connection when the view shows several (the same name may be in two regions).
    const names = groups.map((g) => (connections.multiple ? `${g.name} (${g.session.label})` : g.name));
    // Each group is counted and deleted through its own connection's client, all paced together.
    const services = new Map(await Promise.all([...new Set(groups.map((g) => g.session))].map(async (s) => [s, (await s.connect()).service] as const)));
    const counted = await countThings(groups.map((g, i) => ({ key: names[i], name: g.name, service: services.get(g.session)! })));
    if (counted === 'cancelled') return;
    const confirm = vscode.l10n.t('Delete');
    const message =
      names.length === 1
        ? vscode.l10n.t('Delete billing group {0}?', inert(names[0]))
        : vscode.l10n.t('Delete {0} billing groups?', names.length);
    const detail =
      (names.length > 1 ? `${names.slice(0, 20).map((n) => inert(n)).join('\n')}${names.length > 20 ? `\n… ${vscode.l10n.t('and {0} more', names.length - 20)}` : ''}\n\n` : '') +
      (names.length === 1
        ? vscode.l10n.t('The things in it are not deleted; they no longer belong to a billing group.')
        : vscode.l10n.t('The things in them are not deleted; they no longer belong to a billing group.')) +
      `\n\n${countSentence(names, counted)}`;
    if ((await vscode.window.showWarningMessage(message, { modal: true, detail }, confirm)) !== confirm) return;
    const outcomes = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: names.length === 1 ? vscode.l10n.t('Deleting billing group {0}', inert(names[0])) : vscode.l10n.t('Deleting {0} billing groups', names.length),
        cancellable: true,
      },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return runBulk(groups, (g) => services.get(g.session)!.deleteBillingGroup(g.name, abort.signal), {
          ...bulkPace(log),
          isCancelled: () => token.isCancellationRequested,
          onDone: (done, total) => progress.report({ message: `${done}/${total}`, increment: 100 / total }),
        });
      },
    );
    const deleted = outcomes.filter((o) => o.ok || asProblem(o.error)?.code === 'ResourceNotFound').map((o) => o.item);
    const failed = outcomes.filter((o) => !o.ok && asProblem(o.error)?.code !== 'ResourceNotFound' && !isCancellation(o.error));
    for (const s of services.keys()) provider.removeGroups(s, deleted.filter((g) => g.session === s).map((g) => g.name));
    if (failed.length > 0) {
      await reportError(log, vscode.l10n.t('Deleting billing groups failed'), failed[0].error);
    } else if (deleted.length < names.length) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Stopped: deleted {0} of {1} billing groups.', deleted.length, names.length));
    } else {
      void vscode.window.showInformationMessage(
        names.length === 1 ? vscode.l10n.t('Deleted billing group {0}', inert(names[0])) : vscode.l10n.t('Deleted {0} billing groups', names.length),
      );
    }
  };

  /**
   * How many things each group holds, from one ListThingsInBillingGroup page of 250 each (bounded: a
   * group of millions costs one call and is said to hold "250 or more"), paced like other reads, with
   * a cancellable progress when there are many groups. A group whose count could not be read is left
   * out (and said so); 'cancelled' when the user cancelled the count (then nothing is deleted).
   */
  const countThings = async (items: ReadonlyArray<{ key: string; name: string; service: BillingGroupService }>): Promise<Map<string, ThingCount | Error> | 'cancelled'> => {
    const names = items.map((i) => i.key);
    const counts = new Map<string, ThingCount | Error>();
    const run = (token?: vscode.CancellationToken, progress?: vscode.Progress<{ message?: string; increment?: number }>) => {
      const abort = new AbortController();
      token?.onCancellationRequested(() => abort.abort());
      return runBulk(
        items,
        async ({ key, name, service }) => {
          try {
            counts.set(key, await service.countThingsInBillingGroup(name, abort.signal));
          } catch (e) {
            if (abort.signal.aborted) throw e;
            counts.set(key, e instanceof Error ? e : new Error(String(e)));
          }
        },
        { ...bulkPace(log), concurrency: 4, perSecond: 10, isCancelled: () => token?.isCancellationRequested === true, onDone: (done, total) => progress?.report({ message: `${done}/${total}`, increment: 100 / total }) },
      );
    };
    if (names.length <= 10) await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Counting things') }, () => run());
    else {
      const cancelled = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Counting the things in {0} billing groups', names.length), cancellable: true },
        async (progress, token) => {
          await run(token, progress);
          return token.isCancellationRequested;
        },
      );
      if (cancelled) return 'cancelled';
    }
    return counts;
  };

  /** "3 things will be left without a billing group (a: 1, b: 2)." and what could not be counted. */
  const countSentence = (names: readonly string[], counts: ReadonlyMap<string, ThingCount | Error>): string => {
    const known = names.flatMap((n) => {
      const c = counts.get(n);
      return c && !(c instanceof Error) ? [[n, c] as const] : [];
    });
    const unknown = names.filter((n) => counts.get(n) instanceof Error || !counts.has(n));
    const total = sumCounts(known.map(([, c]) => c));
    const left = leftWithoutGroup(total);
    const holding = known.filter(([, c]) => c.count > 0 || c.more);
    const parts: string[] = [];
    if (known.length > 0) {
      if (!left) parts.push(names.length === 1 ? vscode.l10n.t('It holds no things.') : vscode.l10n.t('They hold no things.'));
      else if (names.length === 1) parts.push(`${capitalize(left)}.`);
      else
        parts.push(
          `${capitalize(left)} (${holding
            .slice(0, 20)
            .map(([n, c]) => `${inert(n)}: ${c.more ? vscode.l10n.t('{0} or more', c.count) : c.count}`)
            .join(', ')}${holding.length > 20 ? `, ${vscode.l10n.t('and {0} more groups', holding.length - 20)}` : ''}).`,
        );
    }
    if (unknown.length > 0) {
      const first = counts.get(unknown[0]);
      parts.push(
        vscode.l10n.t(
          'How many things {0} could not be read: {1}',
          unknown.length === 1 ? vscode.l10n.t('{0} holds', inert(unknown[0])) : vscode.l10n.t('{0} of the groups hold', unknown.length),
          first instanceof Error ? (asProblem(first)?.message ?? first.message) : vscode.l10n.t('not counted'),
        ),
      );
    }
    return parts.join(' ');
  };

  const copyName = async (arg?: unknown) => {
    const name = isThingNode(arg) ? arg.name : (await resolveGroup(deps, arg, vscode.l10n.t('Billing group whose name to copy')))?.name;
    if (!name) return;
    await vscode.env.clipboard.writeText(name);
    void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', inert(name)), 3000);
  };

  const copyArn = async (arg?: unknown) => {
    const g = await resolveGroup(deps, arg, vscode.l10n.t('Billing group whose ARN to copy'));
    if (!g) return;
    await vscode.env.clipboard.writeText(g.arn);
    void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', inert(g.arn)), 3000);
  };

  const openInConsole = async (arg?: unknown) => {
    const g = await resolveGroup(deps, arg, vscode.l10n.t('Billing group to open in the AWS console'));
    if (!g) return;
    const { connection } = await g.session.connect();
    await vscode.env.openExternal(vscode.Uri.parse(consoleUrl(connection.region, g.name), true));
  };

  const editDescription = async (arg?: unknown) => {
    const g = await resolveGroup(deps, arg, vscode.l10n.t('Billing group whose description to edit'));
    if (!g) return;
    const { service } = await g.session.connect();
    let current = await service.describeBillingGroup(g.name);
    let value = current.description;
    for (;;) {
      const text = await vscode.window.showInputBox({
        title: vscode.l10n.t('Edit Description of {0}', inert(g.name)),
        prompt: vscode.l10n.t('Up to 2028 printable characters and spaces, on one line'),
        value,
        ignoreFocusOut: true,
        validateInput: (v) => validateDescription(v),
      });
      if (text === undefined) return;
      value = text;
      try {
        await service.updateDescription(g.name, text, current.version);
        provider.updateGroup(g, { description: text });
        void vscode.window.showInformationMessage(`${vscode.l10n.t('Updated the description of billing group {0}', inert(g.name))}${connections.where(g.session)}`);
        return;
      } catch (e) {
        if (asProblem(e)?.code === 'VersionConflict') {
          const retry = vscode.l10n.t('Reload and Retry');
          const picked = await vscode.window.showWarningMessage(
            vscode.l10n.t('Someone else changed billing group {0} since it was loaded. Reload it and apply your description again?', inert(g.name)),
            retry,
          );
          if (picked !== retry) return;
          current = await service.describeBillingGroup(g.name);
          continue; // keeps the typed value
        }
        let again = false;
        await reportError(log, vscode.l10n.t('Updating the description failed'), e, [{ title: vscode.l10n.t('Edit and Retry'), run: () => (again = true) }], g.session);
        if (!again) return;
      }
    }
  };

  const editTags = async (arg?: unknown) => {
    const g = await resolveGroup(deps, arg, vscode.l10n.t('Billing group whose tags to edit'));
    if (!g) return;
    const { service } = await g.session.connect();
    // AWS-managed tags (aws:…, e.g. CloudFormation's) are not the user's to edit: not shown, and kept by setTags.
    let value = formatTagText((await service.listTags(g.arn)).filter((t) => !isAwsManagedTagKey(t.key)));
    for (;;) {
      const text = await vscode.window.showInputBox({
        title: vscode.l10n.t('Edit Tags of {0}', inert(g.name)),
        prompt: vscode.l10n.t('key=value, key2=value2 — remove a pair to delete that tag; empty removes all'),
        value,
        ignoreFocusOut: true,
        validateInput: tagProblem,
      });
      if (text === undefined) return;
      value = text;
      try {
        const result = await service.setTags(g.arn, parseTagText(text).tags);
        void vscode.window.showInformationMessage(
          `${vscode.l10n.t('Tags of billing group {0} saved: {1} set, {2} removed', inert(g.name), result.set, result.removed)}${connections.where(g.session)}`,
        );
        return;
      } catch (e) {
        let again = false;
        await reportError(log, vscode.l10n.t('Saving tags failed'), e, [{ title: vscode.l10n.t('Edit and Retry'), run: () => (again = true) }], g.session);
        if (!again) return;
      }
    }
  };

  return {
    'iotBillingGroups.delete': guard(vscode.l10n.t('Deleting failed'), deleteGroups),
    'iotBillingGroups.copyName': guard(vscode.l10n.t('Copy Name failed'), copyName),
    'iotBillingGroups.copyArn': guard(vscode.l10n.t('Copy ARN failed'), copyArn),
    'iotBillingGroups.openInConsole': guard(vscode.l10n.t('Opening the console failed'), openInConsole),
    'iotBillingGroups.editDescription': guard(vscode.l10n.t('Edit Description failed'), editDescription),
    'iotBillingGroups.editTags': guard(vscode.l10n.t('Edit Tags failed'), editTags),
  };
}

