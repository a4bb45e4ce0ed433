// The part of issue 12 that runs only when asked (bulk assignment, cost-attribution check, the
// assignment of dragged things): bundled apart as dist/things.js and loaded on first use, so that
// activation and the entry bundle do not pay for it (see thingsLoader.ts).
import type { Deps } from '../shared/deps';
import { assignCommands, type AssignCommands } from './assignThings';
import { attributionCommand } from './checkAttribution';
import { ReportDocuments } from './reportDocument';
import type { UnassignedModel } from './unassignedModel';

export interface ThingsFeature extends AssignCommands {
  checkAttribution: (arg?: unknown) => Promise<void>;
  dispose(): void;
}

export function createThingsFeature(deps: Deps, model: UnassignedModel): ThingsFeature {
  const reports = new ReportDocuments();
  return { ...assignCommands(deps, model, reports), checkAttribution: attributionCommand(deps, reports), dispose: () => reports.dispose() };
}
