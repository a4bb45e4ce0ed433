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
   * Shows a command's result in the tree before the command announces it. The list is not reloaded:
   * the group is added when it is not listed and its description updated when it changed. A group
   * that is `new` is then revealed and selected, and VS Code has applied every change fired before
   * that reveal when it returns, so the tree is settled once the notification shows. The keyboard
   * focus is never taken: the person may have gone on while the call ran (right-clicked another
   * group, say, after the identical notification of a previous try), and a focus taken from an open
   * menu closes it (issue 18). A result that changed nothing (`new` false) moves nothing; the
   * notification's Reveal does, with the focus, because the person asked for it.
   */
  async showResult(session: Session, name: string, arn: string, o: { description?: string; new: boolean }): Promise<GroupNode | undefined> {
    try {
      const node = await this.provider.ensureGroup(session, name, arn);
      if (o.description !== undefined) this.provider.updateGroup(node, { description: o.description });
      if (o.new && this.view.visible) await this.reveal(node, { focus: false });
      return node;
    } catch {
      return undefined;
    }
  }

  /** Scrolls to the group and selects it; with `focus` (the default) the tree also takes the keyboard focus. */
  async reveal(node: GroupNode, o: { focus: boolean } = { focus: true }): Promise<void> {
    this.provider.log.debug(`tree: reveal ${node.name}${o.focus ? '' : ' (no focus)'}`);
    try {
      await this.view.reveal(node, { select: true, focus: o.focus, expand: false });
    } catch {
      /* the view may be hidden or the node gone after a refresh */
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
