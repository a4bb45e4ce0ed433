// A command that acts on a billing group, run from the palette without one, asks for it (and, while
// the view shows several connections, first for the connection).
import vscode = require('vscode');
import type { Session } from '../connection/session';
import { inert } from '../core/displayText';
import type { GroupNode } from '../tree/nodes';
import { isGroupNode, sessionOf } from '../tree/nodes';
import type { Deps } from './deps';
import { isGroupArgument } from './problems';
import { runQuickPick } from './quickPickRun';

interface GroupItem extends vscode.QuickPickItem {
  group?: GroupNode;
  more?: boolean;
}

/**
 * The group a command was invoked on: a tree node; a name with its connection (a notification's
 * button); a bare name (the first connection's, as before issue 17); or asked for — in the
 * connection of the node the command was run on (a connection's root item), else in one picked.
 */
export async function resolveGroup(deps: Deps, arg: unknown, placeholder: string): Promise<GroupNode | undefined> {
  if (isGroupNode(arg)) return arg;
  const named = isGroupArgument(arg) ? { name: arg.groupName, session: deps.connections.get(arg.connectionId) } : typeof arg === 'string' && arg ? { name: arg, session: deps.connections.primary } : undefined;
  if (named) {
    if (!named.session) throw new vscode.CancellationError(); // the connection was removed meanwhile
    return groupByName(deps, named.session, named.name);
  }
  const session = sessionOf(arg) ?? (await deps.connections.pick(placeholder));
  return session ? pickGroup(deps, session, placeholder) : undefined;
}

/** A group of a connection by name: the tree's node when loaded, else described. */
export async function groupByName(deps: Deps, session: Session, name: string): Promise<GroupNode> {
  const known = deps.provider.loadedGroups(session).find((g) => g.name === name);
  if (known) return known;
  const { service } = await session.connect();
  const d = await service.describeBillingGroup(name);
  return { kind: 'group', name: d.name, arn: d.arn, session, description: d.description, creationDate: d.creationDate };
}

async function pickGroup(deps: Deps, session: Session, placeholder: string): Promise<GroupNode | undefined> {
  const { service } = await session.connect();
  const pick = vscode.window.createQuickPick<GroupItem>();
  pick.placeholder = placeholder;
  if (deps.connections.multiple) pick.title = inert(session.label);
  pick.matchOnDescription = true;
  pick.busy = true;
  const groups: GroupNode[] = [];
  let nextToken: string | undefined;
  const abort = new AbortController();
  const loadPage = async () => {
    pick.busy = true;
    try {
      const page = await service.listBillingGroups({ nextToken }, abort.signal);
      groups.push(...page.items.map((g): GroupNode => ({ kind: 'group', name: g.name, arn: g.arn, session })));
      nextToken = page.nextToken;
      pick.items = [
        ...groups.map((g) => ({ label: inert(g.name), group: g })),
        ...(nextToken ? [{ label: `$(ellipsis) ${vscode.l10n.t('Load more…')}`, more: true, alwaysShow: true }] : []),
      ];
    } finally {
      pick.busy = false;
    }
  };
  return runQuickPick<GroupItem, GroupNode>(pick, abort, {
    listen: (end) => [
      pick.onDidAccept(() => {
        const item = pick.selectedItems[0];
        if (item?.more) loadPage().catch(end.fail);
        else end.done(item?.group);
      }),
    ],
    start: loadPage,
  });
}
