// The costs commands: Show Billing Group Costs, Refresh Costs, Export Costs as CSV…, Set Up Cost Allocation….
import vscode = require('vscode');
import { buildCostTable } from '../core/costs';
import { costsCsv } from '../core/costsCsv';
import type { Deps } from '../shared/deps';
import { guardWith } from '../shared/problems';
import { isGroupNode } from '../tree/nodes';
import type { CostsModel } from './costsModel';
import type { CostsPanel } from './costsPanel';
import { readCostSettings } from './costSettings';
import { setUpCostAllocation } from './setUpCostAllocation';

export function registerCostsCommands(deps: Deps, model: CostsModel, panel: CostsPanel): vscode.Disposable[] {
  const guard = guardWith(deps.log);

  const showCosts = async (arg?: unknown) => {
    panel.open(isGroupNode(arg) ? arg.name : typeof arg === 'string' ? arg : undefined);
  };

  const refreshCosts = async () => {
    // The panel shows the new figures and any problem; without it (tree only), a progress notification.
    if (panel.isOpen || !readCostSettings().showInTree) {
      panel.open(undefined, true);
      return;
    }
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Refreshing costs') }, () => model.load({ force: true }));
  };

  const exportCosts = async () => {
    const loaded = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Reading costs') }, () => model.load());
    const table = buildCostTable(loaded.data, loaded.groups);
    const month = table.months[table.months.length - 1] ?? 'costs';
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `billing-group-costs-${month}.csv`;
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export Costs as CSV'),
      saveLabel: vscode.l10n.t('Export'),
      filters: { CSV: ['csv'] },
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(costsCsv(table)));
    deps.log.info(`Costs exported: ${table.rows.length} rows × ${table.months.length} months to ${target.toString(true)}`);
    const open = vscode.l10n.t('Open');
    if ((await vscode.window.showInformationMessage(vscode.l10n.t('Costs exported to {0}.', target.toString(true)), open)) === open) await vscode.commands.executeCommand('vscode.open', target);
  };

  return [
    vscode.commands.registerCommand('iotBillingGroups.showCosts', guard(vscode.l10n.t('Showing costs failed'), showCosts)),
    vscode.commands.registerCommand('iotBillingGroups.refreshCosts', guard(vscode.l10n.t('Refreshing costs failed'), refreshCosts)),
    vscode.commands.registerCommand('iotBillingGroups.exportCosts', guard(vscode.l10n.t('Exporting costs failed'), exportCosts)),
    vscode.commands.registerCommand('iotBillingGroups.setUpCostAllocation', guard(vscode.l10n.t('Setting up cost allocation failed'), () => setUpCostAllocation(deps, model))),
  ];
}
