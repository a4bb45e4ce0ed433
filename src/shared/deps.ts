// What every feature needs: the extension context, the connections, the log and the tree. A command
// acts on the connection of the node it was run on (sessionOf), or asks which (connections.pick).
import type * as vscode from 'vscode';
import type { Connections } from '../connection/connections';
import type { BillingGroupsProvider } from '../tree/billingGroupsProvider';
import type { TreeUi } from '../tree/treeView';
import type { Log } from './log';

export interface Deps {
  context: vscode.ExtensionContext;
  connections: Connections;
  log: Log;
  tree: TreeUi;
  provider: BillingGroupsProvider;
}
