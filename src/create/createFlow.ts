// Creating a billing group, shared by the quick pick and the form: progress notification, the call,
// then the answer as a notification (created / already existed unchanged / conflict), tree refresh
// and reveal. The caller keeps what was typed; on failure it can offer to edit and retry.
import vscode = require('vscode');
import type { CreateResult } from '../aws';
import { inert } from '../core/displayText';
import type { BillingGroupInput } from '../core/validation';
import type { Log } from '../shared/log';
import type { Connections } from '../connection/connections';
import type { Session } from '../connection/session';
import type { TreeUi } from '../tree/treeView';

export interface CreateDeps {
  connections: Connections;
  log: Log;
  tree: TreeUi;
}

/** Names being created right now: a second submit of the same input is ignored (double-click, Enter held). */
const inFlight = new Set<string>();

/**
 * Runs the create with a progress notification. Returns the result, undefined when this exact
 * create is already under way, or throws the problem (the caller reports it and keeps the input).
 */
export async function runCreate(deps: CreateDeps, session: Session, input: BillingGroupInput): Promise<CreateResult | undefined> {
  const key = JSON.stringify([session.id, input]);
  if (inFlight.has(key)) return undefined;
  inFlight.add(key);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `${vscode.l10n.t('Creating billing group {0}…', inert(input.name))}${deps.connections.where(session)}`, cancellable: true },
      async (_progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          const { service } = await session.connect();
          return await service.createBillingGroup(input, abort.signal);
        } finally {
          sub.dispose();
        }
      },
    );
    deps.log.info(`CreateBillingGroup ${input.name} (${session.label}): ${result.outcome}`);
    void announce(deps, session, result, input);
    return result;
  } finally {
    inFlight.delete(key);
  }
}

async function announce(deps: CreateDeps, session: Session, result: CreateResult, input: BillingGroupInput): Promise<void> {
  // Only a group this call made is revealed (selected, without taking the focus); an existing one,
  // unchanged, moves nothing. Reveal in the notification takes the person there, focus and all.
  const node = await deps.tree.showResult(session, result.name, result.arn, { description: input.description, new: result.outcome === 'created' });
  const copyArn = vscode.l10n.t('Copy ARN');
  const reveal = vscode.l10n.t('Reveal');
  const name = inert(result.name);
  const message =
    result.outcome === 'created'
      ? vscode.l10n.t('Created billing group {0}', name)
      : vscode.l10n.t('Billing group {0} already exists with the same configuration; nothing was changed.', name);
  const picked = await vscode.window.showInformationMessage(`${message}${deps.connections.where(session)}`, copyArn, reveal);
  if (picked === copyArn) {
    await vscode.env.clipboard.writeText(result.arn);
  } else if (picked === reveal && node) {
    await deps.tree.reveal(node);
  }
}
