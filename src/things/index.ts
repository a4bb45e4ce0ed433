// Things: add/remove in a group (and move by drag and drop), things without a billing group in the
// tree, bulk assignment at fleet scale and the cost-attribution check (issue 12). The entry holds
// only the root item and the command wiring; the rest loads on first use (thingsLoader.ts).
import vscode = require('vscode');
import type { Deps } from '../shared/deps';
import { guardWith, reportError } from '../shared/problems';
import { registerThingCommands } from './thingCommands';
import { loadThingsFeature } from './thingsLoader';
import type { ThingsFeature } from './thingsFeature';
import { LOAD_MORE_COMMAND, RECOUNT_COMMAND } from './unassignedRootItem';
import { UnassignedStub } from './unassignedStub';

export function register(deps: Deps): vscode.Disposable[] {
  let feature: ThingsFeature | undefined;
  const failed = vscode.l10n.t('Assigning things failed');
  const stub = new UnassignedStub((root, changed) => {
    feature ??= loadThingsFeature().createThingsFeature(deps, root, changed, (e) => reportError(deps.log, failed, e));
    return feature.tree;
  });
  const lazy = (): ThingsFeature => {
    stub.ensureLoaded();
    return feature as ThingsFeature;
  };
  const guard = guardWith(deps.log);
  const view = deps.tree.view;
  return [
    { dispose: () => feature?.dispose() },
    deps.provider.contribute(stub),
    view.onDidExpandElement((e) => e.element === stub.root && stub.setExpanded(true)),
    view.onDidCollapseElement((e) => e.element === stub.root && stub.setExpanded(false)),
    vscode.commands.registerCommand(LOAD_MORE_COMMAND, () => feature?.tree.loadMore()),
    vscode.commands.registerCommand(RECOUNT_COMMAND, () => feature?.tree.recount()),
    ...registerThingCommands(
      deps,
      {
        assigned: (things, group) => feature?.model.assigned(things, group),
        unassigned: (things, group) => feature?.model.unassigned(things, group),
      },
      () => lazy().pickGroupThing,
    ),
    vscode.commands.registerCommand('iotBillingGroups.assignThings', guard(failed, (arg?: unknown) => lazy().assignThings(arg))),
    vscode.commands.registerCommand('iotBillingGroups.assignToBillingGroup', guard(failed, (node?: unknown, nodes?: unknown[]) => lazy().assignToGroup(node, nodes))),
    vscode.commands.registerCommand('iotBillingGroups.checkAttribution', guard(vscode.l10n.t('Checking cost attribution failed'), (arg?: unknown) => lazy().checkAttribution(arg))),
  ];
}
