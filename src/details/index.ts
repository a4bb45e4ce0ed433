// Show Billing Group Details: a read-only JSON document of the group.
import vscode = require('vscode');
import type { Deps } from '../shared/deps';
import { resolveGroup } from '../shared/pickGroup';
import { reportError } from '../shared/problems';
import { isGroupNode } from '../tree/nodes';
import { DETAILS_SCHEME, DetailsProvider } from './detailsProvider';

export function register(deps: Deps): vscode.Disposable[] {
  const details = new DetailsProvider(deps.session);
  const show = async (arg?: unknown) => {
    try {
      const name = isGroupNode(arg) ? arg.name : typeof arg === 'string' ? arg : (await resolveGroup(deps, arg, vscode.l10n.t('Billing group to show')))?.name;
      if (name) await details.show(name);
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
