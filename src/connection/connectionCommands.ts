// Select AWS Profile / Select AWS Region / Show Log.
import vscode = require('vscode');
import { IOT_REGIONS } from '../core/regions';
import { inert } from '../core/displayText';
import { reportError } from '../shared/problems';
import { readSettings, SETTINGS_SECTION } from './session';
import type { Deps } from '../shared/deps';

interface ValueItem extends vscode.QuickPickItem {
  value: string;
}

export function registerConnectionCommands(deps: Deps): vscode.Disposable[] {
  const selectProfile = async () => {
    try {
      const profiles = await deps.session.aws().listProfiles();
      const current = readSettings().profile || process.env.AWS_PROFILE || 'default';
      const items: ValueItem[] = profiles.map((p) => ({
        label: inert(p),
        value: p,
        description: p === current ? vscode.l10n.t('current') : undefined,
        iconPath: new vscode.ThemeIcon(p === current ? 'check' : 'account'),
      }));
      if (items.length === 0) {
        const configure = vscode.l10n.t('Open Settings');
        const picked = await vscode.window.showWarningMessage(
          vscode.l10n.t('No AWS profiles were found in ~/.aws/config or ~/.aws/credentials. Run "aws configure" in a terminal, or set the profile name in settings.'),
          configure,
        );
        if (picked === configure) await vscode.commands.executeCommand('workbench.action.openSettings', `${SETTINGS_SECTION}.profile`);
        return;
      }
      const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Select AWS Profile'), placeHolder: vscode.l10n.t('Profiles of the shared AWS config and credentials files') });
      if (!picked) return;
      await vscode.workspace.getConfiguration(SETTINGS_SECTION).update('profile', picked.value, vscode.ConfigurationTarget.Global);
    } catch (e) {
      await reportError(deps.log, vscode.l10n.t('Listing AWS profiles failed'), e);
    }
  };

  const selectRegion = async () => {
    const setting = readSettings().region;
    let current = setting;
    try {
      if (!current) current = (await deps.session.connect()).connection.region;
    } catch {
      /* no region yet */
    }
    const items: ValueItem[] = [
      ...(setting ? [{ label: vscode.l10n.t("Use the profile's region"), value: '', iconPath: new vscode.ThemeIcon('discard') }] : []),
      ...IOT_REGIONS.map((r) => ({
        label: r.id,
        value: r.id,
        description: r.id === current ? `${r.name} — ${vscode.l10n.t('current')}` : r.name,
        iconPath: new vscode.ThemeIcon(r.id === current ? 'check' : 'globe'),
      })),
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Select AWS Region'),
      placeHolder: vscode.l10n.t('Regions where AWS IoT Core is offered'),
      matchOnDescription: true,
    });
    if (!picked) return;
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update('region', picked.value, vscode.ConfigurationTarget.Global);
  };

  return [
    vscode.commands.registerCommand('iotBillingGroups.selectProfile', selectProfile),
    vscode.commands.registerCommand('iotBillingGroups.selectRegion', selectRegion),
    vscode.commands.registerCommand('iotBillingGroups.showLog', () => deps.log.show()),
    vscode.commands.registerCommand('iotBillingGroups.internal.copyText', async (text: unknown) => {
      if (typeof text !== 'string') return;
      await vscode.env.clipboard.writeText(text);
      void vscode.window.showInformationMessage(vscode.l10n.t('Copied: {0}', inert(text)));
    }),
  ];
}
