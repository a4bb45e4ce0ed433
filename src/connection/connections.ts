// The connections of the view (issue 17): the first from the profile/region/endpoint settings, the
// others from `iotBillingGroups.connections`. One Session each, one AWS layer for all (one client
// cache, one credential provider per profile: one MFA prompt or SSO session whatever the regions).
// A settings change keeps the sessions whose entry is unchanged (their loaded groups stay), adds the
// new ones and disposes the removed ones (their loads are cancelled); the AWS files changing resets
// every session, so that credentials are read again.
import * as fs from 'node:fs';
import vscode = require('vscode');
import type { AwsLayer } from '../aws';
import { awsFilePaths } from '../core/awsFilePaths';
import { connectionList, parseConnectionsSetting, type ConnectionEntry, type ConnectionSpec } from '../core/connections';
import { inert } from '../core/displayText';
import { loadAws } from '../shared/awsLoader';
import type { Log } from '../shared/log';
import { Session, type SessionHost } from './session';

export const SETTINGS_SECTION = 'iotBillingGroups';
const PRIMARY_SETTINGS = ['profile', 'region', 'endpoint'] as const;
export const CONNECTIONS_SETTING = 'connections';

/** The first connection's settings. */
export function readSettings(): ConnectionSpec {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return {
    profile: c.get<string>('profile', '') ?? '',
    region: c.get<string>('region', '') ?? '',
    endpoint: c.get<string>('endpoint', '') ?? '',
  };
}

/** The `iotBillingGroups.connections` setting as written (entries checked; bad ones left out with a sentence each). */
export function readConnectionsSetting(): { specs: ConnectionSpec[]; problems: string[] } {
  return parseConnectionsSetting(vscode.workspace.getConfiguration(SETTINGS_SECTION).get<unknown>(CONNECTIONS_SETTING));
}

export class Connections implements vscode.Disposable, SessionHost {
  private layer: AwsLayer | undefined;
  private sessions: Session[] = [];
  private readonly listChanged = new vscode.EventEmitter<void>();
  private readonly sessionChanged = new vscode.EventEmitter<Session>();
  private readonly disposables: vscode.Disposable[] = [this.listChanged, this.sessionChanged];
  private watching = false;
  private fileTimer: NodeJS.Timeout | undefined;
  private reportedProblems = '';
  /** Connections were added or removed (the tree's roots change). */
  readonly onDidChangeList = this.listChanged.event;
  /** One connection was reset (its part of the tree reloads). */
  readonly onDidChangeSession = this.sessionChanged.event;

