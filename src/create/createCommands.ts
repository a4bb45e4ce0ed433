// "Create Billing Group" from the palette, the view's title bar and the context menu (quick pick),
// and "Create Billing Group (Form)". What was typed is never lost: a failed create offers
// "Edit and Retry", which reopens the wizard with every value as it was.
import vscode = require('vscode');
import { runCreate } from './createFlow';
import { runCreateWizard, type WizardValues } from './createWizard';
import { parseTagText } from '../core/tagText';
import { asProblem, reportError } from '../shared/problems';
import type { Deps } from '../shared/deps';
import type { CommandHandlers } from '../shared/lazyCommands';
import type { Session } from '../connection/session';
import { sessionOf } from '../tree/nodes';

export interface FormOpener {
  /** Opens the form (for `target`'s connection; undefined: the one it had, else the first). */
  open(values?: { name: string; description: string; tags: Array<{ key: string; value: string }> }, target?: Session): void;
}

/** The handlers by command id (dist/create.js; the entry registers the ids, create/index.ts). */
export function createCommandHandlers(deps: Deps, form: FormOpener): CommandHandlers {
  const create = async (session: Session, initial?: Partial<WizardValues>, start = 0): Promise<void> => {
    const result = await runCreateWizard(initial, start, deps.connections.multiple ? ` — ${session.label}` : '');
    if (result.kind === 'cancel') return;
    if (result.kind === 'openForm') {
      const v = result.values;
      form.open({ name: v.name, description: v.description, tags: parseTagText(v.tagText).tags }, session);
      return;
    }
    try {
      await runCreate(deps, session, result.input);
    } catch (e) {
      const code = asProblem(e)?.code;
      const step = code === 'ConfigurationConflict' || code === 'ResourceAlreadyExists' ? 0 : 3;
      await reportError(deps.log, vscode.l10n.t('Creating billing group failed'), e, [{ title: vscode.l10n.t('Edit and Retry'), run: () => create(session, result.values, step) }], session);
    }
  };
  /** The connection to create in: the node's (a connection's inline "+" or context menu), else asked for when there are several. */
  const target = (arg: unknown) => {
    const s = sessionOf(arg);
    return s ? Promise.resolve(s) : deps.connections.pick(vscode.l10n.t('Create the billing group in which connection?'));
  };
  return {
    'iotBillingGroups.create': async (arg?: unknown) => {
      const session = await target(arg);
      if (session) await create(session, isWizardValues(arg) ? arg : undefined);
    },
    'iotBillingGroups.createWithForm': async (arg?: unknown) => {
      const session = await target(arg);
      if (session) form.open(undefined, session);
    },
  };
}

function isWizardValues(x: unknown): x is Partial<WizardValues> {
  return typeof x === 'object' && x !== null && 'name' in x && typeof (x as WizardValues).name === 'string' && !('kind' in x);
}
