// The part of issue 12 that runs only when asked (the count of things without a billing group and
// its tree items, bulk assignment, cost-attribution check): bundled apart as dist/things.js and
// loaded on first use, so that activation and the entry bundle do not pay for it (thingsLoader.ts).
import type { Deps } from '../shared/deps';
import type { TreeNode } from '../tree/nodes';
import { assignCommands, type AssignCommands } from './assignThings';
import { attributionCommand } from './checkAttribution';
import { pickGroupThing } from './groupThingPick';
import { ReportDocuments } from './reportDocument';
import { UnassignedModel } from './unassignedModel';
import { UnassignedTree, type UnassignedNode } from './unassignedTree';

export interface ThingsFeature extends AssignCommands {
  model: UnassignedModel;
  tree: UnassignedTree;
  checkAttribution: (arg?: unknown) => Promise<void>;
  /** Remove Thing's pick of a group's things, 250 at a time (src/things/groupThingPick.ts). */
  pickGroupThing: typeof pickGroupThing;
  dispose(): void;
}

/**
 * `root` is the entry's tree item and `changed` redraws a node; `onError` shows what a drop onto a
 * group could not do.
 */
export function createThingsFeature(deps: Deps, root: UnassignedNode, changed: (node?: TreeNode) => void, onError: (e: unknown) => Promise<void>): ThingsFeature {
  const model = new UnassignedModel(deps);
  const tree = new UnassignedTree(model, root);
  tree.attach(changed);
  const reports = new ReportDocuments();
  const commands = assignCommands(deps, model, reports);
  tree.onDrop = (things, target) => commands.assignDirect(things, target).catch(onError);
  return {
    ...commands,
    model,
    tree,
    checkAttribution: attributionCommand(deps, reports),
    pickGroupThing,
    dispose: () => {
      reports.dispose();
      model.dispose();
    },
  };
}
