// "Set Up Cost Allocation…": choose the tag key, tag every group lacking it with <key>=<group name>
// (preview, paced, one progress notification, Cancel), then check the key in Billing and offer to
// activate it and to backfill earlier months. A failing check never touches the costs shown. It acts
// on one connection (issue 17): the node's it was run on, or the one asked for when there are several.
import vscode = require('vscode');
import { runBulk } from '../core/bulk';
import { backfillConfirmation, costsPartition } from '../core/costAllocation';
import { costPeriod, isoDay } from '../core/costPeriod';
import { DEFAULT_COST_TAG_KEY } from '../core/costs';
import { inert } from '../core/displayText';
import type { Tag } from '../core/types';
import { isAwsManagedTagKey } from '../core/limits';
import { validateTags } from '../core/validation';
import type { Session } from '../connection/session';
import { bulkPace } from '../shared/bulkPace';
import type { Deps } from '../shared/deps';
import { asProblem, isCancellation, reportError } from '../shared/problems';
import { sessionOf } from '../tree/nodes';
import type { CostsModel } from './costsModel';
import { COSTS_SECTION, readCostSettings } from './costSettings';

/** How far back a backfill may reach: 12 months. */
export function backfillStart(today: Date): string {
  return `${isoDay(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 12, 1)))}T00:00:00Z`;
}

