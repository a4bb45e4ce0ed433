// The costs feature behind its lazy boundary (dist/costs.js, loaded by costsLoader.ts when costs are
// first asked for): the model, the panel, the commands' work and the tree's figures.
import vscode = require('vscode');
import { buildConnectionsCostTable } from '../core/costs';
import { costsCsv } from '../core/costsCsv';
import type { Deps } from '../shared/deps';
import { isConnectionNode, isGroupNode } from '../tree/nodes';
import { CostsModel } from './costsModel';
import { CostsPanel } from './costsPanel';
import { readCostSettings } from './costSettings';
import { setUpCostAllocation } from './setUpCostAllocation';
import { registerTreeCosts } from './treeCosts';

export interface CostsFeature extends vscode.Disposable {
  showCosts(arg?: unknown): Promise<void>;
  refreshCosts(): Promise<void>;
  exportCosts(): Promise<void>;
  setUp(arg?: unknown): Promise<void>;
  restorePanel(panel: vscode.WebviewPanel): void;
  /** Cost Explorer requests this window sent. */
  requestCount(): number;
}

export function createCostsFeature(deps: Deps): CostsFeature {
  const model = new CostsModel(deps);
  const panel = new CostsPanel(deps, model);
  const tree = registerTreeCosts(deps, model);

  return {
    async showCosts(arg) {
      // From a group's context menu: scrolled to that group of that connection (several may hold the name).
      if (isGroupNode(arg)) panel.open(arg.name, false, arg.session.id);
      else if (isConnectionNode(arg)) panel.open(undefined, false, arg.session.id);
      else panel.open(typeof arg === 'string' ? arg : undefined);
    },

    async refreshCosts() {
      // The panel shows the new figures and any problem; without it (tree only), progress in the status bar.
      if (panel.isOpen || !readCostSettings().showInTree) {
        panel.open(undefined, true);
        return;
      }
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Refreshing costs') }, () => model.load({ force: true }));
    },

    async exportCosts() {
      const loaded = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Reading costs') }, () => model.load());
      const table = buildConnectionsCostTable(loaded.data, loaded.connections);
      const month = table.months[table.months.length - 1] ?? 'costs';
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const target = await vscode.window.showSaveDialog({
        title: vscode.l10n.t('Export Costs as CSV'),
        saveLabel: vscode.l10n.t('Export'),
        filters: { CSV: ['csv'] },
        defaultUri: folder ? vscode.Uri.joinPath(folder, `billing-group-costs-${month}.csv`) : undefined,
      });
      if (!target) return;
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(costsCsv(table)));
      deps.log.info(`Costs exported: ${table.rows.length} rows × ${table.months.length} months to ${target.toString(true)}`);
      const open = vscode.l10n.t('Open');
      if ((await vscode.window.showInformationMessage(vscode.l10n.t('Costs exported to {0}.', target.toString(true)), open)) === open) await vscode.commands.executeCommand('vscode.open', target);
    },

    setUp: (arg) => setUpCostAllocation(deps, model, arg),
    restorePanel: (p) => panel.restore(p),
    requestCount: () => model.requestCount(),

    dispose() {
      for (const d of tree) d.dispose();
      panel.dispose();
      model.dispose();
    },
  };
}
