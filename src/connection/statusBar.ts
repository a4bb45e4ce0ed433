// Status-bar item "profile @ region"; clicking it opens the profile picker.
import vscode = require('vscode');
import { inert } from '../core/displayText';
import type { Session } from './session';
import { readSettings } from './session';

export class ConnectionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('iotBillingGroups.connection', vscode.StatusBarAlignment.Left, 10);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(private readonly session: Session) {
    this.item.name = vscode.l10n.t('AWS IoT Billing Groups: profile and region');
    this.item.command = 'iotBillingGroups.selectProfile';
    this.disposables.push(session.onDidChange(() => void this.update()));
  }

  /** Shown once the extension is used; resolving the connection loads the SDK, so never at activation. */
  async update(): Promise<void> {
    try {
      const { connection } = await this.session.connect();
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
