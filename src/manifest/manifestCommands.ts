// Export, Plan and Apply. Plan and Apply act on the manifest in the active editor (unsaved edits
// included) or ask which one, and on the connection its `account` and `region` pick (issue 17: of
// several, the one of its region and account; when several fit, the user is asked which). They
// refuse, in a sentence and before any write, a manifest with errors, one no connection fits (naming
// the connections), one naming an account or pruning while the connection's account is unknown, and
// (Apply) an untrusted workspace. Apply applies the plan the user saw: Plan keeps its plan with a
// fingerprint of what it read, and when Apply reads something else it shows the new diff instead of
// applying. Reads and writes are paced by the bulk runner with one progress notification and Cancel.
// Export exports the connection it was run on (a connection's context menu), or asks which.
import vscode = require('vscode');
import { partitionOf } from '../core/connections';
import { inert } from '../core/displayText';
import { connectionRefusal, hasErrors, parseManifest, type Manifest } from '../core/manifest';
import { accountsToFindOut, matchConnection, type ConnectionFacts, type ManifestTarget } from '../core/manifestConnection';
import { applyPlan, renderReport, type ApplyReport } from '../core/manifestApply';
import { isManifestFileName } from '../core/manifestNames';
import { confirmationLines, describePlan, isEmptyPlan, makePlan, stateFingerprint, summarize, summaryText, type AccountState, type Plan } from '../core/manifestPlan';
import { readAccount, type ReadPace } from '../core/manifestRead';
import { accountAsManifest, deleteComments, exportManifest, renderManifest } from '../core/manifestRender';
import { readCostSettings } from '../costs/costSettings';
import type { Connected, Session } from '../connection/session';
import { loadAws } from '../shared/awsLoader';
import { bulkPace } from '../shared/bulkPace';
import type { Deps } from '../shared/deps';
import { asProblem, isCancellation } from '../shared/problems';
import { sessionOf } from '../tree/nodes';
import { knownFacts, type KnownConnections } from './manifestConnections';

const PLAN_SCHEME = 'iotBillingGroups-plan';
const MANIFEST_GLOB = '**/{billing-groups.json,*.billing-groups.json}';

/** Reads at 10 a second (the tag operations' quota), four at a time, riding out throttling. */
function readPace(deps: Deps): ReadPace {
  return { ...bulkPace(deps.log), concurrency: 4, perSecond: 10 };
}

/** A manifest, read, with its plan: what Plan shows and Apply confirms. */
interface Prepared {
  doc: vscode.TextDocument;
  /** The text the plan was made from (unsaved edits included). */
  text: string;
  manifest: Manifest;
  state: AccountState;
  plan: Plan;
  session: Session;
  connected: Connected;
}

const fileName = (doc: vscode.TextDocument) => doc.uri.path.split('/').pop() ?? 'billing-groups.json';

