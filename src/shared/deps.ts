// What every feature needs: the extension context, the connection, the log and the tree.
import type * as vscode from 'vscode';
import type { Session } from '../connection/session';
import type { BillingGroupsProvider } from '../tree/billingGroupsProvider';
import type { TreeUi } from '../tree/treeView';
import type { Log } from './log';

export interface Deps {
  context: vscode.ExtensionContext;
  session: Session;
  log: Log;
  tree: TreeUi;
  provider: BillingGroupsProvider;
}
