// What each billing group costs (issue 11): Cost Explorer by the groups' cost-allocation tag, in a
// chart panel, in the tree and as CSV. Only the commands, the panel's serializer and a look at
// iotBillingGroups.costs.showInTree live in the entry bundle; the rest (dist/costs.js) and the
// Cost Explorer client (dist/costs-aws.js) load when costs are first asked for.
import vscode = require('vscode');
import type { Deps } from '../shared/deps';
import { guardWith } from '../shared/problems';
import type { CostsFeature } from './costsFeature';
import { loadCostsFeature } from './costsLoader';

/** The panel's viewType (also in costsPanel.ts, behind the lazy boundary). */
const COSTS_VIEW_TYPE = 'iotBillingGroups.costs';
const SHOW_IN_TREE = 'iotBillingGroups.costs.showInTree';

export function register(deps: Deps): vscode.Disposable[] {
  let feature: CostsFeature | undefined;
  const lazy = () => (feature ??= loadCostsFeature().createCostsFeature(deps));
  const guard = guardWith(deps.log);
  const showInTree = () => vscode.workspace.getConfiguration().get<boolean>(SHOW_IN_TREE) === true;
  // With showInTree on, the feature loads once the tree shows groups (it then follows the tree itself).
  const treeWantsCosts = () => {
    if (!feature && showInTree() && deps.provider.viewState === 'ready') lazy();
  };
  return [
    { dispose: () => feature?.dispose() },
    vscode.window.registerWebviewPanelSerializer(COSTS_VIEW_TYPE, { deserializeWebviewPanel: async (panel) => lazy().restorePanel(panel) }),
    deps.provider.onDidChangeState(treeWantsCosts),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SHOW_IN_TREE) && treeWantsCosts()),
    vscode.commands.registerCommand('iotBillingGroups.showCosts', guard(vscode.l10n.t('Showing costs failed'), (arg?: unknown) => lazy().showCosts(arg))),
    vscode.commands.registerCommand('iotBillingGroups.refreshCosts', guard(vscode.l10n.t('Refreshing costs failed'), () => lazy().refreshCosts())),
    vscode.commands.registerCommand('iotBillingGroups.exportCosts', guard(vscode.l10n.t('Exporting costs failed'), () => lazy().exportCosts())),
    vscode.commands.registerCommand('iotBillingGroups.setUpCostAllocation', guard(vscode.l10n.t('Setting up cost allocation failed'), (arg?: unknown) => lazy().setUp(arg))),
  ];
}
