// The Billing Groups tree. With one connection it lists that connection's groups at the root, as it
// always did; with several (issue 17) each connection is a root item `profile @ region` holding its
// groups and its "Things without a billing group", loaded when expanded, failing on its own. The
// loading itself is per connection (connectionTree.ts); this dispatches, keeps the view's state and
// filter, builds the tree items and moves things between groups by drag and drop.
import vscode = require('vscode');
import type { Connections } from '../connection/connections';
import type { Session } from '../connection/session';
import { inert } from '../core/displayText';
import { asProblem, isCancellation } from '../shared/problems';
import type { Log } from '../shared/log';
import { ConnectionTree, type ViewState } from './connectionTree';
import type { ConnectionNode, GroupNode, LoadMoreNode, ThingNode, TreeNode } from './nodes';
import { isConnectionNode, isGroupNode, isThingNode } from './nodes';
import { isContributedNode, type ContributionFactory } from './treeContribution';

export type { ViewState } from './connectionTree';

export const VIEW_ID = 'iotBillingGroups.billingGroups';
const THING_MIME = `application/vnd.code.tree.${VIEW_ID.toLowerCase()}`;

/** Shared by every item: thousands of groups need not carry an icon object each. */
const GROUP_ICON = new vscode.ThemeIcon('credit-card');
const THING_ICON = new vscode.ThemeIcon('circuit-board');
const CONNECTION_ICON = new vscode.ThemeIcon('cloud');

/** How long a change waits at most for VS Code's pending getChildren (see changed()). */
const CHANGE_WAIT_MS = 2_000;
/** How long a change that waited still waits after the answer, while the window takes the children in (see changed()). */
const CHANGE_SETTLE_MS = 500;

/** A group's cost as the costs feature words it (issue 11): before the group's description, and in its tooltip. */
export interface GroupCostText {
  description: string;
  tooltip: string;
}

/** What a drag carries (serialised): a thing of a group, or a contributed node, with its connection's id. */
type DraggedThing = { kind: 'thing'; name: string; group: string; session: string } | { kind: 'contributed'; id: string; session: string };

function isDraggedThing(x: unknown): x is DraggedThing {
  if (typeof x !== 'object' || x === null) return false;
  const d = x as Record<string, unknown>;
  if (typeof d.session !== 'string') return false;
  return d.kind === 'thing' ? typeof d.name === 'string' && typeof d.group === 'string' : d.kind === 'contributed' && typeof d.id === 'string';
}

/** A group by connection and name (a node, or what a command knows of one). */
export interface GroupRef {
  readonly session: Session;
  readonly name: string;
}

export class BillingGroupsProvider implements vscode.TreeDataProvider<TreeNode>, vscode.TreeDragAndDropController<TreeNode>, vscode.Disposable {
  readonly dragMimeTypes = [THING_MIME];
  readonly dropMimeTypes = [THING_MIME];

  private readonly trees = new Map<string, ConnectionTree>();
  private filterPrefix = '';
  private state: ViewState | undefined;
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined | void>();
  private readonly stateEmitter = new vscode.EventEmitter<ViewState>();
  private readonly disposables: vscode.Disposable[];
  readonly onDidChangeTreeData = this.emitter.event;
  readonly onDidChangeState = this.stateEmitter.event;
  /** getChildren calls VS Code is waiting for, by node (undefined: the roots); see changed(). */
  private readonly fetching = new Map<TreeNode | undefined, Promise<TreeNode[]>>();
  /** Changes waiting for such an answer (one each). */
  private readonly deferred = new Set<TreeNode | undefined>();
  /** Asked before a drag-and-drop move; returns true to go ahead (set by the commands module). */
  confirmMove: (things: ThingNode[], target: GroupNode) => Promise<boolean> = async () => false;

  /** A feature's items after each connection's groups (issue 12: things without a billing group). */
  private contribution?: ContributionFactory;

  constructor(
    readonly connections: Connections,
    readonly log: Log,
  ) {
    this.disposables = [
      connections.onDidChangeList(() => this.syncConnections()),
      connections.onDidChangeSession((s) => this.trees.get(s.id)?.refresh()),
    ];
  }