export class ManifestCommands implements vscode.Disposable {
  private readonly planDocs = new Map<string, string>();
  /** The last plan shown per manifest, with its connection, the text and a fingerprint of what it was made from. */
  private readonly shown = new Map<string, { session: string; text: string; fingerprint: string; plan: Plan }>();
  private planCounter = 0;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly deps: Deps,
    private readonly known: KnownConnections,
    private readonly learned: () => void,
  ) {
    this.disposables = [
      vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, { provideTextDocumentContent: (uri) => this.planDocs.get(uri.toString()) ?? '' }),
    ];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  // ---------------------------------------------------------------------------------------------
  // Export
  // ---------------------------------------------------------------------------------------------

  /** Exports the connection of `arg` (a connection's context menu, or a node of it), or the one asked for. */
  async exportManifest(arg?: unknown): Promise<void> {
    const session = sessionOf(arg) ?? (await this.deps.connections.pick(vscode.l10n.t('Export the billing groups of which connection?')));
    if (!session) return;
    const withThings = vscode.l10n.t('Groups, descriptions, tags and things');
    const withoutThings = vscode.l10n.t('Groups, descriptions and tags (membership not managed)');
    const picked = await vscode.window.showQuickPick([withoutThings, withThings], { placeHolder: vscode.l10n.t('What should the manifest hold?') });
    if (!picked) return;
    const things = picked === withThings;
    const connected = await session.connect();
    const state = await this.read(session, connected, `${vscode.l10n.t('Exporting billing groups')}${this.deps.connections.where(session)}`, { prune: false, groups: [] }, { all: true, exportThings: things });
    if (!state) return;
    const text = renderManifest(exportManifest(state, { things }));
    const uri = await this.exportUri(state);
    const doc = await vscode.workspace.openTextDocument(uri);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
    await vscode.workspace.applyEdit(edit);
    await vscode.window.showTextDocument(doc);
    this.deps.log.info(`Exported ${state.groups.length} billing groups of account ${state.account ?? '?'} in ${state.region} (${session.label}) to ${uri.toString(true)}`);
  }

  /** Untitled, in the workspace folder (so the schema, diagnostics and CodeLens apply before it is saved), never over a file. */
  private async exportUri(state: AccountState): Promise<vscode.Uri> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!folder) return vscode.Uri.parse('untitled:billing-groups.json');
    const taken = async (u: vscode.Uri) => {
      if (vscode.workspace.textDocuments.some((d) => d.uri.path === u.path && d.getText() !== '')) return true;
      try {
        await vscode.workspace.fs.stat(u);
        return true;
      } catch {
        return false;
      }
    };
    const names = ['billing-groups.json', `${state.account ?? 'account'}-${state.region}.billing-groups.json`];
    for (let n = 2; n < 100; n++) names.push(`${state.account ?? 'account'}-${state.region}-${n}.billing-groups.json`);
    for (const name of names) {
      const file = vscode.Uri.joinPath(folder, name);
      if (!(await taken(file))) return file.with({ scheme: 'untitled' });
    }
    return vscode.Uri.joinPath(folder, names[0]).with({ scheme: 'untitled' });
  }

  // ---------------------------------------------------------------------------------------------
  // Plan
  // ---------------------------------------------------------------------------------------------

  async plan(arg?: unknown): Promise<void> {
    const prepared = await this.prepare(arg, vscode.l10n.t('Planning billing group changes'));
    if (!prepared) return;
    const { doc, plan, session } = prepared;
    this.keep(prepared);
    await this.showDiff(prepared);
    const summary = summaryText(plan);
    const notes = [...plan.warnings, ...plan.errors].map((w) => inert(w)).join(' ');
    const message = `${vscode.l10n.t('Plan{0}: {1}', this.deps.connections.where(session), summary)}${notes ? ` ${notes}` : ''}`;
    if (plan.errors.length > 0) void vscode.window.showErrorMessage(message);
    else if (isEmptyPlan(plan)) void vscode.window.showInformationMessage(message);
    else {
      const apply = vscode.l10n.t('Apply');
      const show = plan.warnings.length > 0 ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      if ((await show(message, apply)) === apply) await vscode.commands.executeCommand('iotBillingGroups.applyManifest', doc.uri);
    }
  }

  /** The plan the user is shown, kept with what it was made from, so Apply applies that one. */
  private keep(p: Prepared): void {
    this.shown.set(p.doc.uri.toString(), { session: p.session.id, text: p.text, fingerprint: stateFingerprint(p.state), plan: p.plan });
  }

  /** The diff: the account rendered as a manifest (groups prune deletes marked with their things) beside the file. */
  private async showDiff(p: Prepared): Promise<void> {
    const { doc, manifest, state, plan, session } = p;
    // .jsonc: the left side carries comments (how many things a deleted group leaves without a group).
    const left = vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${state.account ?? 'account'}/${state.region}/account.jsonc`, query: String(++this.planCounter) });
    this.planDocs.set(left.toString(), renderManifest(accountAsManifest(manifest, state), { comments: deleteComments(plan) }));
    const name = fileName(doc);
    const summary = summaryText(plan);
    await vscode.commands.executeCommand('vscode.diff', left, doc.uri, vscode.l10n.t('Account {0} ({1}) ↔ {2} — {3}', state.account ?? '?', state.region, name, summary), { preview: true });
    this.deps.log.info(`Plan of ${doc.uri.toString(true)} against ${state.account ?? '?'} ${state.region} (${session.label}): ${summary}\n${describePlan(plan).join('\n')}`);
  }

  // ---------------------------------------------------------------------------------------------
  // Apply
  // ---------------------------------------------------------------------------------------------

  async apply(arg?: unknown): Promise<void> {
    // Checked when Apply runs (not by an enablement clause, which would hide this sentence).
    if (!vscode.workspace.isTrusted) {
      const manage = vscode.l10n.t('Manage Workspace Trust');
      const picked = await vscode.window.showWarningMessage(
        vscode.l10n.t('Apply changes your AWS account, which Restricted Mode does not allow: trust this workspace to apply a manifest. Plan works without trust.'),
        manage,
      );
      if (picked === manage) await vscode.commands.executeCommand('workbench.trust.manage');
      return;
    }
    const prepared = await this.prepare(arg, vscode.l10n.t('Planning billing group changes'));
    if (!prepared) return;
    const { doc, state, connected, session } = prepared;
    const where = this.deps.connections.where(session);
    const key = doc.uri.toString();
    if (prepared.plan.errors.length > 0) {
      void vscode.window.showErrorMessage(`${vscode.l10n.t('Nothing was applied.')} ${prepared.plan.errors.map((e) => inert(e)).join(' ')}`);
      return;
    }
    // Apply applies the plan the user saw: when the account (or the manifest) is not what that plan was
    // made from, the new plan is shown instead, and nothing is applied.
    const seen = this.shown.get(key);
    if (seen && (seen.session !== session.id || seen.text !== prepared.text || seen.fingerprint !== stateFingerprint(state))) {
      this.keep(prepared);
      if (isEmptyPlan(prepared.plan)) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No changes: account {0} in {1}{3} already matches {2}.', state.account ?? '?', state.region, fileName(doc), where));
        return;
      }
      await this.showDiff(prepared);
      const why =
        seen.session !== session.id
          ? vscode.l10n.t('The plan you saw was for another connection.')
          : seen.text !== prepared.text
            ? vscode.l10n.t('The manifest changed since the plan you saw.')
            : vscode.l10n.t('The account changed since the plan you saw.');
      const apply = vscode.l10n.t('Apply');
      const picked = await vscode.window.showWarningMessage(
        `${why} ${vscode.l10n.t('Nothing was applied: the new plan is open — {0} Apply again to apply it.', summaryText(prepared.plan))}`,
        apply,
      );
      if (picked === apply) await vscode.commands.executeCommand('iotBillingGroups.applyManifest', doc.uri);
      return;
    }
    const plan = seen?.plan ?? prepared.plan;
    if (isEmptyPlan(plan)) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No changes: account {0} in {1}{3} already matches {2}.', state.account ?? '?', state.region, fileName(doc), where));
      return;
    }
    const s = summarize(plan);
    const detail = [
      summaryText(plan),
      confirmationLines(plan, (n) => inert(n)).join('\n'),
      ...plan.warnings.map((w) => `⚠ ${inert(w)}`),
      ...(doc.isDirty
        ? [
            doc.isUntitled
              ? vscode.l10n.t('This applies the text of the unsaved editor {0}.', fileName(doc))
              : vscode.l10n.t('This applies the unsaved text in the editor, not {0} as saved on disk.', fileName(doc)),
          ]
        : []),
    ].join('\n\n');
    const confirm = vscode.l10n.t('Apply');
    const message = vscode.l10n.t(
      'Apply {0} to account {1} in {2}{6}? {3} to create, {4} to update, {5} to delete.',
      fileName(doc),
      state.account ?? '?',
      state.region,
      s.create,
      s.update,
      s.delete,
      where,
    );
    if ((await vscode.window.showWarningMessage(message, { modal: true, detail }, confirm)) !== confirm) return;
    this.shown.delete(key);

    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Applying billing group changes'), cancellable: true },
      (progress, token): Promise<ApplyReport> => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let last = 0;
        return applyPlan(plan, loadAws().manifestWriter(connected.service), bulkPace(this.deps.log), {
          signal: abort.signal,
          onProgress: (done, total) => {
            progress.report({ message: `${done}/${total}`, increment: ((done - last) * 100) / total });
            last = done;
          },
          describeError: (e) => asProblem(e)?.message ?? (e instanceof Error ? e.message : String(e)),
        });
      },
    );
    // The applied connection's part of the tree only: the other connections' are unchanged.
    this.deps.provider.refreshConnection(session);
    const header = vscode.l10n.t('Apply of {0} to account {1} in {2}{4}, {3}', doc.uri.toString(true), state.account ?? '?', state.region, new Date().toISOString(), where);
    const reportDoc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: renderReport(report, header) });
    await vscode.window.showTextDocument(reportDoc, { preview: false, preserveFocus: false, viewColumn: vscode.ViewColumn.Beside });
    const bad = report.entries.filter((e) => e.outcome === 'failed' || e.outcome === 'changed').length;
    const done = report.entries.filter((e) => e.outcome === 'done' || e.outcome === 'unchanged').length;
    if (report.cancelled) void vscode.window.showWarningMessage(vscode.l10n.t('Apply cancelled after {0} of {1} steps{2}. Run Apply again to finish the job.', done, report.entries.length, where));
    else if (bad > 0) void vscode.window.showWarningMessage(vscode.l10n.t('Applied with problems{2}: {0} steps done, {1} stopped or failed. See the report.', done, bad, where));
    else void vscode.window.showInformationMessage(vscode.l10n.t('Applied: {0} steps done{1}.', done, where));
  }

  // ---------------------------------------------------------------------------------------------
  // Shared: which manifest, refusals, reading the account
  // ---------------------------------------------------------------------------------------------

  /** The manifest, parsed and checked, the account read, and the plan; undefined when refused or cancelled. */
  private async prepare(arg: unknown, title: string): Promise<Prepared | undefined> {
    const doc = await this.pickManifest(arg);
    if (!doc) return undefined;
    const text = doc.getText();
    const parsed = parseManifest(text);
    if (hasErrors(parsed)) {
      const n = parsed.problems.filter((p) => p.severity === 'error').length;
      const show = vscode.l10n.t('Show Problems');
      const picked = await vscode.window.showErrorMessage(
        n === 1
          ? vscode.l10n.t('{0} has an error: fix it first (it is underlined, and listed in the Problems view). Nothing was sent.', doc.uri.path.split('/').pop() ?? '')
          : vscode.l10n.t('{0} has {1} errors: fix them first (they are underlined, and listed in the Problems view). Nothing was sent.', doc.uri.path.split('/').pop() ?? '', n),
        show,
      );
      if (picked === show) await vscode.commands.executeCommand('workbench.actions.view.problems');
      return undefined;
    }
    const manifest = parsed.manifest;
    const session = await this.connectionFor(doc, manifest, title);
    if (!session) return undefined;
    const connected = await session.connect();
    const state = await this.read(session, connected, `${title}${this.deps.connections.where(session)}`, manifest, {});
    if (!state) return undefined;
    // The account the read found is checked again: it may have been unknown before the read.
    const again = matchConnection(manifest, this.deps.connections.all.map((s) => knownFacts(this.deps, this.known, s)));
    const fits = again.kind === 'one' ? again.id === session.id : again.kind === 'several' && again.ids.includes(session.id);
    const refusal = !fits && again.kind === 'none' ? again.message : connectionRefusal(manifest, { account: state.account, region: state.region });
    if (refusal) {
      void vscode.window.showErrorMessage(`${refusal} ${vscode.l10n.t('Nothing was changed.')}`);
      return undefined;
    }
    const plan = makePlan(manifest, state, { costTagKey: readCostSettings().tagKey });
    return { doc, text, manifest, state, plan, session, connected };
  }

  /**
   * The connection the manifest is for: the one its account and region fit, or the one asked for
   * when several fit; undefined when none fits (said in a sentence naming the connections) or when
   * cancelled. Regions are known without an AWS call (the first connection's may need the AWS files
   * read); accounts not known yet are found out first only where they decide (accountsToFindOut).
   */
  private async connectionFor(doc: vscode.TextDocument, manifest: ManifestTarget, title: string): Promise<Session | undefined> {
    const sessions = this.deps.connections.all;
    // With one connection, its problems (no profile, no region) are said as they always were.
    const facts = await Promise.all(sessions.map((s) => this.factsOf(s, sessions.length === 1)));
    const ask = accountsToFindOut(manifest, facts);
    if (ask.length > 0) {
      if (!(await this.findOutAccounts(sessions.filter((s) => ask.includes(s.id)), title))) return undefined;
      for (const f of facts) f.account ??= sessions.find((s) => s.id === f.id)?.account;
    }
    const m = matchConnection(manifest, facts);
    if (m.kind === 'none') {
      // No connection in the manifest's region: known without a call. Otherwise accounts may have been asked.
      void vscode.window.showErrorMessage(`${m.message} ${m.reason === 'region' ? vscode.l10n.t('Nothing was sent.') : vscode.l10n.t('Nothing was changed.')}`);
      return undefined;
    }
    if (m.kind === 'one') return sessions.find((s) => s.id === m.id);
    // Several fit: the connection of the plan the user saw of this manifest (Apply after Plan), else asked.
    const seen = this.shown.get(doc.uri.toString())?.session;
    if (seen && m.ids.includes(seen)) return sessions.find((s) => s.id === seen);
    const picked = await vscode.window.showQuickPick(
      m.ids.map((id) => {
        const f = facts.find((x) => x.id === id)!;
        return { label: inert(f.label), description: f.account ? vscode.l10n.t('account {0}', f.account) : undefined, id };
      }),
      { title: vscode.l10n.t('Which connection?'), placeHolder: vscode.l10n.t('{0} fits several connections: which one?', fileName(doc)) },
    );
    return picked ? sessions.find((s) => s.id === picked.id) : undefined;
  }

  /** A connection as known without an AWS call; the first connection's region may need the AWS files read (no call). */
  private async factsOf(session: Session, strict: boolean): Promise<ConnectionFacts> {
    const facts = knownFacts(this.deps, this.known, session);
    if (facts.region) return facts;
    try {
      const region = (await session.connect()).connection.region;
      return { ...facts, label: session.label, region };
    } catch (e) {
      if (strict) throw e;
      this.deps.log.warn(`Connection ${session.label}: its region is not known (${asProblem(e)?.message ?? String(e)}); a manifest naming a region does not fit it.`);
      return facts;
    }
  }

  /**
   * Finds out the accounts of these connections (a groups page, else STS), once per profile, role and
   * endpoint — the same credentials are the same account in every region of a partition. False when
   * cancelled. A connection whose account cannot be found out stays unknown (said in the log).
   */
  private async findOutAccounts(sessions: readonly Session[], title: string): Promise<boolean> {
    const byIdentity = new Map<string, Session[]>();
    for (const s of sessions) {
      const e = s.entry;
      const key = JSON.stringify([e.profile, e.roleArn ?? '', e.endpoint, partitionOf(e.region)]);
      byIdentity.set(key, [...(byIdentity.get(key) ?? []), s]);
    }
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      progress.report({ message: vscode.l10n.t('Finding out the accounts of {0} connections', sessions.length) });
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      await Promise.all(
        [...byIdentity.values()].map(async (group) => {
          const labels = group.map((s) => s.label).join(', ');
          try {
            const connected = await group[0].connect();
            const account = await loadAws().connectionAccount(connected.service, abort.signal);
            if (account) for (const s of group) s.learnAccount(account);
            else this.deps.log.warn(`The account of ${labels} could not be found out (no billing group ARN, and AWS STS did not answer).`);
          } catch (e) {
            if (abort.signal.aborted) return;
            this.deps.log.warn(`The account of ${labels} could not be found out: ${asProblem(e)?.message ?? String(e)}`);
          }
        }),
      );
      return !abort.signal.aborted;
    });
  }

  private async read(session: Session, connected: Connected, title: string, manifest: Manifest, options: { all?: boolean; exportThings?: boolean }): Promise<AccountState | undefined> {
    try {
      const state = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let last = 0;
        return readAccount(loadAws().manifestReader(connected.service), manifest, readPace(this.deps), {
          ...options,
          signal: abort.signal,
          onProgress: (p) => {
            const pct = p.total ? (p.done * 100) / p.total : 0;
            progress.report({ message: p.total ? `${p.stage} ${p.done}/${p.total}` : p.stage, increment: p.total ? pct - last : undefined });
            last = p.total ? pct : 0;
          },
        });
      });
      this.known.learn(session, { generation: connected.generation, profile: connected.connection.profile, account: state.account, region: state.region });
      this.learned();
      return state;
    } catch (e) {
      if (isCancellation(e) || (e as { name?: string })?.name === 'Cancelled') return undefined;
      throw e;
    }
  }

  /** The manifest of `arg` (a URI from the editor title or a CodeLens), the active editor's, or one picked. */
  private async pickManifest(arg: unknown): Promise<vscode.TextDocument | undefined> {
    if (arg instanceof vscode.Uri) return vscode.workspace.openTextDocument(arg);
    const active = vscode.window.activeTextEditor?.document;
    if (active && isManifestFileName(active.uri.path)) return active;
    const open = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'untitled' && isManifestFileName(d.uri.path)).map((d) => d.uri);
    const files = await vscode.workspace.findFiles(MANIFEST_GLOB, '**/node_modules/**', 500);
    const uris = [...open, ...files];
    if (uris.length === 0) {
      const exportIt = vscode.l10n.t('Export Billing Groups as Manifest');
      const picked = await vscode.window.showInformationMessage(
        vscode.l10n.t('No manifest to act on: open a billing-groups.json (or *.billing-groups.json), or export the account to one.'),
        exportIt,
      );
      if (picked === exportIt) await vscode.commands.executeCommand('iotBillingGroups.exportManifest');
      return undefined;
    }
    if (uris.length === 1) return vscode.workspace.openTextDocument(uris[0]);
    const picked = await vscode.window.showQuickPick(
      uris.map((u) => ({ label: vscode.workspace.asRelativePath(u), description: u.scheme === 'untitled' ? vscode.l10n.t('unsaved') : undefined, uri: u })),
      { placeHolder: vscode.l10n.t('Which manifest?') },
    );
    return picked ? vscode.workspace.openTextDocument(picked.uri) : undefined;
  }
}
