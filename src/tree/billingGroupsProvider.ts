// The Billing Groups tree: groups of the current account and region page by page (one
// ListBillingGroups call per page, never one call per group), a group's things on expansion,
// error and empty states, and drag and drop of things between groups.
import vscode = require('vscode');
import type { Connected, Session } from '../connection/session';
import { inert } from '../core/displayText';
import { actionCommand, asProblem, isCancellation, type ProblemLike } from '../shared/problems';
import type { Log } from '../shared/log';
import type { GroupNode, LoadMoreNode, MessageNode, ThingNode, TreeNode } from './nodes';
import { isGroupNode, isThingNode } from './nodes';
import { isContributedNode, type TreeContribution } from './treeContribution';

export const VIEW_ID = 'iotBillingGroups.billingGroups';
const THING_MIME = `application/vnd.code.tree.${VIEW_ID.toLowerCase()}`;

/** What the welcome views and menus key on (`iotBillingGroups.state`). */
export type ViewState = 'loading' | 'ready' | 'empty' | 'emptyFilter' | 'error' | 'notConfigured' | 'noRegion';

interface ListState<T> {
  items: T[];
  nextToken?: string;
  loaded: boolean;
  /** The first page failed: the list shows only this. */
  error?: ProblemLike;
  /** A later page failed: the pages already shown stay, with a retry item. */
  pageError?: ProblemLike;
  loading?: Promise<void>;
}

/** Problems of the first page that a welcome view (with the button that fixes them) shows instead of an error item. */
const WELCOME_PROBLEMS: ReadonlyMap<string, ViewState> = new Map<string, ViewState>([
  ['NoCredentials', 'notConfigured'],
  ['NoRegion', 'noRegion'],
]);

function firstSentence(message: string): string {
  const end = message.search(/[.!?](\s|$)/);
  return end > 0 ? message.slice(0, end + 1) : message;
}

/** Shared by every item: thousands of groups need not carry an icon object each. */
const GROUP_ICON = new vscode.ThemeIcon('credit-card');
const THING_ICON = new vscode.ThemeIcon('circuit-board');

const emptyList = <T>(): ListState<T> => ({ items: [], loaded: false });

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** A group's cost as the costs feature words it (issue 11): before the group's description, and in its tooltip. */
export interface GroupCostText {
  description: string;
  tooltip: string;
}

export class BillingGroupsProvider implements vscode.TreeDataProvider<TreeNode>, vscode.TreeDragAndDropController<TreeNode>, vscode.Disposable {
  readonly dragMimeTypes = [THING_MIME];
  readonly dropMimeTypes = [THING_MIME];

  private root: ListState<GroupNode> = emptyList();
  private readonly things = new Map<string, ListState<ThingNode>>();
  private abort = new AbortController();
  /** Bumped by every refresh: results of an older load are dropped, never merged. */
  private epoch = 0;
  private filterPrefix = '';
  private state: ViewState | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined | void>();
  private readonly stateEmitter = new vscode.EventEmitter<ViewState>();
  readonly onDidChangeTreeData = this.emitter.event;
  readonly onDidChangeState = this.stateEmitter.event;
  /** Asked before a drag-and-drop move; returns true to go ahead (set by the commands module). */
  confirmMove: (things: ThingNode[], target: GroupNode) => Promise<boolean> = async () => false;

  /** A feature's items after the groups (issue 12: things without a billing group). */
  private contribution?: TreeContribution;

  contribute(c: TreeContribution): vscode.Disposable {
    this.contribution = c;
    c.attach((node) => this.changed(node));
    return { dispose: () => (this.contribution = undefined) };
  }

  constructor(
    private readonly session: Session,
    readonly log: Log,
  ) {}

  get filter(): string {
    return this.filterPrefix;
  }

  get viewState(): ViewState | undefined {
    return this.state;
  }

  /** The groups loaded so far (for pickers), sorted by name. */
  get loadedGroups(): readonly GroupNode[] {
    return this.root.items;
  }

  setFilter(prefix: string): void {
    this.filterPrefix = prefix;
    void vscode.commands.executeCommand('setContext', 'iotBillingGroups.filterActive', prefix !== '');
    this.refresh();
  }

  /** Reloads everything from the first page; a load under way is cancelled. */
  refresh(): void {
    this.epoch++;
    this.abort.abort();
    this.abort = new AbortController();
    this.root = emptyList();
    this.things.clear();
    this.contribution?.onRefresh();
    this.changed();
  }

