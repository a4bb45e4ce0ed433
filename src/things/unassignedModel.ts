// The count of things without a billing group: started on demand (the tree item expanded, a bulk
// source that needs it), progressive, cancellable, cached until Refresh or a change of account, and
// updated in place when the extension itself changes memberships.
import vscode = require('vscode');
import type { CountProgress, ThingService, UnassignedCount } from '../aws';
import { isStale } from '../core/assignmentPlan';
import { loadAws } from '../shared/awsLoader';
import type { Session } from '../connection/session';
import type { Log } from '../shared/log';
import { asProblem, isCancellation, type ProblemLike } from '../shared/problems';

export type CountState =
  | { kind: 'idle' }
  | { kind: 'counting'; progress?: CountProgress }
  | { kind: 'done'; result: UnassignedCount }
  | { kind: 'failed'; problem: ProblemLike };

/** ThingService on a connection's client (the SDK bundle is loaded lazily). */
export async function thingService(session: Session, log: Log): Promise<ThingService> {
  const { service } = await session.connect();
  return new (loadAws().ThingService)(service, { note: (m) => log.info(m) });
}

/** How old a count may be before a bulk assignment counts again (setting iotBillingGroups.things.recountAfterMinutes). */
export const RECOUNT_AFTER_MINUTES_DEFAULT = 5;

export function recountAfterMinutes(): number {
  const v = vscode.workspace.getConfiguration('iotBillingGroups').get<number>('things.recountAfterMinutes', RECOUNT_AFTER_MINUTES_DEFAULT);
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : RECOUNT_AFTER_MINUTES_DEFAULT;
}

export class UnassignedModel implements vscode.Disposable {
  private state: CountState = { kind: 'idle' };
  private run?: { abort: AbortController; promise: Promise<UnassignedCount> };
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when the state changes, and at most every 250 ms while the count grows. */
  readonly onDidChange = this.emitter.event;
  private lastProgressFire = 0;
  private readonly sub: vscode.Disposable;

  /** The count of one connection's things. */
  constructor(
    readonly session: Session,
    private readonly log: Log,
  ) {
    // Another account or region: what was counted is not about it.
    this.sub = session.onDidChange(() => this.invalidate());
  }

  get current(): CountState {
    return this.state;
  }

  /** The count, reusing a finished or running one; starts it otherwise (over `groups` when the caller has the full list). */
  ensure(groups?: readonly string[]): Promise<UnassignedCount> {
    if (this.state.kind === 'done') return Promise.resolve(this.state.result);
    if (this.run) return this.run.promise;
    return this.start(groups);
  }

  /** The finished count if it is younger than `maxAgeMinutes`, else undefined. */
  fresh(maxAgeMinutes: number, now = Date.now()): UnassignedCount | undefined {
    return this.state.kind === 'done' && !isStale(this.state.result.countedAt, now, maxAgeMinutes) ? this.state.result : undefined;
  }

  /** Like ensure(), but a finished count older than `maxAgeMinutes` is forgotten and counted again. */
  ensureFresh(maxAgeMinutes: number, groups?: readonly string[]): Promise<UnassignedCount> {
    if (this.state.kind === 'done' && !this.fresh(maxAgeMinutes)) {
      this.log.info(`Things without a billing group (${this.session.label}): the count is older than ${maxAgeMinutes} minutes, counting again`);
      this.invalidate();
    }
    return this.ensure(groups);
  }

  private start(groups?: readonly string[]): Promise<UnassignedCount> {
    const abort = new AbortController();
    this.state = { kind: 'counting' };
    this.emitter.fire();
    const promise = (async () => {
      const things = await thingService(this.session, this.log);
      return things.countUnassigned({
        groups,
        signal: abort.signal,
        onProgress: (progress) => {
          if (this.run?.abort !== abort) return;
          this.state = { kind: 'counting', progress };
          const now = Date.now();
          if (now - this.lastProgressFire >= 250) {
            this.lastProgressFire = now;
            this.emitter.fire();
          }
        },
      });
    })();
    const run = { abort, promise };
    this.run = run;
    promise.then(
      (result) => {
        if (this.run !== run) return;
        this.run = undefined;
        this.state = { kind: 'done', result };
        this.log.info(`Things without a billing group (${this.session.label}): ${result.tally.count} of ${result.thingCount} things (${result.calls.ListThings} ListThings, ${result.calls.ListThingsInBillingGroup} ListThingsInBillingGroup, ${result.calls.ListBillingGroups} ListBillingGroups calls)`);
        this.emitter.fire();
      },
      (e: unknown) => {
        if (this.run !== run) return;
        this.run = undefined;
        this.state = isCancellation(e) || abort.signal.aborted ? { kind: 'idle' } : { kind: 'failed', problem: asProblem(e) ?? { code: 'Unexpected', message: e instanceof Error ? e.message : String(e) } };
        this.emitter.fire();
      },
    );
    return promise;
  }

  /** Stops a count under way (collapse, Refresh); a finished count stays. */
  cancel(): void {
    if (!this.run) return;
    const run = this.run;
    this.run = undefined;
    run.abort.abort();
    this.state = { kind: 'idle' };
    this.emitter.fire();
  }

  /** Forgets everything (Refresh, another account). */
  invalidate(): void {
    const had = this.state.kind !== 'idle' || this.run !== undefined;
    this.run?.abort.abort();
    this.run = undefined;
    this.state = { kind: 'idle' };
    if (had) this.emitter.fire();
  }

  /** The extension put these things into `group`: the cached count follows, without a recount. */
  assigned(things: Iterable<string>, group: string): void {
    if (this.state.kind !== 'done') return;
    for (const t of things) this.state.result.tally.assigned(t, group);
    this.emitter.fire();
  }

  /** The extension took things out of `group`. */
  unassigned(things: Iterable<string>, group: string): void {
    if (this.state.kind !== 'done') return;
    for (const t of things) this.state.result.tally.unassignedFrom(t, group);
    this.emitter.fire();
  }

  dispose(): void {
    this.run?.abort.abort();
    this.sub.dispose();
    this.emitter.dispose();
  }
}