  constructor(readonly log: Log) {
    this.sync('start');
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        // Only the connections' own settings start new connections (costs.* and others do not reload the tree).
        const primary = PRIMARY_SETTINGS.some((k) => e.affectsConfiguration(`${SETTINGS_SECTION}.${k}`));
        const list = e.affectsConfiguration(`${SETTINGS_SECTION}.${CONNECTIONS_SETTING}`);
        if (primary || list) this.sync('settings changed', primary);
      }),
    );
  }

  /** Every connection, the first one first. */
  get all(): readonly Session[] {
    return this.sessions;
  }

  get primary(): Session {
    return this.sessions[0];
  }

  /** More than one: the tree shows a root item per connection. */
  get multiple(): boolean {
    return this.sessions.length > 1;
  }

  get(id: string | undefined): Session | undefined {
    return id === undefined ? undefined : this.sessions.find((s) => s.id === id);
  }

  /** The AWS layer (loads the SDK bundle on first use). */
  aws(): AwsLayer {
    if (!this.layer) {
      const { createAwsLayer } = loadAws();
      this.layer = createAwsLayer({
        log: (entry) => this.log.call(entry),
        client: { mfaCodeProvider: (serial) => askMfaCode(serial) },
      });
    }
    return this.layer;
  }

  /** " (dev @ eu-west-1)" after a notification's sentence when several connections are shown; "" with one. */
  where(session: Session): string {
    return this.multiple ? ` (${inert(session.label)})` : '';
  }

  /** The connection a command from the palette acts on: asked for when there are several. */
  async pick(placeHolder: string): Promise<Session | undefined> {
    if (!this.multiple) return this.primary;
    const picked = await vscode.window.showQuickPick(
      this.sessions.map((s) => ({ label: inert(s.label), description: s.account, session: s })),
      { placeHolder, title: vscode.l10n.t('Which connection?') },
    );
    return picked?.session;
  }

  /** Every connection is reset (Refresh after a problem: re-read the AWS files, new clients). */
  resetAll(reason: string): void {
    this.layer?.invalidate();
    for (const s of this.sessions) {
      s.reset(reason);
      this.sessionChanged.fire(s);
    }
  }

  /** Forgets cached clients and credentials (after a problem: the AWS files are read again on the next call). */
  invalidateCredentials(): void {
    this.layer?.invalidate();
  }

  /** One connection starts over (its error item's Retry). */
  reset(session: Session, reason: string): void {
    session.reset(reason);
    this.sessionChanged.fire(session);
  }

  private sync(reason: string, primaryChanged = false): void {
    const parsed = readConnectionsSetting();
    const problems = parsed.problems.join(' ');
    if (problems && problems !== this.reportedProblems) for (const p of parsed.problems) this.log.warn(p);
    this.reportedProblems = problems;
    const wanted = connectionList(readSettings(), parsed.specs);
    const before = this.sessions;
    const byId = new Map(before.map((s) => [s.id, s]));
    const next: Session[] = [];
    for (const entry of wanted) {
      const kept = byId.get(entry.id);
      if (kept) {
        byId.delete(entry.id);
        if (entry.primary && (primaryChanged || !sameEntry(kept.entry, entry))) {
          kept.update(entry, reason);
          this.sessionChanged.fire(kept);
        }
        next.push(kept);
      } else next.push(new Session(entry, this));
    }
    for (const gone of byId.values()) {
      this.log.info(`Connection ${gone.label} removed`);
      gone.dispose(); // cancels its loads
    }
    this.sessions = next;
    const sameList = before.length === next.length && before.every((s, i) => s === next[i]);
    if (!sameList) this.listChanged.fire();
  }

  /** Polls the shared AWS files: editing them shows the new account's groups without a reload. */
  watchAwsFiles(): void {
    if (this.watching) return;
    this.watching = true;
    const paths = awsFilePaths();
    const onChange = (curr: fs.Stats, prev: fs.Stats) => {
      if (curr.mtimeMs === prev.mtimeMs && curr.size === prev.size) return;
      clearTimeout(this.fileTimer);
      this.fileTimer = setTimeout(() => this.resetAll('AWS config or credentials file changed'), 300);
    };
    for (const file of [paths.config, paths.credentials]) {
      fs.watchFile(file, { interval: 1000, persistent: false }, onChange);
      this.disposables.push({ dispose: () => fs.unwatchFile(file, onChange) });
    }
  }

  dispose(): void {
    clearTimeout(this.fileTimer);
    for (const s of this.sessions) s.dispose();
    this.layer?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function sameEntry(a: ConnectionEntry, b: ConnectionEntry): boolean {
  return a.profile === b.profile && a.region === b.region && a.endpoint === b.endpoint && a.roleArn === b.roleArn;
}

async function askMfaCode(serial: string): Promise<string> {
  const code = await vscode.window.showInputBox({
    title: vscode.l10n.t('AWS MFA code'),
    prompt: vscode.l10n.t('Enter the MFA code for {0}', serial),
    ignoreFocusOut: true,
    validateInput: (v) => (/^\d{6}$/.test(v.trim()) ? undefined : vscode.l10n.t('An MFA code is 6 digits.')),
  });
  if (!code) throw new Error('MFA code entry was cancelled');
  return code.trim();
}
