// Runs an assignment plan through the paced bulk runner (src/core/assignmentSteps.ts: a DescribeThing
// check and one AddThingToBillingGroup per thing, a read-back after a failed add) with one progress
// notification with counts and Cancel (no new call starts; what is done stays done). A group deleted
// meanwhile stops the run with a sentence; the tree and the unassigned count are updated once at the
// end, not per thing.
import vscode = require('vscode');
import type { BillingGroupService } from '../aws';
import { formatCount, thingsToSend, type AssignmentOutcome, type AssignmentPlan } from '../core/assignmentPlan';
import { runAssignmentSteps, type RunCalls } from '../core/assignmentSteps';
import { inert } from '../core/displayText';
import { loadAws } from '../shared/awsLoader';
import { bulkPace } from '../shared/bulkPace';
import type { Deps } from '../shared/deps';
import type { UnassignedModel } from './unassignedModel';

export interface AssignmentResult {
  outcomes: AssignmentOutcome[];
  cancelled: boolean;
  stoppedBecause?: string;
  calls: RunCalls;
}

export async function runAssignment(deps: Deps, model: UnassignedModel, service: BillingGroupService, plan: AssignmentPlan): Promise<AssignmentResult> {
  const sends = thingsToSend(plan);
  const target = plan.target;
  const tally = { added: 0, moved: 0, other: 0, failed: 0 };
  let cancelled = false;

  const run = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Assigning {0} things to {1}', formatCount(sends.length), inert(target)),
      cancellable: true,
    },
    (progress, token) =>
      runAssignmentSteps(plan, loadAws().membershipPort(service), {
        bulk: {
          ...bulkPace(deps.log),
          isCancelled: () => {
            if (token.isCancellationRequested) cancelled = true;
            return cancelled;
          },
          onDone: (done, total) =>
            progress.report({
              increment: 100 / total,
              message: vscode.l10n.t(
                '{0} of {1}: {2} added, {3} moved, {4} left as they were, {5} failed',
                formatCount(done),
                formatCount(total),
                formatCount(tally.added),
                formatCount(tally.moved),
                formatCount(tally.other),
                formatCount(tally.failed),
              ),
            }),
        },
        onOutcome: (o) => {
          if (o.result === 'added') tally.added++;
          else if (o.result === 'moved') tally.moved++;
          else if (o.result === 'failed') tally.failed++;
          else tally.other++;
        },
      }),
  );
  const stoppedBecause = run.targetDeleted ? vscode.l10n.t('Billing group {0} was deleted while things were being assigned to it.', inert(target)) : undefined;

  // Once, at the end: the count in place, the target and every group a thing left or was found in.
  const inTarget: string[] = [];
  const touched = new Set<string>([target]);
  for (const o of run.outcomes) {
    if (o.result === 'added' || o.result === 'moved' || o.result === 'skipped') inTarget.push(o.thing);
    if (o.result === 'moved') touched.add(o.from);
    if (o.result === 'changed') {
      model.assigned([o.thing], o.now);
      touched.add(o.now);
    }
    if (o.result === 'failed' && o.endedIn.kind === 'group') {
      model.assigned([o.thing], o.endedIn.group);
      touched.add(o.endedIn.group);
    }
  }
  model.assigned(inTarget, target);
  for (const g of touched) deps.provider.refreshGroup({ session: model.session, name: g });
  const count = (kind: AssignmentOutcome['result']) => run.outcomes.filter((o) => o.result === kind).length;
  deps.log.info(
    `Assignment to ${inert(target)}: ${count('added')} added, ${count('moved')} moved, ${count('skipped')} skipped, ${count('changed')} changed since the preview, ${count('gone')} gone, ${count('failed')} failed, ${count('notStarted')} not started${cancelled ? ', cancelled' : ''}${stoppedBecause ? `, stopped: ${stoppedBecause}` : ''}; calls: ${run.calls.DescribeThing} DescribeThing, ${run.calls.AddThingToBillingGroup} AddThingToBillingGroup, ${run.calls.DescribeBillingGroup} DescribeBillingGroup`,
  );
  return { outcomes: run.outcomes, cancelled, stoppedBecause, calls: run.calls };
}
