// The connection the extension works with: settings → profile, region, endpoint → a service.
// Every change (settings, the AWS files) starts a new generation, so that a load begun for one
// account can never show its groups under another.
import * as fs from 'node:fs';
import vscode = require('vscode');
import type { AwsLayer, BillingGroupService, Connection, ConnectionSettings } from '../aws';
import { loadAws } from '../shared/awsLoader';
import { awsFilePaths } from '../core/awsFilePaths';
import type { Log } from '../shared/log';

export const SETTINGS_SECTION = 'iotBillingGroups';
const CONNECTION_SETTINGS = ['profile', 'region', 'endpoint'] as const;

export function readSettings(): ConnectionSettings {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return {
    profile: c.get<string>('profile', '') ?? '',
    region: c.get<string>('region', '') ?? '',
    endpoint: c.get<string>('endpoint', '') ?? '',
  };
}

export interface Connected {
  connection: Connection;
  service: BillingGroupService;
  generation: number;
}

export class Session implements vscode.Disposable {
  private layer: AwsLayer | undefined;
  private generationCounter = 0;
  private current: Promise<Connected> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private watching = false;
  private fileTimer: NodeJS.Timeout | undefined;
  /** Fires when the connection may differ: settings or AWS files changed. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: Log) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        // Only the connection's own settings start a new connection (costs.* and others do not reload the tree).
        if (CONNECTION_SETTINGS.some((k) => e.affectsConfiguration(`${SETTINGS_SECTION}.${k}`))) this.reset('settings changed');
      }),
    );
  }

  get generation(): number {
    return this.generationCounter;
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

  /** Resolves the connection for the current generation (cached until something changes). */
  connect(): Promise<Connected> {
    if (!this.current) {
      const generation = this.generationCounter;
      this.watchAwsFiles();
      this.current = (async () => {
        const aws = this.aws();
        const connection = await aws.resolveConnection(readSettings());
        return { connection, service: aws.service(connection), generation };
      })();
      // A failed resolution is retried on the next call, not cached.
      this.current.catch(() => {
        if (this.generationCounter === generation) this.current = undefined;
      });
    }
    return this.current;
  }

  /** Forgets the connection and cached clients; listeners reload. */
  reset(reason: string): void {
    this.generationCounter++;
    this.current = undefined;
    this.layer?.invalidate();
    this.log.info(`Connection reset: ${reason}`);
    this.changed.fire();
  }

  /** Polls the shared AWS files: editing them shows the new account's groups without a reload. */
  private watchAwsFiles(): void {
    if (this.watching) return;
    this.watching = true;
    const paths = awsFilePaths();
    const onChange = (curr: fs.Stats, prev: fs.Stats) => {
      if (curr.mtimeMs === prev.mtimeMs && curr.size === prev.size) return;
      clearTimeout(this.fileTimer);
      this.fileTimer = setTimeout(() => this.reset('AWS config or credentials file changed'), 300);
    };
    for (const file of [paths.config, paths.credentials]) {
      fs.watchFile(file, { interval: 1000, persistent: false }, onChange);
      this.disposables.push({ dispose: () => fs.unwatchFile(file, onChange) });
    }
  }

  dispose(): void {
    clearTimeout(this.fileTimer);
    this.layer?.dispose();
    for (const d of this.disposables) d.dispose();
  }
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