  /** Reloads a group's things now and again after `againAfterMs` (AWS propagates membership with a delay). */
  refreshGroup(group: GroupNode | string, againAfterMs = 3000): void {
    const name = typeof group === 'string' ? group : group.name;
    const node = this.root.items.find((g) => g.name === name);
    this.things.delete(name);
    this.changed(node);
    if (againAfterMs > 0) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.things.delete(name);
        this.changed(this.root.items.find((g) => g.name === name));
      }, againAfterMs);
      this.timers.add(t);
    }
  }

  /** Makes sure a group is in the list (e.g. just created, but beyond the loaded pages) and returns its node. */
  async ensureGroup(name: string, arn: string): Promise<GroupNode> {
    await this.ensureRoot();
    let node = this.root.items.find((g) => g.name === name);
    if (!node && this.filterPrefix && !name.startsWith(this.filterPrefix)) return { kind: 'group', name, arn };
    if (!node) {
      node = { kind: 'group', name, arn };
      this.root.items = [...this.root.items, node].sort(byName);
      this.setState('ready');
      this.changed();
    }
    return node;
  }

  /** Updates what is known of a group (description), so its item shows it. */
  updateGroup(name: string, patch: Partial<Pick<GroupNode, 'description' | 'creationDate'>>): void {
    const node = this.root.items.find((g) => g.name === name);
    if (!node || (Object.keys(patch) as Array<keyof typeof patch>).every((k) => node[k] === patch[k])) return;
    Object.assign(node, patch);
    this.changed(node);
  }

  removeGroups(names: readonly string[]): void {
    const gone = new Set(names);
    this.root.items = this.root.items.filter((g) => !gone.has(g.name));
    for (const n of names) this.things.delete(n);
    if (this.root.items.length === 0 && !this.root.nextToken) this.setState(this.filterPrefix ? 'emptyFilter' : 'empty');
    this.changed();
  }

  // --- TreeDataProvider ---

  /** Group items are built once per node, description and cost (thousands of groups, redrawn per page). */
  private readonly groupItems = new WeakMap<GroupNode, { description: string | undefined; cost: string | undefined; item: vscode.TreeItem }>();
  /** Costs by group name (iotBillingGroups.costs.showInTree), set by the costs feature. */
  private groupCosts = new Map<string, GroupCostText>();

  /** Shows costs in the group items (undefined: none); only the items whose figures changed are redrawn. */
  setGroupCosts(costs: ReadonlyMap<string, GroupCostText> | undefined): void {
    const next = new Map(costs ?? []);
    const same = (a?: GroupCostText, b?: GroupCostText) => a?.description === b?.description && a?.tooltip === b?.tooltip;
    const touched = [...new Set([...this.groupCosts.keys(), ...next.keys()])].filter((n) => !same(this.groupCosts.get(n), next.get(n)));
    this.groupCosts = next;
    for (const name of touched) {
      const node = this.root.items.find((g) => g.name === name);
      if (node) this.changed(node);
    }
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node.kind === 'group') {
      const cached = this.groupItems.get(node);
      const cost = this.groupCosts.get(node.name)?.description;
      if (cached && cached.description === node.description && cached.cost === cost) return cached.item;
      const item = this.buildTreeItem(node);
      this.groupItems.set(node, { description: node.description, cost, item });
      return item;
    }
    return this.buildTreeItem(node);
  }

  private buildTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'group': {
        const item = new vscode.TreeItem(inert(node.name), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `bg/${node.name}`;
        item.contextValue = 'billingGroup';
        item.iconPath = GROUP_ICON;
        item.accessibilityInformation = { label: vscode.l10n.t('Billing group {0}', inert(node.name)) };
        if (node.description) item.description = inert(node.description, 80);
        const cost = this.groupCosts.get(node.name);
        if (cost) item.description = node.description ? `${cost.description} · ${inert(node.description, 80)}` : cost.description;
        return item;
      }
      case 'thing': {
        const item = new vscode.TreeItem(inert(node.name), vscode.TreeItemCollapsibleState.None);
        item.id = `bg/${node.group.name}/thing/${node.name}`;
        item.contextValue = 'thing';
        item.iconPath = THING_ICON;
        item.tooltip = vscode.l10n.t('Thing {0} in billing group {1}', inert(node.name), inert(node.group.name));
        return item;
      }
      case 'loadMore': {
        const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
        item.id = `more/${node.parent?.name ?? ''}`;
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
    try {
      const { service } = await this.session.connect();
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
    const cost = this.groupCosts.get(node.name);
    if (cost) lines.push(cost.tooltip);
    item.tooltip = lines.join('\n');
    return item;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    if (isThingNode(node)) return node.group;
    if (isContributedNode(node)) return node.owner.getParent(node);
    if (node.kind === 'loadMore' || node.kind === 'message') return node.parent;
    return undefined;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return this.rootChildren();
    if (isGroupNode(node)) return this.thingChildren(node);
    if (isContributedNode(node)) return node.owner.getChildren(node);
    return [];
  }

  // --- loading ---

  private ensureRoot(): Promise<void> {
    if (this.root.loaded) return Promise.resolve();
    this.root.loading ??= this.loadRootPage(this.root);
    return this.root.loading;
  }

  private async rootChildren(): Promise<TreeNode[]> {
    if (!this.root.loaded && !this.root.loading) this.setState('loading');
    await this.ensureRoot();
    const list = this.root;
    // No credentials or no region: an empty tree, so that VS Code shows the welcome view for the
    // state (it shows welcome content only while the tree is empty), with its button that fixes it.
    if (list.error) return WELCOME_PROBLEMS.has(list.error.code) ? [] : [this.problemNode('root', list.error)];
    const nodes: TreeNode[] = [...list.items];
    if (list.pageError) nodes.push(this.problemNode('root-page', list.pageError, undefined, { title: vscode.l10n.t('Retry'), command: 'iotBillingGroups.loadMore', arguments: [{ kind: 'loadMore' }] }));
    else if (list.nextToken) nodes.push({ kind: 'loadMore' });
    if (list.items.length > 0 && this.contribution) nodes.push(...this.contribution.rootItems());
    return nodes;
  }

  /** Loads the next page into `list` (the first page when nothing is loaded). */
  private async loadRootPage(list: ListState<GroupNode>): Promise<void> {
    const epoch = this.epoch;
    const signal = this.abort.signal;
    let connected: Connected | undefined;
    try {
      connected = await this.session.connect();
      const page = await connected.service.listBillingGroups({ namePrefix: this.filterPrefix || undefined, nextToken: list.nextToken }, signal);
      if (epoch !== this.epoch || connected.generation !== this.session.generation) return; // superseded: drop, never mix
      const known = new Map(list.items.map((g) => [g.name, g]));
      for (const g of page.items) if (!known.has(g.name)) known.set(g.name, { kind: 'group', name: g.name, arn: g.arn });
      list.items = [...known.values()].sort(byName);
      list.nextToken = page.nextToken;
      list.pageError = undefined;
      list.error = undefined;
      list.loaded = true;
      this.setState(list.items.length > 0 || list.nextToken ? 'ready' : this.filterPrefix ? 'emptyFilter' : 'empty');
    } catch (e) {
      if (epoch !== this.epoch || isCancellation(e) || signal.aborted) return;
      const problem = asProblem(e) ?? { code: 'Unexpected', message: e instanceof Error ? e.message : String(e) };
      this.log.error(`Listing billing groups failed (${problem.code})`, problem.message);
      list.loaded = true;
      if (list.items.length > 0) {
        list.pageError = problem;
        this.setState('ready');
      } else {
        list.error = problem;
        this.setState(WELCOME_PROBLEMS.get(problem.code) ?? 'error');
      }
    } finally {
      if (epoch === this.epoch) list.loading = undefined;
    }
  }

  /** "Load more…" under the root or a group. */
  async loadMore(node: LoadMoreNode | undefined): Promise<void> {
    if (node?.parent) {
      const state = this.things.get(node.parent.name);
      if (!state) return;
      state.loading ??= this.loadThingPage(node.parent, state);
      await state.loading;
      this.changed(node.parent);
      return;
    }
    this.root.loading ??= this.loadRootPage(this.root);
    await this.root.loading;
    this.changed();
  }

  private async thingChildren(group: GroupNode): Promise<TreeNode[]> {
    let state = this.things.get(group.name);
    if (!state) {
      state = emptyList<ThingNode>();
      this.things.set(group.name, state);
    }
    if (!state.loaded) {
      state.loading ??= this.loadThingPage(group, state);
      await state.loading;
    }
    if (state.error) return [this.problemNode(`things/${group.name}`, state.error, group)];
    const nodes: TreeNode[] = [...state.items];
    if (state.pageError) nodes.push(this.problemNode(`things-page/${group.name}`, state.pageError, group, { title: vscode.l10n.t('Retry'), command: 'iotBillingGroups.loadMore', arguments: [{ kind: 'loadMore', parent: group }] }));
    else if (state.nextToken) nodes.push({ kind: 'loadMore', parent: group });
    else if (nodes.length === 0) nodes.push({ kind: 'message', id: `things-empty/${group.name}`, label: vscode.l10n.t('No things in this billing group'), icon: 'info', parent: group });
    return nodes;
  }

  private async loadThingPage(group: GroupNode, state: ListState<ThingNode>): Promise<void> {
    const epoch = this.epoch;
    try {
      const { service } = await this.session.connect();
      const page = await service.listThingsInBillingGroup(group.name, state.nextToken, this.abort.signal);
      if (epoch !== this.epoch || this.things.get(group.name) !== state) return;
      const seen = new Set(state.items.map((t) => t.name));
      state.items = [...state.items, ...page.items.filter((n) => !seen.has(n)).map((name): ThingNode => ({ kind: 'thing', name, group }))];
      state.nextToken = page.nextToken;
      state.pageError = undefined;
      state.error = undefined;
    } catch (e) {
      if (epoch !== this.epoch || isCancellation(e)) return;
      const problem = asProblem(e) ?? { code: 'Unexpected', message: String(e) };
      if (state.items.length > 0) state.pageError = problem;
      else state.error = problem;
    } finally {
      state.loaded = true;
      state.loading = undefined;
    }
  }

  private problemNode(id: string, problem: ProblemLike, parent?: GroupNode, override?: MessageNode['action']): MessageNode {
    return {
      kind: 'message',
      id: `problem/${id}`,
      // The first sentence as the label, so the fix (the item's description) stays visible in a
      // narrow sidebar; the whole message is the tooltip.
      label: inert(firstSentence(problem.message)),
      detail: inert(problem.message),
      icon: 'error',
      parent,
      action: override ?? actionCommand(problem.action),
    };
  }

  /**
   * Tells VS Code that `node` changed (all of the tree without one). Each change is a debug line of
   * the log ("tree: changed …"), so the tests can see what moved the tree after a result.
   */
  private changed(node?: TreeNode): void {
    this.log.debug(`tree: changed ${node ? `${node.kind} ${'name' in node ? node.name : ''}`.trim() : 'all'}`);
    this.emitter.fire(node);
  }

  private setState(state: ViewState): void {
    if (this.state === state) return;
    this.state = state;
    void vscode.commands.executeCommand('setContext', 'iotBillingGroups.state', state);
    this.stateEmitter.fire(state);
  }

  // --- drag and drop: move things between groups ---

  handleDrag(source: readonly TreeNode[], data: vscode.DataTransfer): void {
    // The value is serialised: a contributed node travels as its id (it holds its owner).
    const things: unknown[] = [...source.filter(isThingNode), ...source.filter(isContributedNode).filter((n) => n.owner.canDrag(n)).map((n) => ({ kind: n.kind, id: n.id }))];
    if (things.length > 0) data.set(THING_MIME, new vscode.DataTransferItem(things));
  }

  async handleDrop(target: TreeNode | undefined, data: vscode.DataTransfer): Promise<void> {
    const targetGroup = isGroupNode(target) ? target : isThingNode(target) ? target.group : undefined;
    const item = data.get(THING_MIME);
    if (!targetGroup || !item) return;
    const dragged = item.value as TreeNode[];
    const contributed = dragged.filter(isContributedNode).map((n) => n.id);
    if (contributed.length > 0) await this.contribution?.drop(contributed, targetGroup);
    const things = dragged.filter(isThingNode).filter((t) => t.group.name !== targetGroup.name);
    if (things.length === 0) return;
    await this.confirmMove(things, targetGroup);
  }

  dispose(): void {
    this.abort.abort();
    for (const t of this.timers) clearTimeout(t);
    this.emitter.dispose();
    this.stateEmitter.dispose();
  }
}
