// Things: add/remove in a group (and move by drag and drop), things without a billing group in the
// tree, bulk assignment at fleet scale and the cost-attribution check (issue 12). The tree item and
// its count live here; the commands of issue 12 are loaded on first use (thingsLoader.ts).
import vscode = require('vscode');
import type { Deps } from '../shared/deps';
import type { GroupNode } from '../tree/nodes';
import { guardWith } from '../shared/problems';
import { registerThingCommands } from './thingCommands';
import { loadThingsFeature } from './thingsLoader';
import type { ThingsFeature } from './thingsFeature';
import { UnassignedModel } from './unassignedModel';
import { LOAD_MORE_COMMAND, RECOUNT_COMMAND, UnassignedTree } from './unassignedTree';

export function register(deps: Deps): vscode.Disposable[] {
  const model = new UnassignedModel(deps);
  const tree = new UnassignedTree(model);
  let feature: ThingsFeature | undefined;
  const lazy = () => (feature ??= loadThingsFeature().createThingsFeature(deps, model));
  const guard = guardWith(deps.log);
  tree.onDrop = guard(vscode.l10n.t('Assigning things failed'), (things: string[], target: GroupNode) => lazy().assignDirect(things, target));
  const view = deps.tree.view;
  return [
    model,
    { dispose: () => feature?.dispose() },
    deps.provider.contribute(tree),
    view.onDidExpandElement((e) => e.element === tree.root && tree.setExpanded(true)),
    view.onDidCollapseElement((e) => e.element === tree.root && tree.setExpanded(false)),
    vscode.commands.registerCommand(LOAD_MORE_COMMAND, () => tree.loadMore()),
    vscode.commands.registerCommand(RECOUNT_COMMAND, () => tree.recount()),
    ...registerThingCommands(deps, model),
    vscode.commands.registerCommand('iotBillingGroups.assignThings', guard(vscode.l10n.t('Assigning things failed'), (arg?: unknown) => lazy().assignThings(arg))),
    vscode.commands.registerCommand('iotBillingGroups.assignToBillingGroup', guard(vscode.l10n.t('Assigning things failed'), (node?: unknown, nodes?: unknown[]) => lazy().assignToGroup(node, nodes))),
    vscode.commands.registerCommand('iotBillingGroups.checkAttribution', guard(vscode.l10n.t('Checking cost attribution failed'), (arg?: unknown) => lazy().checkAttribution(arg))),
  ];
}
