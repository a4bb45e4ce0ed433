// Items a feature adds to the Billing Groups tree after the groups (issue 12: "Things without a
// billing group"). The provider asks the contribution for its items, their children and tree items,
// and hands it what is dragged from its items onto a group; the feature keeps its logic to itself.
import type * as vscode from 'vscode';
import type { GroupNode, TreeNode } from './nodes';

export interface ContributedNode {
  readonly kind: 'contributed';
  readonly owner: TreeContribution;
  /** Unique in the tree: the tree item's id. */
  readonly id: string;
  /** For the "tree: changed …" log line. */
  readonly name?: string;
}

export interface TreeContribution {
  /** Called once by the provider: `changed` redraws a node (all of the tree without one). */
  attach(changed: (node?: TreeNode) => void): void;
  /** Items after the groups; asked only while the account has groups (never in the empty state). */
  rootItems(): ContributedNode[];
  getTreeItem(node: ContributedNode): vscode.TreeItem;
  getChildren(node: ContributedNode): TreeNode[] | Promise<TreeNode[]>;
  getParent(node: ContributedNode): TreeNode | undefined;
  /** The whole tree was refreshed. */
  onRefresh(): void;
  /** Whether the node may be dragged onto a group. */
  canDrag(node: ContributedNode): boolean;
  /** Nodes of this contribution (by id: a drag serialises them) dropped on a group. */
  drop(ids: string[], target: GroupNode): Promise<void>;
}

export function isContributedNode(x: unknown): x is ContributedNode {
  return typeof x === 'object' && x !== null && (x as TreeNode).kind === 'contributed';
}
