// Select AWS Profile / Select AWS Region (the first connection's settings), Add Connection…,
// Remove Connection, Add Accounts from AWS Organizations… (the `iotBillingGroups.connections`
// setting), Show Log.
import vscode = require('vscode');
import { addConnections, connectionLabel, organizationRoleArn, removeConnection, settingEntry, type ConnectionSpec } from '../core/connections';
import { inert } from '../core/displayText';
import { isAwsEndpoint } from '../core/endpoints';
import { IOT_REGIONS } from '../core/regions';
import type { Deps } from '../shared/deps';
import type { CommandHandlers } from '../shared/lazyCommands';
import { guardWith, reportError } from '../shared/problems';
import { sessionOf } from '../tree/nodes';
import { CONNECTIONS_SETTING, readConnectionsSetting, readSettings, SETTINGS_SECTION } from './connections';

interface ValueItem extends vscode.QuickPickItem {
  value: string;
}

const ROLE_NAME_SETTING = 'organizations.roleName';
const DEFAULT_ROLE_NAME = 'OrganizationAccountAccessRole';

/** The handlers by command id (dist/connection.js; the entry registers the ids, connection/index.ts). */
export function connectionCommandHandlers(deps: Deps): CommandHandlers {
  const { connections, log } = deps;
  const guard = guardWith(log);
  const config = () => vscode.workspace.getConfiguration(SETTINGS_SECTION);

  /** The profiles of the shared files as quick pick items; undefined (and a warning) when there are none. */
  const profileItems = async (current: string): Promise<ValueItem[] | undefined> => {
    const profiles = await connections.aws().listProfiles();
    if (profiles.length === 0) {
      const configure = vscode.l10n.t('Open Settings');
      const picked = await vscode.window.showWarningMessage(
        vscode.l10n.t('No AWS profiles were found in ~/.aws/config or ~/.aws/credentials. Run "aws configure" in a terminal, or set the profile name in settings.'),
        configure,
      );
      if (picked === configure) await vscode.commands.executeCommand('workbench.action.openSettings', `${SETTINGS_SECTION}.profile`);
      return undefined;
    }
    return profiles.map((p) => ({
      label: inert(p),
      value: p,
      description: p === current ? vscode.l10n.t('current') : undefined,
      iconPath: new vscode.ThemeIcon(p === current ? 'check' : 'account'),
    }));
  };

  /** Several regions at once; those already connected for the profile are marked. */
  const pickRegions = async (title: string, connected: ReadonlySet<string>, preselect: string | undefined): Promise<string[] | undefined> => {
    const items: ValueItem[] = IOT_REGIONS.map((r) => ({
      label: r.id,
      value: r.id,
      description: connected.has(r.id) ? `${r.name} — ${vscode.l10n.t('connected')}` : r.name,
      picked: r.id === preselect && !connected.has(r.id),
    }));
    const picked = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Regions where AWS IoT Core is offered (pick one or several)'), canPickMany: true, matchOnDescription: true });
    return picked?.map((p) => p.value);
  };

  /** The first connection's endpoint, when it is an emulator's: new connections go there too (an AWS endpoint is the region's own). */
  const emulatorEndpoint = (): string => {
    const e = readSettings().endpoint.trim();
    return e && !isAwsEndpoint(e) ? e : '';
  };

  /** Writes the connections setting and says what was added. */
  const add = async (specs: ConnectionSpec[]): Promise<void> => {
    const existing = connections.all.map((s) => s.entry);
    // The first connection as resolved (AWS_PROFILE, the profile's region) counts as existing too.
    const resolved = await Promise.all(connections.all.filter((s) => s.primary).map((s) => s.connect().then((c) => ({ profile: c.connection.profile, region: c.connection.region, endpoint: c.connection.endpoint ?? '' }), () => undefined)));
    const { value, added } = addConnections(readConnectionsSetting().specs, [...existing, ...resolved.filter((r): r is ConnectionSpec => r !== undefined)], specs);
    if (added.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Already connected: nothing was added.'));
      return;
    }
    await config().update(CONNECTIONS_SETTING, value.map(settingEntry), vscode.ConfigurationTarget.Global);
    log.info(`Connections added: ${added.map((s) => connectionLabel(s)).join(', ')}`);
    void vscode.window.showInformationMessage(
      added.length === 1 ? vscode.l10n.t('Added connection {0}.', inert(connectionLabel(added[0]))) : vscode.l10n.t('Added {0} connections: {1}.', added.length, added.map((s) => inert(connectionLabel(s))).join(', ')),
    );
  };

  const selectProfile = async () => {
    try {
      const current = readSettings().profile || process.env.AWS_PROFILE || 'default';
      const items = await profileItems(current);
      if (!items) return;
      const picked = await vscode.window.showQuickPick(items, {
        title: vscode.l10n.t('Select AWS Profile'),
        placeHolder: connections.multiple ? vscode.l10n.t('The profile of the first connection (Add Connection… adds others)') : vscode.l10n.t('Profiles of the shared AWS config and credentials files'),
      });
      if (!picked) return;
      await config().update('profile', picked.value, vscode.ConfigurationTarget.Global);
    } catch (e) {
      await reportError(log, vscode.l10n.t('Listing AWS profiles failed'), e);
    }
  };

  const selectRegion = async () => {
    const setting = readSettings().region;
    let current = setting;
    try {
      if (!current) current = (await connections.primary.connect()).connection.region;
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
      placeHolder: connections.multiple ? vscode.l10n.t('The region of the first connection (Add Connection… adds others)') : vscode.l10n.t('Regions where AWS IoT Core is offered'),
      matchOnDescription: true,
    });
    if (!picked) return;
    await config().update('region', picked.value, vscode.ConfigurationTarget.Global);
  };

  const addConnection = async () => {
    const first = connections.primary.entry.profile || process.env.AWS_PROFILE || 'default';
    const items = await profileItems(first);
    if (!items) return;
    const profile = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Add Connection (1/2): AWS profile'), placeHolder: vscode.l10n.t('Profiles of the shared AWS config and credentials files') });
    if (!profile) return;
    // The first connection as resolved: its settings may be empty (AWS_PROFILE, the profile's region).
    const resolved = await Promise.all(
      connections.all.map((s) => s.connect().then((c) => ({ profile: c.connection.profile, region: c.connection.region, roleArn: c.connection.roleArn }), () => s.entry)),
    );
    const connected = new Set(resolved.filter((r) => r.profile === profile.value && !r.roleArn).map((r) => r.region));
    const profileRegion = await connections.aws().profileRegion(profile.value);
    const regions = await pickRegions(vscode.l10n.t('Add Connection (2/2): regions of {0}', inert(profile.value)), connected, profileRegion);
    if (!regions || regions.length === 0) return;
    const endpoint = emulatorEndpoint();
    await add(regions.map((region) => ({ profile: profile.value, region, endpoint })));
  };

  const removeConnectionCommand = async (arg?: unknown) => {
    const session = sessionOf(arg) ?? (await connections.pick(vscode.l10n.t('Connection to remove')));
    if (!session) return;
    const setting = readConnectionsSetting().specs;
    const r = removeConnection(setting, session.entry);
    if (r.kind === 'refuse') {
      const select = vscode.l10n.t('Select AWS Profile');
      if ((await vscode.window.showWarningMessage(r.reason, select)) === select) await vscode.commands.executeCommand('iotBillingGroups.selectProfile');
      return;
    }
    const label = session.label;
    if (r.kind === 'promote') {
      // The first connection goes: the next plain connection becomes the profile/region/endpoint
      // settings (first, so that it is never shown twice nor missing), then leaves the list.
      await config().update('profile', r.primary.profile, vscode.ConfigurationTarget.Global);
      await config().update('region', r.primary.region, vscode.ConfigurationTarget.Global);
      await config().update('endpoint', r.primary.endpoint || undefined, vscode.ConfigurationTarget.Global);
      await config().update(CONNECTIONS_SETTING, r.value.map(settingEntry), vscode.ConfigurationTarget.Global);
    } else await config().update(CONNECTIONS_SETTING, r.value.map(settingEntry), vscode.ConfigurationTarget.Global);
    log.info(`Connection ${label} removed`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Removed connection {0}.', inert(label)));
  };

  const addOrganizationAccounts = async () => {
    const first = connections.primary.entry.profile || process.env.AWS_PROFILE || 'default';
    const items = await profileItems(first);
    if (!items) return;
    const profile = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Add Accounts from AWS Organizations (1/3): the management account\'s profile'),
      placeHolder: vscode.l10n.t('A profile of the organization\'s management account (or of a delegated administrator)'),
    });
    if (!profile) return;
    const aws = connections.aws();
    const regionOfProfile = (await aws.profileRegion(profile.value)) ?? (await connections.primary.connect().then((c) => c.connection.region, () => 'us-east-1'));
    const conn = await aws.resolveConnection({ profile: profile.value, region: regionOfProfile, endpoint: emulatorEndpoint() });
    const accounts = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Listing the accounts of the organization'), cancellable: true }, (_p, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return aws.organizations(conn).listAccounts(abort.signal);
    });
    const own = await aws.service(conn).callerAccount().catch(() => undefined);
    const roleName = (config().get<string>(ROLE_NAME_SETTING, DEFAULT_ROLE_NAME) || DEFAULT_ROLE_NAME).trim();
    const active = accounts.filter((a) => a.state === 'ACTIVE');
    const picked = await vscode.window.showQuickPick(
      active.map((a) => ({
        label: inert(a.name),
        description: a.id,
        detail: a.id === own ? vscode.l10n.t('This profile\'s own account: connected with the profile itself') : vscode.l10n.t('Through the role {0}', inert(roleName)),
        account: a.id,
      })),
      {
        title: vscode.l10n.t('Add Accounts from AWS Organizations (2/3): accounts'),
        placeHolder:
          accounts.length > active.length
            ? vscode.l10n.t('{0} accounts ({1} not active, not listed); pick one or several', accounts.length, accounts.length - active.length)
            : vscode.l10n.t('{0} accounts; pick one or several', accounts.length),
        canPickMany: true,
        matchOnDescription: true,
      },
    );
    if (!picked || picked.length === 0) return;
    // The first connection's region is offered first: the accounts of a fleet are usually connected where it is.
    const firstRegion = await connections.primary.connect().then((c) => c.connection.region, () => conn.region);
    const regions = await pickRegions(vscode.l10n.t('Add Accounts from AWS Organizations (3/3): regions'), new Set(), firstRegion);
    if (!regions || regions.length === 0) return;
    const endpoint = emulatorEndpoint();
    await add(
      picked.flatMap((a) =>
        regions.map((region): ConnectionSpec => ({ profile: profile.value, region, endpoint, ...(a.account === own ? {} : { roleArn: organizationRoleArn(a.account, roleName, region) }) })),
      ),
    );
  };

  return {
    'iotBillingGroups.selectProfile': selectProfile,
    'iotBillingGroups.selectRegion': selectRegion,
    'iotBillingGroups.addConnection': guard(vscode.l10n.t('Adding a connection failed'), addConnection),
    'iotBillingGroups.removeConnection': guard(vscode.l10n.t('Removing the connection failed'), removeConnectionCommand),
    'iotBillingGroups.addOrganizationAccounts': guard(vscode.l10n.t('Adding accounts from AWS Organizations failed'), addOrganizationAccounts),
  };
}
