// One connection's part of the Billing Groups tree: its groups page by page (one ListBillingGroups
// call per page, never one call per group), a group's things on expansion, its error and empty
// states, and the items features add after the groups. Each connection loads, fails and is
// cancelled on its own (issue 17): a slow or broken account never holds another back.
import vscode = require('vscode');
import type { Connected, Session } from '../connection/session';
import { inert } from '../core/displayText';
import { accountOfArn } from '../core/arn';
import { actionCommand, asProblem, isCancellation, REFRESH_CONNECTION_COMMAND, type ProblemLike } from '../shared/problems';
import type { Log } from '../shared/log';
import type { ConnectionNode, GroupNode, LoadMoreNode, MessageNode, ThingNode, TreeNode } from './nodes';
import type { TreeContribution } from './treeContribution';

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

/** Problems of the first page that a welcome view (with the button that fixes them) shows instead of an error item, while the view shows one connection. */
export const WELCOME_PROBLEMS: ReadonlyMap<string, ViewState> = new Map<string, ViewState>([
  ['NoCredentials', 'notConfigured'],
  ['NoRegion', 'noRegion'],
]);

/** The provider around the connection trees. */
export interface ConnectionTreeHost {
  readonly log: Log;
  /** The view's name-prefix filter (the same for every connection). */
  filter(): string;
  /** More than one connection: this one is a root item of its own. */
  multiple(): boolean;
  /** `node` changed; undefined: the connection's whole part. */
  changed(tree: ConnectionTree, node?: TreeNode): void;
  /** The connection's state changed (the view's state follows it while it is the only one). */
  stateChanged(tree: ConnectionTree): void;
}

function firstSentence(message: string): string {
  const end = message.search(/[.!?](\s|$)/);
  return end > 0 ? message.slice(0, end + 1) : message;
}

