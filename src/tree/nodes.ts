// The kinds of item in the Billing Groups tree. Every node knows its connection (issue 17): a
// command run on a node acts on that node's account and region.
import type { Session } from '../connection/session';
import type { ContributedNode } from './treeContribution';

/** A connection's root item; shown only while the view shows more than one connection. */
export interface ConnectionNode {
  readonly kind: 'connection';
  readonly session: Session;
}

export interface GroupNode {
  readonly kind: 'group';
  readonly name: string;
  readonly arn: string;
  readonly session: Session;
  /** Known once the group was described (tooltip, details, edit). */
  description?: string;
  creationDate?: Date;
}

export interface ThingNode {
  readonly kind: 'thing';
  readonly name: string;
  readonly group: GroupNode;
}

/** "Load more…" under a connection's groups, or under a group (its things). */
export interface LoadMoreNode {
  readonly kind: 'loadMore';
  readonly session?: Session;
  readonly parent?: GroupNode;
}

/** One item saying what went wrong, with the command that fixes it. */
export interface MessageNode {
  readonly kind: 'message';
  readonly id: string;
  readonly label: string;
  readonly detail?: string;
  readonly icon: 'error' | 'info' | 'loading';
  readonly parent?: GroupNode | ConnectionNode;
  readonly action?: { title: string; command: string; arguments?: unknown[] };
}

export type TreeNode = ConnectionNode | GroupNode | ThingNode | LoadMoreNode | MessageNode | ContributedNode;

export function isGroupNode(x: unknown): x is GroupNode {
  return typeof x === 'object' && x !== null && (x as TreeNode).kind === 'group';
}

export function isThingNode(x: unknown): x is ThingNode {
  return typeof x === 'object' && x !== null && (x as TreeNode).kind === 'thing';
}

export function isConnectionNode(x: unknown): x is ConnectionNode {
  return typeof x === 'object' && x !== null && (x as TreeNode).kind === 'connection';
}

/** The connection a node belongs to (undefined for anything else, e.g. a command's own argument). */
export function sessionOf(x: unknown): Session | undefined {
  if (isGroupNode(x) || isConnectionNode(x)) return x.session;
  if (isThingNode(x)) return x.group.session;
  if (typeof x === 'object' && x !== null) {
    const n = x as { kind?: unknown; session?: Session };
    if ((n.kind === 'loadMore' || n.kind === 'contributed') && n.session) return n.session;
  }
  return undefined;
}
