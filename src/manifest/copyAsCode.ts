// "Copy as CloudFormation" / "Copy as Terraform" on one or several groups of the tree: each group's
// description and tags read (paced), rendered by src/core (name order; CloudFormation split into
// templates of at most 500 resources and 1 MB; what a template had to leave out or flag said in its
// comments), put on the clipboard; the notification adds what the comments say.
import vscode = require('vscode');
import { runBulk } from '../core/bulk';
import { renderCloudFormation } from '../core/cloudFormation';
import { copySummary, type GroupForCode } from '../core/codeCopy';
import { inert } from '../core/displayText';
import { terraformCopy } from '../core/terraform';
import { bulkPace } from '../shared/bulkPace';
import type { Deps } from '../shared/deps';
import { resolveGroup } from '../shared/pickGroup';
import { isGroupNode, type GroupNode, type TreeNode } from '../tree/nodes';

export async function copyAsCode(deps: Deps, kind: 'cloudFormation' | 'terraform', node?: unknown, nodes?: unknown): Promise<void> {
  let groups: GroupNode[] = Array.isArray(nodes) ? (nodes as TreeNode[]).filter(isGroupNode) : [];
  if (isGroupNode(node) && !groups.includes(node)) groups = [node];
  if (groups.length === 0) {
    const g = await resolveGroup(deps, node, vscode.l10n.t('Billing group to copy'));
    if (!g) return;
    groups = [g];
  }
  // A template deploys into one account and region: the groups of the clicked group's connection.
  const session = isGroupNode(node) ? node.session : groups[0].session;
  const others = groups.filter((g) => g.session !== session).length;
  if (others > 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('A template deploys into one account and region: only the groups of {0} are copied, {1} others are left out.', inert(session.label), others));
    groups = groups.filter((g) => g.session === session);
  }
  const { service } = await session.connect();
  const read = new Map<string, GroupForCode>();
  const outcomes = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading {0} billing groups', groups.length), cancellable: true },
    (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return runBulk(
        groups,
        async (g) => {
          const [d, tags] = await Promise.all([service.describeBillingGroup(g.name, abort.signal), service.listTags(g.arn, abort.signal)]);
          read.set(g.name, { name: g.name, description: d.description, tags });
        },
        { ...bulkPace(deps.log), isCancelled: () => token.isCancellationRequested, onDone: (done, total) => progress.report({ message: `${done}/${total}` }) },
      );
    },
  );
  const failed = outcomes.find((o) => !o.ok);
  if (failed) throw failed.error;
  if (read.size < groups.length) return; // cancelled
  // Rendered in name order, whatever the order of the selection.
  const copy = kind === 'cloudFormation' ? renderCloudFormation([...read.values()]) : terraformCopy([...read.values()]);
  await vscode.env.clipboard.writeText(copy.text);
  const what = kind === 'cloudFormation' ? 'CloudFormation' : 'Terraform';
  const copied =
    read.size === 1
      ? vscode.l10n.t('Copied billing group {0} as {1}.', inert(groups[0].name), what)
      : vscode.l10n.t('Copied {0} billing groups as {1}.', read.size, what);
  const summary = copySummary(kind, copy.notes);
  if (summary) void vscode.window.showWarningMessage(`${copied} ${summary}`);
  else void vscode.window.showInformationMessage(copied);
}
