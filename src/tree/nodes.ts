// The kinds of item in the Billing Groups tree.
import type { ContributedNode } from './treeContribution';

export interface GroupNode {
  readonly kind: 'group';
  readonly name: string;
  readonly arn: string;
  /** Known once the group was described (tooltip, details, edit). */
  description?: string;
  creationDate?: Date;
}

export interface ThingNode {
  readonly kind: 'thing';
  readonly name: string;
  readonly group: GroupNode;
}

/** "Load more…" under the root (groups) or under a group (its things). */
export interface LoadMoreNode {
  readonly kind: 'loadMore';
  readonly parent?: GroupNode;
}

/** One item saying what went wrong, with the command that fixes it. */
export interface MessageNode {
  readonly kind: 'message';
  readonly id: string;
  readonly label: string;
  readonly detail?: string;
  readonly icon: 'error' | 'info' | 'loading';
  readonly parent?: GroupNode;
  readonly action?: { title: string; command: string; arguments?: unknown[] };
}

export type TreeNode = GroupNode | ThingNode | LoadMoreNode | MessageNode | ContributedNode;

export function isGroupNode(x: unknown): x is GroupNode {
  return typeof x === 'object' && x !== null && (x as TreeNode).kind === 'group';
}

export function isThingNode(x: unknown): x is ThingNode {
  return typeof x === 'object' && x !== null && (x as TreeNode).kind === 'thing';
}