  contribute(factory: ContributionFactory): vscode.Disposable {
    this.contribution = factory;
    return { dispose: () => (this.contribution = undefined) };
  }

  get filter(): string {
    return this.filterPrefix;
  }

  get viewState(): ViewState | undefined {
    return this.state;
  }

  /** The part of the tree of a connection (made when first asked for). */
  treeOf(session: Session): ConnectionTree {
    let tree = this.trees.get(session.id);
    if (!tree || tree.session !== session) {
      tree?.dispose();
      tree = new ConnectionTree(
        session,
        {
          log: this.log,
          filter: () => this.filterPrefix,
          multiple: () => this.connections.multiple,
          changed: (t, node) => this.changed(node ?? (this.connections.multiple ? t.node : undefined)),
          stateChanged: () => this.updateState(),
        },
        this.contribution?.(session),
      );
      this.trees.set(session.id, tree);
    }
    return tree;
  }

  /** The groups loaded so far of a connection (for pickers), sorted by name. */
  loadedGroups(session: Session): readonly GroupNode[] {
    return this.trees.get(session.id)?.loadedGroups ?? [];
  }

  setFilter(prefix: string): void {
    this.filterPrefix = prefix;
    void vscode.commands.executeCommand('setContext', 'iotBillingGroups.filterActive', prefix !== '');
    this.refresh();
  }

  /** Reloads every connection from its first page; loads under way are cancelled. */
  refresh(): void {
    for (const t of this.trees.values()) t.refresh();
    this.changed();
  }

  /** Reloads one connection. */
  refreshConnection(session: Session): void {
    this.treeOf(session).refresh();
  }

  /** Reloads a group's things now and again after `againAfterMs` (AWS propagates membership with a delay). */
  refreshGroup(group: GroupRef, againAfterMs = 3000): void {
    this.trees.get(group.session.id)?.refreshGroup(group.name, againAfterMs);
  }

  /** Makes sure a group is in its connection's list (e.g. just created, beyond the loaded pages) and returns its node. */
  ensureGroup(session: Session, name: string, arn: string): Promise<GroupNode> {
    return this.treeOf(session).ensureGroup(name, arn);
  }

  /** Updates what is known of a group (description), so its item shows it. */
  updateGroup(group: GroupRef, patch: Partial<Pick<GroupNode, 'description' | 'creationDate'>>): void {
    this.trees.get(group.session.id)?.updateGroup(group.name, patch);
  }

  removeGroups(session: Session, names: readonly string[]): void {
    this.trees.get(session.id)?.removeGroups(names);
  }

  /** The connection's root item (while several are shown). */
  connectionNode(session: Session): ConnectionNode {
    return this.treeOf(session).node;
  }

  private syncConnections(): void {
    const live = new Set(this.connections.all.map((s) => s.id));
    for (const [id, tree] of this.trees)
      if (!live.has(id) || this.connections.get(id) !== tree.session) {
        tree.dispose(); // its loads are cancelled
        this.trees.delete(id);
      }
    this.updateState();
    this.changed();
  }

  // --- TreeDataProvider ---

  /** Group items are built once per node, description and cost (thousands of groups, redrawn per page). */
  private readonly groupItems = new WeakMap<GroupNode, { description: string | undefined; cost: string | undefined; item: vscode.TreeItem }>();
  /** Costs by connection and group name (iotBillingGroups.costs.showInTree), set by the costs feature. */
  private groupCosts = new Map<string, Map<string, GroupCostText>>();

  /** Shows a connection's costs in its group items (undefined: none); only the items whose figures changed are redrawn. */
  setGroupCosts(session: Session, costs: ReadonlyMap<string, GroupCostText> | undefined): void {
    const before = this.groupCosts.get(session.id) ?? new Map<string, GroupCostText>();
    const next = new Map(costs ?? []);
    const same = (a?: GroupCostText, b?: GroupCostText) => a?.description === b?.description && a?.tooltip === b?.tooltip;
    const touched = [...new Set([...before.keys(), ...next.keys()])].filter((n) => !same(before.get(n), next.get(n)));
    this.groupCosts.set(session.id, next);
    const tree = this.trees.get(session.id);
    const nodes = touched.flatMap((name) => tree?.find(name) ?? []);
    // Beside other connections, the connection's item is redrawn with its groups (their items are
    // kept, so only those whose figures changed are built again): a group's own change that arrives
    // while VS Code is still redrawing the connection (its account just learned) was seen lost, the
    // older item drawn over the new one.
    if (this.connections.multiple && tree && nodes.length > 0) this.changed(tree.node);
    else for (const node of nodes) this.changed(node);
  }

