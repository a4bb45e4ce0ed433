// "Things without a billing group" in the tree: a root item after the groups whose description is
// the count ("1,204 things"; "counting… 800 so far"), expandable to those things 250 at a time with
// Load more…, multi-select, dragged onto a group to assign them. Counted only while expanded.
import vscode = require('vscode');
import { formatCount, plural } from '../core/assignmentPlan';
import { PAGE_SIZE_MAX } from '../core/limits';
import { inert } from '../core/displayText';
import type { GroupNode, TreeNode } from '../tree/nodes';
import type { ContributedNode, TreeContribution } from '../tree/treeContribution';
import { actionCommand } from '../shared/problems';
import type { UnassignedModel } from './unassignedModel';
import { LOAD_MORE_COMMAND, RECOUNT_COMMAND, unassignedRootItem } from './unassignedRootItem';


export interface UnassignedNode extends ContributedNode {
  readonly role: 'root' | 'thing' | 'more' | 'message';
  /** The thing's name (role "thing"). */
  readonly thing?: string;
  readonly label?: string;
  readonly icon?: string;
  readonly action?: { title: string; command: string; arguments?: unknown[] };
}

export function isUnassignedThing(x: unknown): x is UnassignedNode & { thing: string } {
  return typeof x === 'object' && x !== null && (x as ContributedNode).kind === 'contributed' && (x as UnassignedNode).role === 'thing';
}

const THING_ICON = new vscode.ThemeIcon('circuit-board');

export class UnassignedTree implements TreeContribution {
  private changed: (node?: TreeNode) => void = () => undefined;
  private shown = PAGE_SIZE_MAX;
  private expanded = false;
  /** Thing nodes by name: the same object for the same thing, so selection and drag survive redraws. */
  private readonly nodes = new Map<string, UnassignedNode>();

  /** Called by the drop on a group (set in index.ts). */
  onDrop: (things: string[], target: GroupNode) => Promise<void> = async () => undefined;

  /** `root` is the entry's item (unassignedStub.ts): the same node before and after this bundle loads. */
  constructor(
    private readonly model: UnassignedModel,
    readonly root: UnassignedNode,
  ) {
    model.onDidChange(() => this.changed(this.root));
  }

  attach(changed: (node?: TreeNode) => void): void {
    this.changed = changed;
  }

  rootItems(): ContributedNode[] {
    return [this.root];
  }

  /** Tree item ids: the first connection's as before issue 17, the others' carry the connection. */
  private id(rest: string): string {
    return this.root.session.primary ? rest : `${this.root.session.id}/${rest}`;
  }

  dispose(): void {
    this.model.cancel();
  }

  /** The view's expand and collapse events (collapsing cancels a count under way). */
  setExpanded(expanded: boolean): void {
    this.expanded = expanded;
    if (!expanded) this.model.cancel();
  }

  get isExpanded(): boolean {
    return this.expanded;
  }

  onRefresh(): void {
    this.shown = PAGE_SIZE_MAX;
    this.nodes.clear();
    this.model.invalidate();
  }

  loadMore(): void {
    this.shown += PAGE_SIZE_MAX;
    this.changed(this.root);
  }