export async function setUpCostAllocation(deps: Deps, model: CostsModel, arg?: unknown): Promise<void> {
  const { log, provider } = deps;
  const session = sessionOf(arg) ?? (await deps.connections.pick(vscode.l10n.t('Set up cost allocation for which connection?')));
  if (!session) return;
  const where = deps.connections.where(session);
  const { service, connection } = await session.connect();

  // 1. Every group and its tags (paced reads, one progress notification with Cancel).
  const read = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading the tags of the billing groups'), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const groups = await service.listAllBillingGroups({}, abort.signal);
      const tags = new Map<string, Tag[]>();
      const outcomes = await runBulk(groups, async (g) => void tags.set(g.name, await service.listTags(g.arn, abort.signal)), {
        ...bulkPace(log),
        isCancelled: () => token.isCancellationRequested,
        onDone: (done, total) => progress.report({ message: `${done}/${total}`, increment: 100 / total }),
      });
      return { groups, tags, failed: outcomes.filter((o) => !o.ok), cancelled: token.isCancellationRequested };
    },
  );
  if (read.cancelled) return;
  if (read.failed.length > 0) {
    await reportError(log, vscode.l10n.t('Reading the tags of the billing groups failed'), read.failed[0].error, [], session);
    return;
  }
  for (const [name, tags] of read.tags) model.rememberTags(session, name, tags);
  model.forgetGroups(session);

  // GovCloud (the region, or the groups' ARNs arn:aws-us-gov:…): said before anything is tagged. Its
  // costs and cost-allocation tags are the associated standard account's; tagging the groups still
  // helps there, so it is offered, without the Billing steps this account cannot do.
  const govCloud = costsPartition(connection.region, read.groups.map((g) => g.arn)) === 'aws-us-gov';
  if (govCloud) {
    const tagOnly = vscode.l10n.t('Tag the Groups Only');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('This is an AWS GovCloud (US) account: its costs are not in its own Cost Explorer.'),
      {
        modal: true,
        detail: vscode.l10n.t(
          'Cost Explorer and cost-allocation tags of a GovCloud account live in the standard (commercial) AWS account it is associated with. To see costs, select a profile of that associated standard account and activate the tag key there. You can still tag the billing groups here; nothing will be sent to Cost Explorer.',
        ),
      },
      tagOnly,
    );
    if (answer !== tagOnly) return;
  }

  // 2. The key: keys already on groups, or BillingGroup.
  const counts = new Map<string, number>();
  for (const tags of read.tags.values()) for (const t of tags) counts.set(t.key, (counts.get(t.key) ?? 0) + 1);
  const current = readCostSettings().tagKey;
  const keys = [...new Set([current, DEFAULT_COST_TAG_KEY, ...[...counts.keys()].filter((k) => !k.startsWith('aws:'))])];
  const picked = await vscode.window.showQuickPick(
    keys.map((key) => ({
      label: inert(key),
      key,
      description:
        (counts.get(key) ? vscode.l10n.t('on {0} of {1} groups', counts.get(key) ?? 0, read.groups.length) : vscode.l10n.t('on no group yet')) +
        (key === current ? ` · ${vscode.l10n.t('current setting')}` : ''),
    })),
    { title: vscode.l10n.t('Set Up Cost Allocation (1/3): the tag key to allocate costs by{0}', where), placeHolder: vscode.l10n.t('Costs are grouped by the values of this cost-allocation tag'), ignoreFocusOut: true },
  );
  if (!picked) return;
  const key = picked.key;
  if (key !== current) await vscode.workspace.getConfiguration(COSTS_SECTION).update('tagKey', key, vscode.ConfigurationTarget.Global);

  // 3. Tag the groups lacking the key with <key>=<group name> (a preview to confirm first).
  const lacking = read.groups.filter((g) => !(read.tags.get(g.name) ?? []).some((t) => t.key === key));
  if (lacking.length > 0) {
    const items = lacking.map((g) => ({ label: inert(g.name), description: `${inert(key)}=${inert(g.name)}`, picked: true, group: g }));
    const chosen = await vscode.window.showQuickPick(items, {
      title:
        lacking.length === 1
          ? vscode.l10n.t('Set Up Cost Allocation (2/3): tag 1 billing group with {0}=<group name>', inert(key))
          : vscode.l10n.t('Set Up Cost Allocation (2/3): tag {0} billing groups with {1}=<group name>', lacking.length, inert(key)),
      placeHolder: vscode.l10n.t('Uncheck groups to leave them as they are; Enter tags the checked ones'),
      canPickMany: true,
      ignoreFocusOut: true,
    });
    if (!chosen) return;
    const toTag = chosen.map((c) => c.group);
    // A group whose tags cannot take this one (50 already): logged per group, nothing sent for it.
    // AWS's own aws: tags (a CloudFormation stack's) do not count towards the 50 and are never written.
    const own = (g: { name: string }) => (read.tags.get(g.name) ?? []).filter((t) => !isAwsManagedTagKey(t.key));
    const full = toTag.filter((g) => validateTags([...own(g), { key, value: g.name }]).length > 0);
    const outcomes = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Tagging {0} billing groups with {1}', toTag.length, inert(key)), cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return runBulk(
          toTag.filter((g) => !full.includes(g)),
          async (g) => {
            // TagResource adds or replaces only this key: the group's other tags are not sent, so none
            // is lost to a concurrent edit and aws: tags are left to AWS.
            const tag = { key, value: g.name };
            await service.tagResource(g.arn, [tag], abort.signal);
            model.rememberTags(session, g.name, [...(read.tags.get(g.name) ?? []).filter((t) => t.key !== key), tag]);
          },
          { ...bulkPace(log), isCancelled: () => token.isCancellationRequested, onDone: (done, total) => progress.report({ message: `${done}/${total}`, increment: 100 / total }) },
        );
      },
    );
    const failed = outcomes.filter((o) => !o.ok && !isCancellation(o.error));
    const done = outcomes.filter((o) => o.ok).length;
    if (full.length > 0) log.warn(`Set Up: ${full.length} groups already have the most tags a group can have and were not tagged: ${full.map((g) => inert(g.name)).join(', ')}`);
    if (failed.length > 0) await reportError(log, vscode.l10n.t('Tagged {0} of {1} billing groups', done, toTag.length), failed[0].error, [], session);
    else if (done < toTag.length - full.length) void vscode.window.showWarningMessage(vscode.l10n.t('Stopped: tagged {0} of {1} billing groups.', done, toTag.length));
    else
      void vscode.window.showInformationMessage(
        done === 1
          ? vscode.l10n.t('Tagged 1 billing group with {0}=<group name>{1}.', inert(key), where)
          : vscode.l10n.t('Tagged {0} billing groups with {1}=<group name>{2}.', done, inert(key), where),
      );
    // With several connections, only this one reloads (the others' loaded pages stay).
    if (deps.connections.multiple) provider.refreshConnection(session);
    else provider.refresh();
  }

  // 4. The key in Billing: unknown for up to 24 hours after it was first applied; activation is the payer's.
  if (govCloud) {
    log.info('Set Up: GovCloud account: the key is activated in the associated standard account (nothing sent to Cost Explorer)');
    return;
  }
  await checkKeyInBilling(deps, model, key, session);
}

