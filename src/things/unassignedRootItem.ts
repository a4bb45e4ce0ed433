// The tree item "Things without a billing group", the same whether the feature's bundle is loaded
// (with the count as description) or not yet (unassignedStub.ts).
import vscode = require('vscode');
import type { ContributedNode } from '../tree/treeContribution';

const ROOT_ICON = new vscode.ThemeIcon('circle-slash');

export const UNASSIGNED_ROOT_ID = 'unassigned';
/** Internal commands of the tree items (not in the palette). */
export const LOAD_MORE_COMMAND = 'iotBillingGroups.internal.loadMoreUnassigned';
export const RECOUNT_COMMAND = 'iotBillingGroups.internal.recountUnassigned';

/** The item of a connection's root node (its id carries the connection, but for the first one's, as before issue 17). */
export function unassignedRootItem(root: ContributedNode, description?: string): vscode.TreeItem {
  const item = new vscode.TreeItem(vscode.l10n.t('Things without a billing group'), vscode.TreeItemCollapsibleState.Collapsed);
  item.id = root.id;
  item.contextValue = 'unassignedThings';
  item.iconPath = ROOT_ICON;
  item.description = description;
  item.tooltip = vscode.l10n.t('Their usage cannot be allocated to a billing group: it is part of the unallocated costs. Expand to count them.');
  return item;
}
