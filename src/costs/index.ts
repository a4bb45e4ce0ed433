// What each billing group costs (issue 11): Cost Explorer by the groups' cost-allocation tag, in a
// chart panel, in the tree and as CSV. Nothing here asks Cost Explorer until costs are asked for.
import type vscode = require('vscode');
import type { Deps } from '../shared/deps';
import { registerCostsCommands } from './costsCommands';
import { CostsModel } from './costsModel';
import { CostsPanel } from './costsPanel';
import { registerTreeCosts } from './treeCosts';

export { cachedCosts } from './costCache';

export function register(deps: Deps): vscode.Disposable[] {
  const model = new CostsModel(deps);
  const panel = new CostsPanel(deps, model);
  return [model, panel, ...registerCostsCommands(deps, model, panel), ...registerTreeCosts(deps, model)];
}
