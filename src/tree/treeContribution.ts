// Items a feature adds to each connection's part of the Billing Groups tree after its groups
// (issue 12: "Things without a billing group"). The provider asks the feature for one contribution
// per connection; each answers for its items, their children and tree items, and takes what is
// dragged from its items onto a group. The feature keeps its logic to itself.
import type * as vscode from 'vscode';
import type { Session } from '../connection/session';
import type { GroupNode, TreeNode } from './nodes';

export interface ContributedNode {
  readonly kind: 'contributed';
  readonly owner: TreeContribution;
  /** The connection whose part of the tree holds the node. */
  readonly session: Session;
  /** Unique in the tree: the tree item's id. */
  readonly id: string;
  /** For the "tree: changed …" log line. */
  readonly name?: string;
}

export interface TreeContribution {
  /** Called once by the provider: `changed` redraws a node (the connection's part of the tree without one). */
  attach(changed: (node?: TreeNode) => void): void;
  /** Items after the groups; asked only while the connection has groups (never in the empty state). */
  rootItems(): ContributedNode[];
  getTreeItem(node: ContributedNode): vscode.TreeItem;
  getChildren(node: ContributedNode): TreeNode[] | Promise<TreeNode[]>;
  getParent(node: ContributedNode): TreeNode | undefined;
  /** The connection's part of the tree was refreshed. */
  onRefresh(): void;
  /** Whether the node may be dragged onto a group. */
  canDrag(node: ContributedNode): boolean;
  /** Nodes of this contribution (by id: a drag serialises them) dropped on a group of the same connection. */
  drop(ids: string[], target: GroupNode): Promise<void>;
  /** The connection was removed. */
  dispose(): void;
}

/** Makes the contribution of one connection (called when the connection first shows in the tree). */
export type ContributionFactory = (session: Session) => TreeContribution;

export function isContributedNode(x: unknown): x is ContributedNode {
  return typeof x === 'object' && x !== null && (x as TreeNode).kind === 'contributed';
}