  private costOf(group: GroupNode): GroupCostText | undefined {
    return this.groupCosts.get(group.session.id)?.get(group.name);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node.kind === 'group') {
      const cached = this.groupItems.get(node);
      const cost = this.costOf(node)?.description;
      if (cached && cached.description === node.description && cached.cost === cost) return cached.item;
      const item = this.buildTreeItem(node);
      this.groupItems.set(node, { description: node.description, cost, item });
      return item;
    }
    return this.buildTreeItem(node);
  }

  private buildTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'connection': {
        const s = node.session;
        const item = new vscode.TreeItem(inert(s.label), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `connection/${s.id}`;
        item.contextValue = 'connection';
        item.iconPath = CONNECTION_ICON;
        item.description = s.account;
        const e = s.entry;
        item.tooltip = [
          vscode.l10n.t('AWS profile {0}, region {1}', inert(e.profile || vscode.l10n.t('(from AWS_PROFILE or default)')), e.region || vscode.l10n.t('(the profile\'s)')),
          ...(s.account ? [vscode.l10n.t('Account {0}', s.account)] : []),
          ...(e.roleArn ? [vscode.l10n.t('Through role {0}', inert(e.roleArn))] : []),
          ...(e.endpoint ? [vscode.l10n.t('Endpoint {0}', inert(e.endpoint))] : []),
          s.primary ? vscode.l10n.t('The connection of the profile and region settings.') : vscode.l10n.t('From the iotBillingGroups.connections setting.'),
        ].join('\n');
        item.accessibilityInformation = { label: vscode.l10n.t('Connection {0}', inert(s.label)) };
        return item;
      }
      case 'group': {
        const tree = this.treeOf(node.session);
        const item = new vscode.TreeItem(inert(node.name), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = tree.groupId(node.name);
        item.contextValue = 'billingGroup';
        item.iconPath = GROUP_ICON;
        item.accessibilityInformation = { label: vscode.l10n.t('Billing group {0}', inert(node.name)) };
        if (node.description) item.description = inert(node.description, 80);
        const cost = this.costOf(node);
        if (cost) item.description = node.description ? `${cost.description} · ${inert(node.description, 80)}` : cost.description;
        return item;
      }
      case 'thing': {
        const item = new vscode.TreeItem(inert(node.name), vscode.TreeItemCollapsibleState.None);
        item.id = this.treeOf(node.group.session).thingId(node.group.name, node.name);
        item.contextValue = 'thing';
        item.iconPath = THING_ICON;
        item.tooltip = vscode.l10n.t('Thing {0} in billing group {1}', inert(node.name), inert(node.group.name));
        return item;
      }
      case 'loadMore': {
        const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
        const session = node.parent?.session ?? node.session ?? this.connections.primary;
        item.id = this.treeOf(session).moreId(node.parent);
        item.contextValue = 'loadMore';
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { title: vscode.l10n.t('Load more…'), command: 'iotBillingGroups.loadMore', arguments: [node] };
        return item;
      }
      case 'contributed':
        return node.owner.getTreeItem(node);
      case 'message': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.contextValue = node.icon === 'error' ? 'problem' : 'message';
        item.iconPath = new vscode.ThemeIcon(node.icon === 'loading' ? 'loading~spin' : node.icon);
        item.tooltip = node.detail ?? node.label;
        if (node.action) {
          item.description = node.action.title;
          item.command = { title: node.action.title, command: node.action.command, arguments: node.action.arguments };
        }
        return item;
      }
    }
  }

  async resolveTreeItem(item: vscode.TreeItem, node: TreeNode, token: vscode.CancellationToken): Promise<vscode.TreeItem> {
    if (!isGroupNode(node)) return item;
    // Description and creation date are fetched only when the tooltip is asked for.
    const lines = [inert(node.name), inert(node.arn)]; // the ARN holds the name: inert too
    if (this.connections.multiple) lines.push(vscode.l10n.t('Connection {0}', inert(node.session.label)));
    try {
      const { service } = await node.session.connect();
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        const d = await service.describeBillingGroup(node.name, abort.signal);
        const known = node.description;
        node.description = d.description;
        node.creationDate = d.creationDate;
        if (known !== d.description) this.changed(node);
      } finally {
        sub.dispose();
      }
      if (node.description) lines.push(vscode.l10n.t('Description: {0}', inert(node.description, 300)));
      if (node.creationDate) lines.push(vscode.l10n.t('Created: {0}', node.creationDate.toLocaleString()));
    } catch (e) {
      if (!isCancellation(e)) lines.push(asProblem(e)?.message ?? String(e));
    }
    const cost = this.costOf(node);
    if (cost) lines.push(cost.tooltip);
    item.tooltip = lines.join('\n');
    return item;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    const connectionRoot = (session: Session | undefined) => (session && this.connections.multiple ? this.treeOf(session).node : undefined);
    if (isThingNode(node)) return node.group;
    if (isGroupNode(node)) return connectionRoot(node.session);
    if (isContributedNode(node)) return node.owner.getParent(node) ?? connectionRoot(node.session);
    if (node.kind === 'loadMore') return node.parent ?? connectionRoot(node.session);
    if (node.kind === 'message') return node.parent;
    return undefined;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    const answer = this.fetchChildren(node);
    this.fetching.set(node, answer);
    try {
      return await answer;
    } finally {
      if (this.fetching.get(node) === answer) this.fetching.delete(node);
    }
  }

  private async fetchChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) {
      if (this.connections.multiple) return this.connections.all.map((s) => this.treeOf(s).node);
      return this.treeOf(this.connections.primary).children();
    }
    if (isConnectionNode(node)) return node.session.disposed ? [] : this.treeOf(node.session).children();
    if (isGroupNode(node)) return this.treeOf(node.session).thingChildren(node);
    if (isContributedNode(node)) return node.owner.getChildren(node);
    return [];
  }

  /** "Load more…" under a connection or a group. */
  loadMore(node: LoadMoreNode | undefined): Promise<void> {
    const session = node?.parent?.session ?? node?.session ?? this.connections.primary;
    return this.treeOf(session).loadMore(node);
  }

  /**
   * Tells VS Code that `node` changed (all of the tree without one). Each change is a debug line of
   * the log ("tree: changed …"), so the tests can see what moved the tree after a result.
   */
  private changed(node?: TreeNode): void {
    // VS Code's extension-host tree loses track of the children of a node refreshed while its
    // getChildren is still unanswered (they stay registered under the node it replaced), and the next
    // refresh of that node then fails with "Element with id … is already registered" and shows it
    // empty (microsoft/vscode#71698, #192055; the maintainers' advice: wait for the tree to finish).
    // Such a change — e.g. a connection's account learned from its first page, while VS Code waits
    // for that page — waits until the answer is given (all pending answers, for the whole tree). A
    // change of an item whose parent (or the root) is being fetched waits too: VS Code drops it while
    // it replaces the parent's children (a group's cost figure set then was never drawn). And the
    // answer given is not yet the answer taken: a refresh that reaches the window while it takes in
    // the children it was just sent is lost there, while the extension host has already let go of
    // those children's commands — the "Load more…" of a connection whose account was learned from
    // its first page then did nothing ("Actual command not found" in the host's log; bench 10, 3
    // runs in 3). So a change that waited fires CHANGE_SETTLE_MS after the answer; nothing in the
    // API says when the window is done.
    const pending = node === undefined ? [...this.fetching.values()] : this.lineage(node).flatMap((n) => (this.fetching.has(n) ? [this.fetching.get(n)] : []));
    if (pending.length > 0) {
      if (this.deferred.has(node)) return;
      this.deferred.add(node);
      // Never longer than CHANGE_WAIT_MS: a connection that never answers must not hold back a
      // change of the whole tree (another connection added, say).
      let timer: NodeJS.Timeout | undefined;
      void Promise.race([Promise.allSettled(pending), new Promise<void>((r) => (timer = setTimeout(r, CHANGE_WAIT_MS)))]).then(() => {
        clearTimeout(timer);
        setTimeout(() => {
          this.deferred.delete(node);
          this.fireChange(node);
        }, CHANGE_SETTLE_MS);
      });
      return;
    }
    this.fireChange(node);
  }

  /** The node, its ancestors, and the root (undefined). */
  private lineage(node: TreeNode): Array<TreeNode | undefined> {
    const out: Array<TreeNode | undefined> = [];
    for (let n: TreeNode | undefined = node; n; n = this.getParent(n)) out.push(n);
    out.push(undefined);
    return out;
  }

  private fireChange(node?: TreeNode): void {
    const what = !node ? 'all' : node.kind === 'connection' ? `connection ${node.session.label}` : `${node.kind} ${'name' in node ? node.name : ''}`.trim();
    this.log.debug(`tree: changed ${what}`);
    this.emitter.fire(node);
  }

  /** The view's state: the only connection's (welcome views), or "ready" while several are shown. */
  private updateState(): void {
    const state = this.connections.multiple ? 'ready' : this.trees.get(this.connections.primary.id)?.state;
    if (!state || this.state === state) return;
    this.state = state;
    void vscode.commands.executeCommand('setContext', 'iotBillingGroups.state', state);
    this.stateEmitter.fire(state);
  }

  // --- drag and drop: move things between groups ---

  handleDrag(source: readonly TreeNode[], data: vscode.DataTransfer): void {
    // The value is serialised (JSON): nodes travel as plain data (a node holds its connection, a
    // contributed node its owner), and are found again on drop.
    const dragged: DraggedThing[] = [
      ...source.filter(isThingNode).map((t): DraggedThing => ({ kind: 'thing', name: t.name, group: t.group.name, session: t.group.session.id })),
      ...source.filter(isContributedNode).filter((n) => n.owner.canDrag(n)).map((n): DraggedThing => ({ kind: 'contributed', id: n.id, session: n.session.id })),
    ];
    if (dragged.length > 0) data.set(THING_MIME, new vscode.DataTransferItem(dragged));
  }

  async handleDrop(target: TreeNode | undefined, data: vscode.DataTransfer): Promise<void> {
    const targetGroup = isGroupNode(target) ? target : isThingNode(target) ? target.group : undefined;
    const item = data.get(THING_MIME);
    if (!targetGroup || !item || !Array.isArray(item.value)) return;
    const dragged = (item.value as unknown[]).filter(isDraggedThing);
    // A thing lives in one account and region: it can join only a group of its own connection.
    if (dragged.some((d) => d.session !== targetGroup.session.id)) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('A thing can join only a billing group of its own account and region: the things dragged are not in {0}, the connection of {1}. Nothing was changed.', inert(targetGroup.session.label), inert(targetGroup.name)),
      );
      return;
    }
    const contributed = dragged.flatMap((d) => (d.kind === 'contributed' ? [d.id] : []));
    if (contributed.length > 0) await this.treeOf(targetGroup.session).contribution?.drop(contributed, targetGroup);
    const tree = this.treeOf(targetGroup.session);
    const things = dragged.flatMap((d): ThingNode[] => {
      if (d.kind !== 'thing' || d.group === targetGroup.name) return [];
      const group = tree.find(d.group) ?? { kind: 'group', name: d.group, arn: '', session: targetGroup.session };
      return [{ kind: 'thing', name: d.name, group }];
    });
    if (things.length === 0) return;
    await this.confirmMove(things, targetGroup);
  }

  dispose(): void {
    for (const t of this.trees.values()) t.dispose();
    for (const d of this.disposables) d.dispose();
    this.emitter.dispose();
    this.stateEmitter.dispose();
  }
}
