// "Check Cost Attribution": for each thing of the group(s), its principals with their attachment type
// (one ListThingPrincipalsV2 per thing — ListThingPrincipals where the endpoint lacks V2 —, paced,
// cancellable, the time said before starting) and the status of each certificate found (one
// DescribeCertificate per certificate, cached). A plain-text report per run, which also lists the
// charges never attributed to a billing group (src/core/unattributedCharges.ts).
import vscode = require('vscode');
import type { ThingService } from '../aws';
import { describeDuration, formatCount, plural, secondsAtPace } from '../core/assignmentPlan';
import { ATTRIBUTION_GUIDE_URL, attributionOf, attributionReport, certificateIdOf, type GroupAttribution, type PrincipalsRead } from '../core/attribution';
import { runBulk } from '../core/bulk';
import { inert } from '../core/displayText';
import { BULK_PACE, bulkPace } from '../shared/bulkPace';
import type { Deps } from '../shared/deps';
import { asProblem } from '../shared/problems';
import { isGroupNode, sessionOf } from '../tree/nodes';
import type { ReportDocuments } from './reportDocument';
import { withCancellableProgress } from './thingSources';
import { thingService } from './unassignedModel';

export function attributionCommand(deps: Deps, reports: ReportDocuments): (arg?: unknown) => Promise<void> {
  return async (arg?: unknown) => {
    // From a group's menu: that group. From the palette: every group (of the connection picked, when there are several).
    const session = sessionOf(arg) ?? (await deps.connections.pick(vscode.l10n.t('Check the cost attribution of which connection?')));
    if (!session) return;
    const things = await thingService(session, deps.log);
    const groups: string[] = isGroupNode(arg)
      ? [arg.name]
      : await withCancellableProgress(vscode.l10n.t('Listing billing groups…'), async (signal) => (await things.groups.listAllBillingGroups({}, signal)).map((g) => g.name));
    if (groups.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('This account has no billing groups in this region: nothing to check.'));
      return;
    }
    const members = await withCancellableProgress(vscode.l10n.t('Listing the things of {0}', plural(groups.length, vscode.l10n.t('billing group'), vscode.l10n.t('billing groups'))), async (signal, report) => {
      const out = new Map<string, string[]>();
      for (const g of groups) {
        out.set(g, await things.listAllThingsInBillingGroup(g, signal));
        report(`${formatCount(out.size)}/${formatCount(groups.length)}`);
      }
      return out;
    });
    const total = [...members.values()].reduce((n, l) => n + l.length, 0);
    if (total === 0) {
      await reports.open(
        vscode.l10n.t('Cost attribution'),
        attributionReport(groups.map((group) => ({ group, things: 0, results: [], failed: [] })), { cancelled: false, show: inert, principalsRead: 'ListThingPrincipalsV2' }),
      );
      return;
    }
    const start = vscode.l10n.t('Check');
    const answer = await vscode.window.showInformationMessage(
      vscode.l10n.t(
        '{0}, {1}: one ListThingPrincipalsV2 call per thing, {2} things a second, and one DescribeCertificate per certificate.',
        plural(total, vscode.l10n.t('thing'), vscode.l10n.t('things')),
        describeDuration(secondsAtPace(total, BULK_PACE.perSecond)),
        BULK_PACE.perSecond,
      ),
      {
        modal: true,
        detail: vscode.l10n.t(
          'Only ACTIVE certificates attached to a thing make its usage attributable to its billing group, and then only with the thing name as MQTT client ID unless the certificate is attached exclusively. See {0}',
          ATTRIBUTION_GUIDE_URL,
        ),
      },
      start,
    );
    if (answer !== start) return;
    const result = await runCheck(deps, things, members, total);
    await reports.open(vscode.l10n.t('Cost attribution'), attributionReport(result.groups, { cancelled: result.cancelled, show: inert, principalsRead: result.principalsRead }));
  };
}

async function runCheck(deps: Deps, things: ThingService, members: Map<string, string[]>, total: number): Promise<{ groups: GroupAttribution[]; cancelled: boolean; principalsRead: PrincipalsRead }> {
  const groups = new Map<string, GroupAttribution>([...members].map(([group, list]) => [group, { group, things: list.length, results: [], failed: [] }]));
  const items = [...members].flatMap(([group, list]) => list.map((thing) => ({ group, thing })));
  /** certificateId → its status: DescribeCertificate once per certificate, even when several things share it. */
  const statuses = new Map<string, Promise<string | undefined>>();
  const statusOf = (id: string, signal: AbortSignal) => {
    let s = statuses.get(id);
    if (!s) {
      s = things.describeCertificate(id, signal).then(
        (d) => d.status,
        () => undefined,
      );
      statuses.set(id, s);
    }
    return s;
  };
  let cancelled = false;
  /** ListThingPrincipals as soon as one thing had to be read without V2 (the endpoint lacks it). */
  let principalsRead: PrincipalsRead = 'ListThingPrincipalsV2';
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking cost attribution of {0}', plural(total, vscode.l10n.t('thing'), vscode.l10n.t('things'))), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => {
        cancelled = true;
        abort.abort();
      });
      try {
        await runBulk(
          items,
          async ({ group, thing }) => {
            const g = groups.get(group)!;
            try {
              const { attachments, read } = await things.listThingPrincipalAttachments(thing, abort.signal);
              if (read === 'ListThingPrincipals') principalsRead = read;
              const known = new Map<string, string | undefined>();
              for (const p of attachments) {
                const id = certificateIdOf(p.principal);
                if (id) known.set(id, await statusOf(id, abort.signal));
              }
              g.results.push(attributionOf(thing, attachments, (id) => known.get(id), read === 'ListThingPrincipalsV2'));
            } catch (e) {
              if (abort.signal.aborted) return;
              g.failed.push({ thing, reason: asProblem(e)?.message ?? String(e) });
            }
          },
          {
            ...bulkPace(deps.log),
            isCancelled: () => token.isCancellationRequested,
            onDone: (done, n) => progress.report({ increment: 100 / n, message: `${formatCount(done)}/${formatCount(n)}` }),
          },
        );
      } finally {
        sub.dispose();
      }
    },
  );
  return { groups: [...groups.values()], cancelled, principalsRead };
}