async function checkKeyInBilling(deps: Deps, model: CostsModel, key: string, session: Session): Promise<void> {
  const { log } = deps;
  let ce;
  try {
    ce = (await model.costExplorer(session)).ce;
    const s = readCostSettings();
    // Confirms the service names of the filter once (they are Cost Explorer's SERVICE values).
    try {
      const seen = await ce.getDimensionValues('SERVICE', costPeriod(new Date(), s.months), 'IoT');
      const missing = s.services.filter((x) => !seen.includes(x));
      if (seen.length > 0 && missing.length > 0)
        log.warn(`Set Up: Cost Explorer has no usage for ${missing.join(', ')} in the period; its IoT services are: ${seen.join(', ')} (setting iotBillingGroups.costs.services)`);
    } catch (e) {
      log.warn(`Set Up: the service names could not be confirmed: ${asProblem(e)?.message ?? String(e)}`);
    }
    const [status] = await ce.listCostAllocationTags([key]);
    if (!status) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Billing does not know the tag key "{0}" yet: a key applied minutes ago is unknown to Billing for up to 24 hours. Try again tomorrow to activate it.', inert(key)),
      );
      return;
    }
    const activate = vscode.l10n.t('Activate');
    const backfill = vscode.l10n.t('Backfill 12 Months');
    if (status.status !== 'Active') {
      const answer = await vscode.window.showInformationMessage(
        vscode.l10n.t('Set Up Cost Allocation (3/3): activate "{0}" as a cost-allocation tag?', inert(key)),
        { modal: true, detail: vscode.l10n.t('It is not active yet. Only the management (payer) account can activate it; figures appear up to 24 hours after activation, for usage from then on.') },
        activate,
      );
      if (answer !== activate) return;
      const errors = await ce.updateCostAllocationTagsStatus([{ key, status: 'Active' }]);
      if (errors.length > 0) {
        void vscode.window.showErrorMessage(vscode.l10n.t('"{0}" was not activated: {1} ({2})', inert(key), inert(errors[0].message), inert(errors[0].code)));
        return;
      }
      log.info(`Set Up: cost-allocation tag ${key} activated`);
    }
    const answer = await vscode.window.showInformationMessage(
      vscode.l10n.t('"{0}" is active. Figures appear up to 24 hours after activation, for usage from then on. A backfill can apply the activation statuses to the last 12 months (it concerns every key of the organisation; you will be asked first).', inert(key)),
      backfill,
    );
    if (answer !== backfill) return;
    // The backfill applies the CURRENT status of EVERY key of the organisation (its API reference):
    // the keys inactive now are named in a modal before it is asked for.
    const from = backfillStart(new Date());
    const inactive = (await ce.listCostAllocationTags(undefined, 'Inactive')).map((t) => t.key).sort();
    const confirm = backfillConfirmation(key, inactive.map((k) => inert(k)), from.slice(0, 10));
    const go = await vscode.window.showWarningMessage(confirm.message, { modal: true, detail: confirm.detail }, backfill);
    if (go !== backfill) return;
    const r = await ce.startCostAllocationTagBackfill(from);
    void vscode.window.showInformationMessage(vscode.l10n.t('Backfill requested from {0} ({1}). It can take up to 24 hours.', r.from.slice(0, 10), r.status));
  } catch (e) {
    await reportError(log, vscode.l10n.t('Checking the cost-allocation tag failed'), e, [], session);
  }
}