const emptyList = <T>(): ListState<T> => ({ items: [], loaded: false });
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export class ConnectionTree implements vscode.Disposable {
  readonly node: ConnectionNode;
  private root: ListState<GroupNode> = emptyList();
  private readonly things = new Map<string, ListState<ThingNode>>();
  private abort = new AbortController();
  /** Bumped by every refresh: results of an older load are dropped, never merged. */
  private epoch = 0;
  private current: ViewState | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sub: vscode.Disposable;

  constructor(
    readonly session: Session,
    private readonly host: ConnectionTreeHost,
    readonly contribution: TreeContribution | undefined,
  ) {
    this.node = { kind: 'connection', session };
    // Removing the connection cancels what it is loading.
    const onRemoved = () => this.abort.abort();
    session.signal.addEventListener('abort', onRemoved);
    this.sub = { dispose: () => session.signal.removeEventListener('abort', onRemoved) };
    contribution?.attach((node) => this.host.changed(this, node));
  }

  get state(): ViewState | undefined {
    return this.current;
  }

  /** The groups loaded so far (for pickers), sorted by name. */
  get loadedGroups(): readonly GroupNode[] {
    return this.root.items;
  }

  /** Tree item ids: the first connection's stay as before issue 17 (`bg/NAME`), the others' carry the connection. */
  private id(rest: string): string {
    return this.session.primary ? rest : `${this.session.id}/${rest}`;
  }

  groupId(name: string): string {
    return this.id(`bg/${name}`);
  }

  thingId(group: string, thing: string): string {
    return this.id(`bg/${group}/thing/${thing}`);
  }

  moreId(group?: GroupNode): string {
    return this.id(`more/${group?.name ?? ''}`);
  }

  /** Reloads everything from the first page; a load under way is cancelled. */
  refresh(): void {
    this.epoch++;
    this.abort.abort();
    this.abort = new AbortController();
    if (this.session.disposed) this.abort.abort();
    this.root = emptyList();
    this.things.clear();
    this.contribution?.onRefresh();
    this.host.changed(this);
  }

  /** Reloads a group's things now and again after `againAfterMs` (AWS propagates membership with a delay). */
  refreshGroup(name: string, againAfterMs = 3000): void {
    this.things.delete(name);
    this.host.changed(this, this.find(name));
    if (againAfterMs > 0) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.things.delete(name);
        this.host.changed(this, this.find(name));
      }, againAfterMs);
      this.timers.add(t);
    }
  }

  find(name: string): GroupNode | undefined {
    return this.root.items.find((g) => g.name === name);
  }

  /** Makes sure a group is in the list (e.g. just created, but beyond the loaded pages) and returns its node. */
  async ensureGroup(name: string, arn: string): Promise<GroupNode> {
    await this.ensureRoot();
    let node = this.find(name);
    const filter = this.host.filter();
    if (!node && filter && !name.startsWith(filter)) return { kind: 'group', name, arn, session: this.session };
    if (!node) {
      node = { kind: 'group', name, arn, session: this.session };
      this.root.items = [...this.root.items, node].sort(byName);
      this.setState('ready');
      this.host.changed(this);
    }
    return node;
  }

  /** Updates what is known of a group (description), so its item shows it. Returns the node when it changed. */
  updateGroup(name: string, patch: Partial<Pick<GroupNode, 'description' | 'creationDate'>>): GroupNode | undefined {
    const node = this.find(name);
    if (!node || (Object.keys(patch) as Array<keyof typeof patch>).every((k) => node[k] === patch[k])) return undefined;
    Object.assign(node, patch);
    this.host.changed(this, node);
    return node;
  }

  removeGroups(names: readonly string[]): void {
    const gone = new Set(names);
    this.root.items = this.root.items.filter((g) => !gone.has(g.name));
    for (const n of names) this.things.delete(n);
    if (this.root.items.length === 0 && !this.root.nextToken) this.setState(this.host.filter() ? 'emptyFilter' : 'empty');
    this.host.changed(this);
  }

  // --- children ---

  private ensureRoot(): Promise<void> {
    if (this.root.loaded) return Promise.resolve();
    this.root.loading ??= this.loadRootPage(this.root);
    return this.root.loading;
  }

  /** The connection's groups (then Load more… or a page's error item, then the features' items). */
  async children(): Promise<TreeNode[]> {
    if (!this.root.loaded && !this.root.loading) this.setState('loading');
    await this.ensureRoot();
    const list = this.root;
    const parent = this.host.multiple() ? this.node : undefined;
    if (list.error) {
      // Alone in the view, no credentials or no region: an empty tree, so that VS Code shows the
      // welcome view for the state (it shows welcome content only while the tree is empty), with its
      // button that fixes it. Beside other connections, an item under this one says it.
      if (!parent && WELCOME_PROBLEMS.has(list.error.code)) return [];
      return [this.problemNode('root', list.error, parent)];
    }
    const nodes: TreeNode[] = [...list.items];
    if (list.pageError) nodes.push(this.problemNode('root-page', list.pageError, parent, { title: vscode.l10n.t('Retry'), command: 'iotBillingGroups.loadMore', arguments: [{ kind: 'loadMore', session: this.session }] }));
    else if (list.nextToken) nodes.push({ kind: 'loadMore', session: this.session });
    else if (parent && list.items.length === 0)
      nodes.push({
        kind: 'message',
        id: this.id('empty'),
        label: this.host.filter() ? vscode.l10n.t('No billing group matches the filter') : vscode.l10n.t('No billing groups'),
        icon: 'info',
        parent,
        action: this.host.filter() ? undefined : { title: vscode.l10n.t('Create Billing Group'), command: 'iotBillingGroups.create', arguments: [this.node] },
      });
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
      const page = await connected.service.listBillingGroups({ namePrefix: this.host.filter() || undefined, nextToken: list.nextToken }, signal);
      if (epoch !== this.epoch || connected.generation !== this.session.generation || signal.aborted) return; // superseded: drop, never mix
      const known = new Map(list.items.map((g) => [g.name, g]));
      for (const g of page.items) if (!known.has(g.name)) known.set(g.name, { kind: 'group', name: g.name, arn: g.arn, session: this.session });
      list.items = [...known.values()].sort(byName);
      list.nextToken = page.nextToken;
      list.pageError = undefined;
      list.error = undefined;
      list.loaded = true;
      if (page.items.length > 0 && this.session.learnAccount(accountOfArn(page.items[0].arn)) && this.host.multiple()) this.host.changed(this, this.node);
      this.setState(list.items.length > 0 || list.nextToken ? 'ready' : this.host.filter() ? 'emptyFilter' : 'empty');
    } catch (e) {
      if (epoch !== this.epoch || isCancellation(e) || signal.aborted) return;
      const problem = asProblem(e) ?? { code: 'Unexpected', message: e instanceof Error ? e.message : String(e) };
      this.host.log.error(`Listing billing groups of ${this.session.label} failed (${problem.code})`, problem.message);
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

  /** "Load more…" under the connection or a group. */
  async loadMore(node: LoadMoreNode | undefined): Promise<void> {
    if (node?.parent) {
      const state = this.things.get(node.parent.name);
      if (!state) return;
      state.loading ??= this.loadThingPage(node.parent, state);
      await state.loading;
      this.host.changed(this, node.parent);
      return;
    }
    this.root.loading ??= this.loadRootPage(this.root);
    await this.root.loading;
    this.host.changed(this);
  }

  async thingChildren(group: GroupNode): Promise<TreeNode[]> {
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
    if (state.pageError) nodes.push(this.problemNode(`things-page/${group.name}`, state.pageError, group, { title: vscode.l10n.t('Retry'), command: 'iotBillingGroups.loadMore', arguments: [{ kind: 'loadMore', session: this.session, parent: group }] }));
    else if (state.nextToken) nodes.push({ kind: 'loadMore', session: this.session, parent: group });
    else if (nodes.length === 0) nodes.push({ kind: 'message', id: this.id(`things-empty/${group.name}`), label: vscode.l10n.t('No things in this billing group'), icon: 'info', parent: group });
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

  /** The command that fixes a problem of this connection: beside others, clicking an item without a fix retries the connection. */
  private fix(problem: ProblemLike): MessageNode['action'] {
    const fix = actionCommand(problem.action, this.session);
    if (fix || !this.host.multiple()) return fix;
    return { title: vscode.l10n.t('Retry'), command: REFRESH_CONNECTION_COMMAND, arguments: [this.node] };
  }

  private problemNode(id: string, problem: ProblemLike, parent?: GroupNode | ConnectionNode, override?: MessageNode['action']): MessageNode {
    return {
      kind: 'message',
      id: this.id(`problem/${id}`),
      // The first sentence as the label, so the fix (the item's description) stays visible in a
      // narrow sidebar; the whole message is the tooltip.
      label: inert(firstSentence(problem.message)),
      detail: inert(problem.message),
      icon: 'error',
      parent,
      action: override ?? this.fix(problem),
    };
  }

  private setState(state: ViewState): void {
    if (this.current === state) return;
    this.current = state;
    this.host.stateChanged(this);
  }

  dispose(): void {
    this.abort.abort();
    for (const t of this.timers) clearTimeout(t);
    this.sub.dispose();
    this.contribution?.dispose();
  }
}
