// The Billing Groups view: its provider, the view around it and its own commands.
import type vscode = require('vscode');
import type { Connections } from '../connection/connections';
import type { Deps } from '../shared/deps';
import type { Log } from '../shared/log';
import { BillingGroupsProvider } from './billingGroupsProvider';
import { registerTreeCommands } from './treeCommands';
import { TreeUi } from './treeView';

/** The view, created first: every other feature acts on it. */
export function createTree(connections: Connections, log: Log): TreeUi {
  return new TreeUi(new BillingGroupsProvider(connections, log));
}

export function register(deps: Deps): vscode.Disposable[] {
  return [deps.provider, deps.tree, ...registerTreeCommands(deps)];
}
