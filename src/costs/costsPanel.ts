// The "Billing Group Costs" panel: a stacked bar chart by month and the same figures as a table.
// Figures are sent formatted; the webview places them with textContent only. Every message from
// the webview is checked (parseCostsMessage) before anything runs.
import vscode = require('vscode');
import { hasTaggedUsage, buildConnectionsCostTable } from '../core/costs';
import { panelModel, parseCostsMessage, type CostsHostMessage, type CostsMessage } from '../core/costsProtocol';
import { inert } from '../core/displayText';
import type { Deps } from '../shared/deps';
import { actionCommand, asProblem, isCancellation } from '../shared/problems';
import type { CostsModel, LoadedCosts } from './costsModel';
import { webviewHtml } from '../shared/webviewHtml';

export const COSTS_VIEW_TYPE = 'iotBillingGroups.costs';

/** "as of …" for people: the time of the query, and whether it came from the cache. */
export function asOfText(loaded: LoadedCosts): string {
  const when = new Date(loaded.data.fetchedAt).toLocaleString();
  return loaded.fromCache ? vscode.l10n.t('as of {0} (cached)', when) : vscode.l10n.t('as of {0}', when);
}

export class CostsPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private focus = '';
  private focusConnection = '';
  private action: { title: string; command: string; arguments?: unknown[] } | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private panelDisposables: vscode.Disposable[] = [];

  constructor(
    private readonly deps: Deps,
    private readonly model: CostsModel,
  ) {
    this.disposables.push(
      model.onDidChange((loaded) => this.show(loaded)),
      // Another profile, region or endpoint, a connection reset, added or removed: the figures of the
      // connections as they are now (cached or queried; concurrent loads are shared by the model).
      deps.connections.onDidChangeSession(() => void this.load(false)),
      deps.connections.onDidChangeList(() => void this.load(false)),
      // Another key, metric, months or services: those figures (concurrent loads are shared by the model).
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('iotBillingGroups.costs') && void this.load(false)),
    );
  }

  /** A panel open at reload comes back (the serializer is registered at activation, in index.ts); its figures come from the cache when fresh. */
  restore(panel: vscode.WebviewPanel): void {
    if (this.panel) {
      panel.dispose();
      return;
    }
    this.adopt(panel);
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** Opens (or reveals) the panel; with a group (of a connection), the table scrolls to it. force: a new query. */
  open(focus?: string, force = false, focusConnection?: string): void {
    this.focus = focus ?? '';
    this.focusConnection = focusConnection ?? '';
    if (this.panel) {
      this.panel.reveal();
      void this.load(force);
      return;
    }
    const panel = vscode.window.createWebviewPanel(COSTS_VIEW_TYPE, vscode.l10n.t('Billing Group Costs'), vscode.ViewColumn.Active, this.options());
    this.adopt(panel, force);
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    const root = this.deps.context.extensionUri;
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(root, 'dist', 'webview'), vscode.Uri.joinPath(root, 'media', 'costs')] };
  }

  private adopt(panel: vscode.WebviewPanel, force = false): void {
    this.panel = panel;
    panel.title = vscode.l10n.t('Billing Group Costs');
    panel.iconPath = vscode.Uri.joinPath(this.deps.context.extensionUri, 'media', 'icon.png');
    panel.webview.options = this.options();
    let forceOnReady = force;
    this.panelDisposables = [
      panel.webview.onDidReceiveMessage((m: unknown) => {
        const parsed = parseCostsMessage(m);
        if (!parsed.ok) {
          this.deps.log.warn(`Costs panel: message ignored (${parsed.reason})`);
          return;
        }
        if (parsed.msg.type === 'ready') {
          void this.load(forceOnReady);
          forceOnReady = false;
          return;
        }
        void this.onMessage(parsed.msg);
      }),
      panel.onDidDispose(() => {
        for (const d of this.panelDisposables.splice(0)) d.dispose();
        if (this.panel === panel) this.panel = undefined;
      }),
    ];
    panel.webview.html = this.html(panel.webview);
  }

  private async onMessage(msg: CostsMessage): Promise<void> {
    switch (msg.type) {
      case 'refresh':
        return this.load(true);
      case 'export':
        await vscode.commands.executeCommand('iotBillingGroups.exportCosts');
        return;
      case 'setUp':
        await vscode.commands.executeCommand('iotBillingGroups.setUpCostAllocation');
        return;
      case 'action':
        if (this.action) await vscode.commands.executeCommand(this.action.command, ...(this.action.arguments ?? []));
        return;
    }
  }

  private post(msg: CostsHostMessage): void {
    void this.panel?.webview.postMessage(msg).then(undefined, () => undefined);
  }

  /** Loads (cache or query) and shows; a problem is shown in the panel and the log. */
  async load(force: boolean): Promise<void> {
    if (!this.panel) return;
    this.post({ type: 'loading' });
    try {
      await this.model.load({ force }); // shown through onDidChange
    } catch (e) {
      if (isCancellation(e)) return;
      const problem = asProblem(e);
      const message = problem?.message ?? String(e instanceof Error ? e.message : e);
      this.deps.log.error(`Costs: ${problem?.code ?? 'unexpected'}`, message);
      const fix = problem?.code === 'CostsChanged' || problem?.action?.kind === 'retry' ? { title: vscode.l10n.t('Refresh Costs'), command: 'iotBillingGroups.refreshCosts' } : actionCommand(problem?.action);
      this.action = fix;
      this.post({ type: 'problem', message: inert(message, 2000), ...(fix ? { actionTitle: fix.title } : {}) });
    }
  }

  private show(loaded: LoadedCosts): void {
    if (!this.panel) return;
    const table = buildConnectionsCostTable(loaded.data, loaded.connections);
    const notices: string[] = [];
    const tagged = hasTaggedUsage(loaded.data);
    if (!tagged)
      notices.push(
        vscode.l10n.t(
          'No usage carries the tag key "{0}" yet: the key is not active as a cost-allocation tag, or was activated less than 24 hours ago (figures appear up to 24 hours after activation, for usage from then on).',
          loaded.data.tagKey,
        ),
      );
    if (table.rows.some((r) => r.kind === 'shared')) notices.push(vscode.l10n.t('Some tag values are shared by several billing groups: their cost is shown together, on one row.'));
    if (loaded.problem) notices.push(vscode.l10n.t('Showing the cached figures: {0}', loaded.problem.message));
    for (const l of loaded.leftOut) notices.push(vscode.l10n.t('The costs of {0} are not shown: {1}', l.label, l.message));
    this.post({
      type: 'costs',
      model: panelModel(table, {
        metric: loaded.data.metric,
        asOf: asOfText(loaded),
        notice: inert(notices.join(' '), 4000),
        offerSetUp: !tagged,
        focus: this.focus,
        focusConnection: this.focusConnection,
        includesCreditsAndRefunds: loaded.data.includesCreditsAndRefunds,
      }),
    });
  }

  private html(webview: vscode.Webview): string {
    return webviewHtml(webview, this.deps.context.extensionUri, { script: ['dist', 'webview', 'costs.js'], style: ['media', 'costs', 'costs.css'], title: vscode.l10n.t('Billing Group Costs') });
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
