// Things: add/remove in a group (and move by drag and drop), things without a billing group in the
// tree (one item per connection), bulk assignment at fleet scale and the cost-attribution check
// (issue 12). The entry holds only the root items and the command wiring; the rest loads on first
// use (thingsLoader.ts).
import vscode = require('vscode');
import type { Deps } from '../shared/deps';
import { guardWith, reportError } from '../shared/problems';
import { sessionOf } from '../tree/nodes';
import { registerThingCommands } from './thingCommands';
import { loadThingsFeature } from './thingsLoader';
import type { ThingsFeature } from './thingsFeature';
import { LOAD_MORE_COMMAND, RECOUNT_COMMAND } from './unassignedRootItem';
import { isUnassignedRoot, UnassignedStub } from './unassignedStub';

export function register(deps: Deps): vscode.Disposable[] {
  let feature: ThingsFeature | undefined;
  const failed = vscode.l10n.t('Assigning things failed');
  const lazy = (): ThingsFeature => (feature ??= loadThingsFeature().createThingsFeature(deps, (e, session) => reportError(deps.log, failed, e, [], session)));
  const guard = guardWith(deps.log);
  const view = deps.tree.view;
  const treeOfArg = (arg: unknown) => {
    const session = sessionOf(arg);
    return session ? feature?.treeOf(session) : undefined;
  };
  return [
    { dispose: () => feature?.dispose() },
    deps.provider.contribute((session) => new UnassignedStub(session, (root, changed) => lazy().treeFor(root, changed))),
    view.onDidExpandElement((e) => isUnassignedRoot(e.element) && e.element.owner.setExpanded(true)),
    view.onDidCollapseElement((e) => isUnassignedRoot(e.element) && e.element.owner.setExpanded(false)),
    vscode.commands.registerCommand(LOAD_MORE_COMMAND, (arg?: unknown) => treeOfArg(arg)?.loadMore()),
    vscode.commands.registerCommand(RECOUNT_COMMAND, (arg?: unknown) => treeOfArg(arg)?.recount()),
    ...registerThingCommands(
      deps,
      {
        assigned: (session, things, group) => feature?.modelOf(session)?.assigned(things, group),
        unassigned: (session, things, group) => feature?.modelOf(session)?.unassigned(things, group),
      },
      () => lazy().pickGroupThing,
    ),
    vscode.commands.registerCommand('iotBillingGroups.assignThings', guard(failed, (arg?: unknown) => lazy().assignThings(arg))),
    vscode.commands.registerCommand('iotBillingGroups.assignToBillingGroup', guard(failed, (node?: unknown, nodes?: unknown[]) => lazy().assignToGroup(node, nodes))),
    vscode.commands.registerCommand('iotBillingGroups.checkAttribution', guard(vscode.l10n.t('Checking cost attribution failed'), (arg?: unknown) => lazy().checkAttribution(arg))),
  ];
}
