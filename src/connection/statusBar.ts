// Status-bar item: "profile @ region" with one connection (clicking it opens the profile picker),
// "N connections" with several (clicking it shows the view).
import vscode = require('vscode');
import { inert } from '../core/displayText';
import type { Connections } from './connections';
import { readSettings } from './connections';

export class ConnectionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('iotBillingGroups.connection', vscode.StatusBarAlignment.Left, 10);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private shown = false;

  constructor(private readonly connections: Connections) {
    this.item.name = vscode.l10n.t('AWS IoT Billing Groups: connections');
    this.disposables.push(
      connections.onDidChangeList(() => this.shown && void this.update()),
      connections.onDidChangeSession(() => this.shown && void this.update()),
    );
  }

  /** Shown once the extension is used; resolving a connection loads the SDK, so never at activation. */
  async update(): Promise<void> {
    this.shown = true;
    const all = this.connections.all;
    if (all.length > 1) {
      this.item.text = `$(cloud) ${vscode.l10n.t('{0} connections', all.length)}`;
      this.item.tooltip = `${vscode.l10n.t('AWS IoT Billing Groups: {0} connections', all.length)}\n${all.map((s) => `• ${inert(s.label)}${s.account ? ` (${s.account})` : ''}`).join('\n')}`;
      this.item.command = 'workbench.view.extension.iotBillingGroups';
      this.item.show();
      return;
    }
    this.item.command = 'iotBillingGroups.selectProfile';
    try {
      const { connection } = await this.connections.primary.connect();
      if (this.connections.multiple) return; // a connection was added meanwhile: that update wins
      this.item.text = `$(cloud) ${inert(connection.profile)} @ ${connection.region}`;
      this.item.tooltip = connection.endpoint
        ? vscode.l10n.t('AWS profile {0}, region {1}, endpoint {2}. Click to select another profile.', inert(connection.profile), connection.region, connection.endpoint)
        : vscode.l10n.t('AWS profile {0}, region {1}. Click to select another profile.', inert(connection.profile), connection.region);
    } catch {
      const s = readSettings();
      this.item.text = `$(cloud) ${inert(s.profile || process.env.AWS_PROFILE || 'default')} @ ${s.region || '?'}`;
      this.item.tooltip = vscode.l10n.t('Not connected. Click to select an AWS profile.');
    }
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
