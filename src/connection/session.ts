// One connection the extension works with (issue 17: there may be several, side by side): its
// entry of the connection list → profile, region, endpoint, role → a service on a cached client.
// Every change of the entry, or of the AWS files, starts a new generation, so that a load begun for
// one account can never show its groups under another.
import vscode = require('vscode');
import type { AwsLayer, BillingGroupService, Connection } from '../aws';
import { connectionLabel, type ConnectionEntry } from '../core/connections';
import type { Log } from '../shared/log';

export interface Connected {
  connection: Connection;
  service: BillingGroupService;
  generation: number;
}

/** What a session needs of the registry that holds it (connections.ts). */
export interface SessionHost {
  /** The shared AWS layer (the SDK bundle loads on first use): one client cache, one credential provider per profile. */
  aws(): AwsLayer;
  readonly log: Log;
  /** Starts watching the AWS files (on the first connection attempt of any session). */
  watchAwsFiles(): void;
}

export class Session implements vscode.Disposable {
  private generationCounter = 0;
  private current: Promise<Connected> | undefined;
  private resolved: Connection | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly abort = new AbortController();
  /** The account id, once known (a group's ARN, or STS): the tree's description of the connection. */
  private knownAccount: string | undefined;
  /** Fires when the connection may differ: its entry, the settings or the AWS files changed. */
  readonly onDidChange = this.changed.event;

  constructor(
    private spec: ConnectionEntry,
    private readonly host: SessionHost,
  ) {}

  get id(): string {
    return this.spec.id;
  }

  get entry(): ConnectionEntry {
    return this.spec;
  }

  get primary(): boolean {
    return this.spec.primary;
  }

  /** "profile @ region" as resolved (the first connection's may come from AWS_PROFILE and the profile's region). */
  get label(): string {
    const r = this.resolved;
    return r ? connectionLabel({ profile: r.profile, region: r.region, roleArn: r.roleArn }) : connectionLabel(this.spec);
  }

  get account(): string | undefined {
    return this.knownAccount;
  }

  /** Aborted when the connection is removed: its loads stop. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get disposed(): boolean {
    return this.abort.signal.aborted;
  }

  /** The account became known (from an ARN, STS or Organizations); true when it is new. */
  learnAccount(account: string | undefined): boolean {
    if (!account || account === this.knownAccount) return false;
    this.knownAccount = account;
    return true;
  }

  get generation(): number {
    return this.generationCounter;
  }

  aws(): AwsLayer {
    return this.host.aws();
  }

  /** Resolves the connection for the current generation (cached until something changes). */
  connect(): Promise<Connected> {
    if (this.disposed) return Promise.reject(new vscode.CancellationError());
    if (!this.current) {
      const generation = this.generationCounter;
      this.host.watchAwsFiles();
      const { profile, region, endpoint, roleArn } = this.spec;
      this.current = (async () => {
        const aws = this.host.aws();
        const connection = await aws.resolveConnection({ profile, region, endpoint, roleArn });
        if (generation === this.generationCounter) this.resolved = connection;
        return { connection, service: aws.service(connection), generation };
      })();
      // A failed resolution is retried on the next call, not cached.
      this.current.catch(() => {
        if (this.generationCounter === generation) this.current = undefined;
      });
    }
    return this.current;
  }

  /** The entry changed (the first connection's settings): a new connection. */
  update(spec: ConnectionEntry, reason: string): void {
    this.spec = spec;
    this.reset(reason);
  }

  /** Forgets the connection; listeners reload. */
  reset(reason: string): void {
    this.generationCounter++;
    this.current = undefined;
    this.resolved = undefined;
    this.knownAccount = undefined;
    this.host.log.info(`Connection ${this.label} reset: ${reason}`);
    this.changed.fire();
  }

  dispose(): void {
    this.abort.abort();
    this.changed.dispose();
  }
}
