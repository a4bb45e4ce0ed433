// Runs an assignment plan through the paced bulk runner: one progress notification with counts and
// Cancel (no new call starts; what is done stays done), moves leave their old group first, a group
// deleted meanwhile stops the run with a sentence, and the tree and the unassigned count are updated
// once at the end, not per thing.
import vscode = require('vscode');
import type { BillingGroupService } from '../aws';
import { runBulk } from '../core/bulk';
import { formatCount, thingsToSend, type AssignmentOutcome, type AssignmentPlan } from '../core/assignmentPlan';
import { inert } from '../core/displayText';
import { bulkPace } from '../shared/bulkPace';
import type { Deps } from '../shared/deps';
import { asProblem } from '../shared/problems';
import type { UnassignedModel } from './unassignedModel';

export interface AssignmentResult {
  outcomes: AssignmentOutcome[];
  cancelled: boolean;
  stoppedBecause?: string;
}

/** Raised inside the run when the target group is gone: the run stops, the thing is not failed. */
class GroupGone extends Error {}

export async function runAssignment(deps: Deps, model: UnassignedModel, service: BillingGroupService, plan: AssignmentPlan): Promise<AssignmentResult> {
  const session = model.session;
  const sends = thingsToSend(plan);
  const fromOf = new Map(plan.move ? plan.inOtherGroups.map((t) => [t.thing, t.from] as const) : []);
  const target = plan.target;
  let stoppedBecause: string | undefined;
  let groupCheck: Promise<boolean> | undefined;
  /** Once per run: does the target still exist? (a 404 on add may be about the thing instead) */
  const groupExists = () =>
    (groupCheck ??= service.describeBillingGroup(target).then(
      () => true,
      (e: unknown) => (asProblem(e)?.code === 'ResourceNotFound' ? false : true),
    ));
  let added = 0;
  let moved = 0;
  let failed = 0;
  let cancelled = false;

  const outcomes = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Assigning {0} things to {1}', formatCount(sends.length), inert(target)),
      cancellable: true,
    },
    (progress, token) =>
      runBulk(
        sends,
        async (thing) => {
          const from = fromOf.get(thing);
          // AWS moves a thing on add; emulators may keep both memberships, so leave the old one first.
          if (from) {
            try {
              await service.removeThingFromBillingGroup(from, thing);
            } catch (e) {
              if (asProblem(e)?.code !== 'ResourceNotFound') throw e; // its old group is gone: nothing to leave
            }
          }
          try {
            await service.addThingToBillingGroup(target, thing);
          } catch (e) {
            if (asProblem(e)?.code === 'ResourceNotFound' && !(await groupExists())) {
              stoppedBecause ??= vscode.l10n.t('Billing group {0} was deleted while things were being assigned to it.', inert(target));
              if (from) await service.addThingToBillingGroup(from, thing).catch(() => undefined);
              throw new GroupGone();
            }
            if (from) await service.addThingToBillingGroup(from, thing).catch(() => undefined);
            throw e;
          }
          if (from) moved++;
          else added++;
        },
        {
          ...bulkPace(deps.log),
          isCancelled: () => {
            if (token.isCancellationRequested) cancelled = true;
            return cancelled || stoppedBecause !== undefined;
          },
          onDone: (done, total) => {
            failed = done - added - moved;
            progress.report({
              increment: 100 / total,
              message: vscode.l10n.t('{0} of {1}: {2} added, {3} moved, {4} failed', formatCount(done), formatCount(total), formatCount(added), formatCount(moved), formatCount(failed)),
            });
          },
        },
      ),
  );

  const result: AssignmentOutcome[] = plan.skip.map((thing) => ({ thing, result: 'skipped' }));
  const finished = new Set<string>();
  for (const o of outcomes) {
    finished.add(o.item);
    const from = fromOf.get(o.item);
    if (o.ok) result.push(from ? { thing: o.item, result: 'moved', from } : { thing: o.item, result: 'added' });
    else if (o.error instanceof GroupGone) result.push({ thing: o.item, result: 'notStarted' });
    else result.push({ thing: o.item, result: 'failed', reason: asProblem(o.error)?.message ?? String(o.error) });
  }
  for (const thing of sends) if (!finished.has(thing)) result.push({ thing, result: 'notStarted' });

  // Once, at the end: the count in place, the target and every group a thing left.
  const done = outcomes.filter((o) => o.ok).map((o) => o.item);
  model.assigned(done, target);
  deps.provider.refreshGroup({ session, name: target });
  for (const g of new Set(done.map((t) => fromOf.get(t)).filter((g): g is string => g !== undefined))) deps.provider.refreshGroup({ session, name: g });
  deps.log.info(`Assignment to ${inert(target)}: ${added} added, ${moved} moved, ${plan.skip.length} skipped, ${outcomes.length - done.length} failed${cancelled ? ', cancelled' : ''}${stoppedBecause ? `, stopped: ${stoppedBecause}` : ''}`);
  return { outcomes: result, cancelled, stoppedBecause };
}
