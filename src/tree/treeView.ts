// The tree view around the provider: reveal, selection, the view's description (active filter).
import vscode = require('vscode');
import { inert } from '../core/displayText';
import type { BillingGroupsProvider } from './billingGroupsProvider';
import { VIEW_ID } from './billingGroupsProvider';
import type { Session } from '../connection/session';
import type { GroupNode, TreeNode } from './nodes';

export class TreeUi implements vscode.Disposable {
  readonly view: vscode.TreeView<TreeNode>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly provider: BillingGroupsProvider) {
    this.view = vscode.window.createTreeView(VIEW_ID, {
      treeDataProvider: provider,
      dragAndDropController: provider,
      canSelectMany: true,
      showCollapseAll: true,
    });
    this.disposables.push(this.view, provider.onDidChangeState(() => this.showFilterMessage()));
  }

  setFilter(prefix: string): void {
    this.provider.setFilter(prefix);
    this.view.description = prefix ? vscode.l10n.t('Filter: {0}*', inert(prefix)) : undefined;
    this.showFilterMessage();
  }

  /**
   * The description is not shown while the view is alone in its container (VS Code merges its
   * header into the container's title, without the description): the message above the tree says
   * it in every layout. Not when nothing matches: VS Code shows the welcome content (which says so
   * and offers Clear Filter) only while the view has no message.
   */
  private showFilterMessage(): void {
    const prefix = this.provider.filter;
    const message =
      prefix && this.provider.viewState !== 'emptyFilter' ? vscode.l10n.t('Showing billing groups whose names start with "{0}".', inert(prefix)) : undefined;
    // Assigning the same message still re-lays the view out in the workbench (and closes an open
    // context menu), so only a change is passed on.
    if (this.view.message !== message) this.view.message = message;
  }

  /**
   * Shows a command's result in the tree before the command announces it: the group is added when
   * it is not listed, its description updated when it changed, and it is revealed (selected,
   * focused). The list is not reloaded: a result that changed nothing moves nothing, and once the
   * notification shows, the tree is settled (VS Code has applied every change fired before reveal).
   */
  async showResult(session: Session, name: string, arn: string, description?: string): Promise<GroupNode | undefined> {
    try {
      const node = await this.provider.ensureGroup(session, name, arn);
      if (description !== undefined) this.provider.updateGroup(node, { description });
      if (this.view.visible) await this.reveal(node);
      return node;
    } catch {
      return undefined;
    }
  }

  async reveal(node: GroupNode): Promise<void> {
    this.provider.log.debug(`tree: reveal ${node.name}`);
    try {
      await this.view.reveal(node, { select: true, focus: true, expand: false });
    } catch {
      /* the view may be hidden or the node gone after a refresh */
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
