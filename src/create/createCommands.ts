// "Create Billing Group" from the palette, the view's title bar and the context menu (quick pick),
// and "Create Billing Group (Form)". What was typed is never lost: a failed create offers
// "Edit and Retry", which reopens the wizard with every value as it was.
import vscode = require('vscode');
import { runCreate } from './createFlow';
import { runCreateWizard, type WizardValues } from './createWizard';
import { parseTagText } from '../core/tagText';
import { asProblem, reportError } from '../shared/problems';
import type { Deps } from '../shared/deps';

export interface FormOpener {
  open(values?: { name: string; description: string; tags: Array<{ key: string; value: string }> }): void;
}

export function registerCreateCommands(deps: Deps, form: FormOpener): vscode.Disposable[] {
  const create = async (initial?: Partial<WizardValues>, start = 0): Promise<void> => {
    const result = await runCreateWizard(initial, start);
    if (result.kind === 'cancel') return;
    if (result.kind === 'openForm') {
      const v = result.values;
      form.open({ name: v.name, description: v.description, tags: parseTagText(v.tagText).tags });
      return;
    }
    try {
      await runCreate(deps, result.input);
    } catch (e) {
      const code = asProblem(e)?.code;
      const step = code === 'ConfigurationConflict' || code === 'ResourceAlreadyExists' ? 0 : 3;
      await reportError(deps.log, vscode.l10n.t('Creating billing group failed'), e, [
        { title: vscode.l10n.t('Edit and Retry'), run: () => create(result.values, step) },
      ]);
    }
  };
  return [
    // Tree and title-bar invocations pass the clicked node: the wizard ignores it.
    vscode.commands.registerCommand('iotBillingGroups.create', (arg?: unknown) =>
      create(isWizardValues(arg) ? arg : undefined),
    ),
    vscode.commands.registerCommand('iotBillingGroups.createWithForm', () => form.open()),
  ];
}

function isWizardValues(x: unknown): x is Partial<WizardValues> {
  return typeof x === 'object' && x !== null && 'name' in x && typeof (x as WizardValues).name === 'string' && !('kind' in x);
}
