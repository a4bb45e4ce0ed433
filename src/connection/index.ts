// The AWS connections: profile and region commands, adding and removing connections, the status
// bar, and what follows a change. The commands' code loads with the first of them (dist/connection.js).
import vscode = require('vscode');
import { inert } from '../core/displayText';
import type { Deps } from '../shared/deps';
import { warmAws } from '../shared/awsLoader';
import { registerLazyCommands } from '../shared/lazyCommands';
import { loadConnectionFeature } from './connectionLoader';
import { ConnectionStatusBar } from './statusBar';

const COMMANDS = ['selectProfile', 'selectRegion', 'addConnection', 'removeConnection', 'addOrganizationAccounts'].map((c) => `iotBillingGroups.${c}`);

export function register(deps: Deps): vscode.Disposable[] {
  const statusBar = new ConnectionStatusBar(deps.connections);
  // Load the SDK bundle in the background once the view is visible, and show the status bar.
  const onVisible = () => {
    warmAws();
    void statusBar.update();
  };
  if (deps.tree.view.visible) onVisible();
  return [
    deps.connections,
    statusBar,
    deps.tree.view.onDidChangeVisibility((e) => e.visible && onVisible()),
    ...registerLazyCommands(COMMANDS, () => loadConnectionFeature().connectionCommandHandlers(deps)),
    vscode.commands.registerCommand('iotBillingGroups.showLog', () => deps.log.show()),
    vscode.commands.registerCommand('iotBillingGroups.internal.copyText', async (text: unknown) => {
      if (typeof text !== 'string') return;
      await vscode.env.clipboard.writeText(text);
      void vscode.window.showInformationMessage(vscode.l10n.t('Copied: {0}', inert(text)));
    }),
  ];
}
