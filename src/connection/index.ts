// The AWS connection: profile and region commands, the status bar, and what follows a change.
import vscode = require('vscode');
import type { Deps } from '../shared/deps';
import { warmAws } from '../shared/awsLoader';
import { registerConnectionCommands } from './connectionCommands';
import { ConnectionStatusBar } from './statusBar';

export function register(deps: Deps): vscode.Disposable[] {
  const statusBar = new ConnectionStatusBar(deps.session);
  // Load the SDK bundle in the background once the view is visible, and show the status bar.
  const onVisible = () => {
    warmAws();
    void statusBar.update();
  };
  if (deps.tree.view.visible) onVisible();
  return [
    deps.session,
    statusBar,
    deps.session.onDidChange(() => deps.provider.refresh()),
    deps.tree.view.onDidChangeVisibility((e) => e.visible && onVisible()),
    ...registerConnectionCommands(deps),
  ];
}
