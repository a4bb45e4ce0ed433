// What the entry bundle holds of "Things without a billing group": one root item per connection,
// until it is first expanded, dropped on or a command of issue 12 runs; then the feature's bundle
// (dist/things.js) is loaded and the tree of that bundle (unassignedTree.ts) answers for the same
// root node.
import type vscode = require('vscode');
import type { Session } from '../connection/session';
import type { GroupNode, TreeNode } from '../tree/nodes';
import type { ContributedNode, TreeContribution } from '../tree/treeContribution';
import { UNASSIGNED_ROOT_ID, unassignedRootItem } from './unassignedRootItem';

/** The loaded side: the feature's tree contribution (with the count and the things). */
export interface LoadedTree extends TreeContribution {
  setExpanded(expanded: boolean): void;
}

export type UnassignedRoot = ContributedNode & { role: 'root' };

export class UnassignedStub implements TreeContribution {
  readonly root: UnassignedRoot;
  private changed: (node?: TreeNode) => void = () => undefined;
  private tree?: LoadedTree;

  /** `load` loads the feature's bundle and returns its tree for this root (once). */
  constructor(
    session: Session,
    private readonly load: (root: UnassignedRoot, changed: (node?: TreeNode) => void) => LoadedTree,
  ) {
    const id = session.primary ? UNASSIGNED_ROOT_ID : `${session.id}/${UNASSIGNED_ROOT_ID}`;
    this.root = { kind: 'contributed', owner: this, session, id, name: UNASSIGNED_ROOT_ID, role: 'root' };
  }

  /** Loads the feature (a command of issue 12 runs). */
  ensureLoaded(): LoadedTree {
    return this.loaded();
  }

  private loaded(): LoadedTree {
    this.tree ??= this.load(this.root, (node) => this.changed(node));
    return this.tree;
  }

  /** The loaded tree, if the feature is loaded (nothing is loaded for a collapse or a refresh). */
  get ifLoaded(): LoadedTree | undefined {
    return this.tree;
  }

  attach(changed: (node?: TreeNode) => void): void {
    this.changed = changed;
  }

  rootItems(): ContributedNode[] {
    return [this.root];
  }

  getTreeItem(node: ContributedNode): vscode.TreeItem {
    return this.tree ? this.tree.getTreeItem(node) : unassignedRootItem(this.root);
  }

  getChildren(node: ContributedNode): TreeNode[] | Promise<TreeNode[]> {
    return this.loaded().getChildren(node);
  }

  getParent(): TreeNode | undefined {
    return undefined;
  }

  onRefresh(): void {
    this.tree?.onRefresh();
  }

  setExpanded(expanded: boolean): void {
    if (expanded) this.loaded().setExpanded(true);
    else this.tree?.setExpanded(false);
  }

  canDrag(): boolean {
    return false;
  }

  drop(ids: string[], target: GroupNode): Promise<void> {
    return this.loaded().drop(ids, target);
  }

  dispose(): void {
    this.tree?.dispose();
  }
}

export function isUnassignedRoot(x: unknown): x is UnassignedRoot & { owner: UnassignedStub } {
  return typeof x === 'object' && x !== null && (x as ContributedNode).owner instanceof UnassignedStub && (x as ContributedNode).owner.rootItems()[0] === x;
}
