// Show Billing Group Details: a read-only JSON document of the group.
import vscode = require('vscode');
import type { Deps } from '../shared/deps';
import { resolveGroup } from '../shared/pickGroup';
import { isGroupArgument, reportError } from '../shared/problems';
import { isGroupNode } from '../tree/nodes';
import { DETAILS_SCHEME, DetailsProvider } from './detailsProvider';

export function register(deps: Deps): vscode.Disposable[] {
  const details = new DetailsProvider(deps.connections);
  const show = async (arg?: unknown) => {
    try {
      // A name (a notification's button) is shown without a DescribeBillingGroup first: the document describes it.
      const group = isGroupNode(arg)
        ? arg
        : isGroupArgument(arg)
          ? { name: arg.groupName, session: deps.connections.get(arg.connectionId) }
          : typeof arg === 'string'
            ? { name: arg, session: deps.connections.primary }
            : await resolveGroup(deps, arg, vscode.l10n.t('Billing group to show'));
      if (group?.session) await details.show(group.name, group.session);
    } catch (e) {
      await reportError(deps.log, vscode.l10n.t('Showing details failed'), e);
    }
  };
  return [
    details,
    vscode.workspace.registerTextDocumentContentProvider(DETAILS_SCHEME, details),
    vscode.commands.registerCommand('iotBillingGroups.showDetails', show),
  ];
}
