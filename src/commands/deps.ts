// What every command needs: the connection, the log and the tree.
import type * as vscode from 'vscode';
import type { Log } from '../log';
import type { Session } from '../session';
import type { BillingGroupsProvider } from '../tree/billingGroupsProvider';
import type { TreeUi } from '../treeUi';

export interface Deps {
  context: vscode.ExtensionContext;
  session: Session;
  log: Log;
  tree: TreeUi;
  provider: BillingGroupsProvider;
}
