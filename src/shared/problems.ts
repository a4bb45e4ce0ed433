// Shows AWS problems to a person: the sentence from src/aws, and a button for the action that fixes it.
import vscode = require('vscode');
import type { ProblemAction } from '../aws';
import type { Session } from '../connection/session';
import { inert } from '../core/displayText';
import type { Log } from './log';

/** The command of a connection's Retry (its error item, its context menu). */
export const REFRESH_CONNECTION_COMMAND = 'iotBillingGroups.refreshConnection';

/** How a group travels as a command argument from a notification button: by name and connection. */
export interface GroupArgument {
  readonly groupName: string;
  readonly connectionId: string;
}

export function isGroupArgument(x: unknown): x is GroupArgument {
  return typeof x === 'object' && x !== null && typeof (x as GroupArgument).groupName === 'string' && typeof (x as GroupArgument).connectionId === 'string';
}

export interface ProblemLike {
  code: string;
  message: string;
  action?: ProblemAction;
}

/** Recognises an AwsProblem by shape: it comes from the lazily loaded bundle. */
export function asProblem(e: unknown): ProblemLike | undefined {
  if (typeof e === 'object' && e !== null && (e as { awsProblem?: unknown }).awsProblem === true) return e as ProblemLike;
  return undefined;
}

export function isCancellation(e: unknown): boolean {
  const name = (e as { name?: string } | undefined)?.name;
  return name === 'AbortError' || name === 'RequestAbortedError' || e instanceof vscode.CancellationError;
}

/**
 * The command a problem's action runs, with its button title (undefined: no fix to offer). With the
 * connection the problem is about, Retry starts that connection over, Show Existing shows the group
 * of that connection, and another connection than the first is fixed in its settings entry (the
 * profile and region pickers set the first connection's).
 */
export function actionCommand(action: ProblemAction | undefined, session?: Session): { title: string; command: string; arguments?: unknown[] } | undefined {
  const entryOnly = session !== undefined && !session.primary;
  switch (action?.kind) {
    case 'selectProfile':
    case 'selectRegion':
      if (entryOnly) return { title: vscode.l10n.t('Open Settings'), command: 'workbench.action.openSettings', arguments: ['iotBillingGroups.connections'] };
      return action.kind === 'selectProfile'
        ? { title: vscode.l10n.t('Select AWS Profile'), command: 'iotBillingGroups.selectProfile' }
        : { title: vscode.l10n.t('Select AWS Region'), command: 'iotBillingGroups.selectRegion' };
    case 'ssoLogin':
      return { title: vscode.l10n.t('Copy Login Command'), command: 'iotBillingGroups.internal.copyText', arguments: [`aws sso login --profile ${action.profile}`] };
    case 'openSettings':
      return { title: vscode.l10n.t('Open Settings'), command: 'workbench.action.openSettings', arguments: [action.setting] };
    case 'openFile':
      return { title: vscode.l10n.t('Open File'), command: 'vscode.open', arguments: [vscode.Uri.file(action.path)] };
    case 'refresh':
    case 'retry':
    case 'reloadAndRetry':
      return session
        ? { title: vscode.l10n.t('Retry'), command: REFRESH_CONNECTION_COMMAND, arguments: [{ kind: 'connection', session }] }
        : { title: vscode.l10n.t('Retry'), command: 'iotBillingGroups.refresh' };
    case 'showExisting':
      return {
        title: vscode.l10n.t('Show Existing'),
        command: 'iotBillingGroups.showDetails',
        arguments: [session ? ({ groupName: action.name, connectionId: session.id } satisfies GroupArgument) : action.name],
      };
    default:
      return undefined;
  }
}

/** One error notification for anything thrown by a command (about `session`'s connection, if given); cancellations stay silent. */
export async function reportError(log: Log, what: string, e: unknown, extraButtons: Array<{ title: string; run: () => unknown }> = [], session?: Session): Promise<void> {
  if (isCancellation(e)) return;
  const problem = asProblem(e);
  const message = problem ? problem.message : `${what}: ${e instanceof Error ? e.message : String(e)}`;
  log.error(`${what}: ${problem ? problem.code : 'unexpected'}`, problem ? message : e);
  const fix = actionCommand(problem?.action, session);
  const buttons = [...extraButtons.map((b) => b.title), ...(fix ? [fix.title] : []), vscode.l10n.t('Show Log')];
  const picked = await vscode.window.showErrorMessage(inert(message), ...buttons);
  if (!picked) return;
  const extra = extraButtons.find((b) => b.title === picked);
  if (extra) await extra.run();
  else if (fix && picked === fix.title) await vscode.commands.executeCommand(fix.command, ...(fix.arguments ?? []));
  else if (picked === vscode.l10n.t('Show Log')) log.show();
}

/** Wraps a command's handler so that anything it throws becomes one notification (reportError). */
export function guardWith(log: Log) {
  return <A extends unknown[]>(what: string, fn: (...args: A) => Promise<void>) =>
    async (...args: A): Promise<void> => {
      try {
        await fn(...args);
      } catch (e) {
        await reportError(log, what, e);
      }
    };
}
