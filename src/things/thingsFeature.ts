// The part of issue 12 that runs only when asked (the count of things without a billing group and
// its tree items, bulk assignment, cost-attribution check): bundled apart as dist/things.js and
// loaded on first use, so that activation and the entry bundle do not pay for it (thingsLoader.ts).
// One count and one tree per connection (issue 17).
import type { Session } from '../connection/session';
import type { Deps } from '../shared/deps';
import type { TreeNode } from '../tree/nodes';
import { assignCommands, type AssignCommands } from './assignThings';
import { attributionCommand } from './checkAttribution';
import { pickGroupThing } from './groupThingPick';
import { ReportDocuments } from './reportDocument';
import { UnassignedModel } from './unassignedModel';
import { UnassignedTree, type UnassignedNode } from './unassignedTree';

export interface ThingsFeature extends AssignCommands {
  /** The count of a connection's things without a billing group (made on first use). */
  modelFor(session: Session): UnassignedModel;
  /** The tree of a connection's root item `root` (once per root); `changed` redraws a node. */
  treeFor(root: UnassignedNode, changed: (node?: TreeNode) => void): UnassignedTree;
  /** The tree of a connection, if made. */
  treeOf(session: Session): UnassignedTree | undefined;
  /** The count of a connection, if made (membership changes made elsewhere update it in place). */
  modelOf(session: Session): UnassignedModel | undefined;
  checkAttribution: (arg?: unknown) => Promise<void>;
  /** Remove Thing's pick of a group's things, 250 at a time (src/things/groupThingPick.ts). */
  pickGroupThing: typeof pickGroupThing;
  dispose(): void;
}

/** `onError` shows what a drop onto a group could not do. */
export function createThingsFeature(deps: Deps, onError: (e: unknown, session: Session) => Promise<void>): ThingsFeature {
  const models = new Map<Session, UnassignedModel>();
  const trees = new Map<Session, UnassignedTree>();
  const modelFor = (session: Session) => {
    let m = models.get(session);
    if (!m) {
      m = new UnassignedModel(session, deps.log);
      models.set(session, m);
      // The connection was removed: its count stops and is forgotten.
      session.signal.addEventListener('abort', () => {
        models.get(session)?.dispose();
        models.delete(session);
        trees.delete(session);
      });
    }
    return m;
  };
  const reports = new ReportDocuments();
  const commands = assignCommands(deps, modelFor, reports);
  return {
    ...commands,
    modelFor,
    treeFor(root, changed) {
      const tree = new UnassignedTree(modelFor(root.session), root);
      tree.attach(changed);
      tree.onDrop = (things, target) => commands.assignDirect(things, target).catch((e: unknown) => onError(e, target.session));
      trees.set(root.session, tree);
      return tree;
    },
    treeOf: (session) => trees.get(session),
    modelOf: (session) => models.get(session),
    checkAttribution: attributionCommand(deps, reports),
    pickGroupThing,
    dispose: () => {
      reports.dispose();
      for (const m of models.values()) m.dispose();
    },
  };
}
