// The Billing Groups view: its provider, the view around it and its own commands.
import type vscode = require('vscode');
import type { Session } from '../connection/session';
import type { Deps } from '../shared/deps';
import type { Log } from '../shared/log';
import { BillingGroupsProvider } from './billingGroupsProvider';
import { registerTreeCommands } from './treeCommands';
import { TreeUi } from './treeView';

/** The view, created first: every other feature acts on it. */
export function createTree(session: Session, log: Log): TreeUi {
  return new TreeUi(new BillingGroupsProvider(session, log));
}

export function register(deps: Deps): vscode.Disposable[] {
  return [deps.provider, deps.tree, ...registerTreeCommands(deps)];
}
