// The tree's own commands: refresh (the list, or one group's things), load more, filter.
import vscode = require('vscode');
import { validateNamePrefix } from '../core/validation';
import type { Deps } from '../shared/deps';
import { guardWith, REFRESH_CONNECTION_COMMAND } from '../shared/problems';
import type { Session } from '../connection/session';
import type { LoadMoreNode } from './nodes';
import { isGroupNode, sessionOf } from './nodes';

export function registerTreeCommands(deps: Deps): vscode.Disposable[] {
  const { provider, tree, connections, log } = deps;
  const guard = guardWith(log);

  /** After a problem, the connection starts over (re-read the AWS files, new clients); otherwise it keeps its warm client. */
  const refreshConnection = (session: Session) => {
    const state = provider.treeOf(session).state;
    if (state === undefined || state === 'ready' || state === 'empty' || state === 'emptyFilter' || state === 'loading') provider.refreshConnection(session);
    else {
      connections.invalidateCredentials();
      connections.reset(session, 'refresh');
    }
  };

  const filter = async () => {
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('Filter Billing Groups'),
      prompt: vscode.l10n.t('Show billing groups whose name starts with (empty: all)'),
      value: provider.filter,
      validateInput: (v) => (v === '' ? undefined : validateNamePrefix(v)),
    });
    if (value === undefined) return;
    tree.setFilter(value);
  };

  return [
    // The whole list. VS Code hands view-title actions the tree's focused item as argument, so this
    // must not look at its argument: with a group focused, the title's Refresh would reload only that
    // group's things. The group context menu's "Refresh" is refreshGroup.
    vscode.commands.registerCommand('iotBillingGroups.refresh', () => {
      for (const session of connections.all) refreshConnection(session);
    }),
    // A connection's error item and its context menu: that connection only.
    vscode.commands.registerCommand(REFRESH_CONNECTION_COMMAND, (arg?: unknown) => {
      const session = sessionOf(arg);
      if (session) refreshConnection(session);
    }),
    vscode.commands.registerCommand('iotBillingGroups.refreshGroup', (arg?: unknown) => {
      if (isGroupNode(arg)) provider.refreshGroup(arg, 0);
    }),
    vscode.commands.registerCommand('iotBillingGroups.loadMore', guard(vscode.l10n.t('Loading more failed'), (node?: LoadMoreNode) => provider.loadMore(node))),
    vscode.commands.registerCommand('iotBillingGroups.filter', guard(vscode.l10n.t('Filter failed'), filter)),
    vscode.commands.registerCommand('iotBillingGroups.clearFilter', () => tree.setFilter('')),
  ];
}