  getTreeItem(node: ContributedNode): vscode.TreeItem {
    const n = node as UnassignedNode;
    switch (n.role) {
      case 'root':
        return unassignedRootItem(this.root, this.description());
      case 'thing': {
        const item = new vscode.TreeItem(inert(n.thing ?? ''), vscode.TreeItemCollapsibleState.None);
        item.id = n.id;
        item.contextValue = 'unassignedThing';
        item.iconPath = THING_ICON;
        item.tooltip = vscode.l10n.t('Thing {0}, in no billing group. Drag it onto a group to assign it.', inert(n.thing ?? ''));
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
        item.id = n.id;
        item.contextValue = 'loadMore';
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { title: vscode.l10n.t('Load more…'), command: LOAD_MORE_COMMAND, arguments: [this.root] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(n.label ?? '', vscode.TreeItemCollapsibleState.None);
        item.id = n.id;
        item.contextValue = n.icon === 'error' ? 'problem' : 'message';
        item.iconPath = new vscode.ThemeIcon(n.icon === 'loading' ? 'loading~spin' : (n.icon ?? 'info'));
        if (n.action) {
          item.description = n.action.title;
          item.command = { title: n.action.title, command: n.action.command, arguments: n.action.arguments };
        }
        return item;
      }
    }
  }

  private description(): string | undefined {
    const s = this.model.current;
    switch (s.kind) {
      case 'counting':
        return s.progress && s.progress.phase !== 'groups' && s.progress.phase !== 'members'
          ? vscode.l10n.t('counting… {0} so far', formatCount(s.progress.unassigned))
          : vscode.l10n.t('counting…');
      case 'done':
        return plural(s.result.tally.count, vscode.l10n.t('thing'), vscode.l10n.t('things'));
      case 'failed':
        return vscode.l10n.t('count failed');
      default:
        return undefined;
    }
  }

  private message(id: string, label: string, icon: string, action?: UnassignedNode['action']): UnassignedNode {
    return { kind: 'contributed', owner: this, session: this.root.session, id: this.id(`unassigned/${id}`), role: 'message', label, icon, action };
  }

  getChildren(node: ContributedNode): TreeNode[] {
    if ((node as UnassignedNode).role !== 'root') return [];
    const s = this.model.current;
    if (s.kind === 'idle') {
      // Expanded (or redrawn while expanded): count now.
      this.model.ensure().catch(() => undefined);
      return [this.message('counting', vscode.l10n.t('Counting things without a billing group…'), 'loading')];
    }
    if (s.kind === 'counting') {
      const p = s.progress;
      const label =
        p && (p.phase === 'things' || p.phase === 'done')
          ? vscode.l10n.t('Counting… {0} so far ({1} things listed)', formatCount(p.unassigned), formatCount(p.thingsRead))
          : p
            ? vscode.l10n.t('Reading billing groups… {0} of {1}', formatCount(p.groupsRead), formatCount(p.groupsTotal))
            : vscode.l10n.t('Counting things without a billing group…');
      return [this.message('counting', label, 'loading')];
    }
    if (s.kind === 'failed')
      return [this.message('failed', inert(s.problem.message), 'error', actionCommand(s.problem.action, this.root.session) ?? { title: vscode.l10n.t('Retry'), command: RECOUNT_COMMAND, arguments: [this.root] })];
    const names = s.result.tally.names();
    if (names.length === 0) return [this.message('none', vscode.l10n.t('Every thing is in a billing group'), 'pass')];
    const out: TreeNode[] = names.slice(0, this.shown).map((name) => {
      let n = this.nodes.get(name);
      if (!n) {
        n = { kind: 'contributed', owner: this, session: this.root.session, id: this.id(`unassigned/thing/${name}`), name, role: 'thing', thing: name };
        this.nodes.set(name, n);
      }
      return n;
    });
    if (names.length > this.shown) out.push({ kind: 'contributed', owner: this, session: this.root.session, id: this.id('unassigned/more'), role: 'more' } as UnassignedNode);
    return out;
  }

  /** Runs a count again after a failure. */
  recount(): void {
    this.model.invalidate();
    this.changed(this.root);
  }

  getParent(node: ContributedNode): TreeNode | undefined {
    return (node as UnassignedNode).role === 'root' ? undefined : this.root;
  }

  canDrag(node: ContributedNode): boolean {
    return (node as UnassignedNode).role === 'thing';
  }

  async drop(ids: string[], target: GroupNode): Promise<void> {
    const prefix = this.id('unassigned/thing/');
    const things = ids.filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length));
    if (things.length > 0) await this.onDrop(things, target);
  }
}
