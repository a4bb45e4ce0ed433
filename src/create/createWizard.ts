// "Create Billing Group" as a multi-step quick pick: name, description, tags, confirm.
// Every step has a step counter and a back button; values survive going back and forth; Escape
// cancels without a call; "Open in Form" moves what was typed into the webview form.
import vscode = require('vscode');
import { formatTagText, parseTagText } from '../core/tagText';
import { inert } from '../core/displayText';
import { validateDescription, validateName, validateTags, type BillingGroupInput } from '../core/validation';

export interface WizardValues {
  name: string;
  description: string;
  tagText: string;
}

export type WizardResult =
  | { kind: 'create'; input: BillingGroupInput; values: WizardValues }
  | { kind: 'openForm'; values: WizardValues }
  | { kind: 'cancel' };

const TOTAL_STEPS = 4;

export const openInFormButton: vscode.QuickInputButton = {
  iconPath: new vscode.ThemeIcon('preview'),
  tooltip: vscode.l10n.t('Open in Form'),
};

type StepOutcome = 'next' | 'back' | 'cancel' | 'openForm';

export function tagProblem(text: string): string | undefined {
  const parsed = parseTagText(text);
  if (parsed.error) return parsed.error;
  return validateTags(parsed.tags)[0]?.message;
}

/** Runs the wizard from `start` (the step a retry should reopen) with `initial` values; `where` names the connection (several shown). */
export async function runCreateWizard(initial: Partial<WizardValues> = {}, start = 0, where = ''): Promise<WizardResult> {
  const values: WizardValues = { name: initial.name ?? '', description: initial.description ?? '', tagText: initial.tagText ?? '' };
  const title = `${vscode.l10n.t('Create Billing Group')}${where}`;
  const steps: Array<() => Promise<StepOutcome>> = [
    () =>
      inputStep(1, {
        title,
        value: values.name,
        placeholder: vscode.l10n.t('Name, e.g. fleet-east'),
        prompt: vscode.l10n.t('1–128 letters, digits, ":", "_" or "-"'),
        validate: (v) => validateName(v),
        store: (v) => (values.name = v),
      }),
    () =>
      inputStep(2, {
        title,
        value: values.description,
        placeholder: vscode.l10n.t('Description (optional, Enter to skip)'),
        prompt: vscode.l10n.t('Up to 2028 printable characters and spaces, on one line'),
        validate: (v) => validateDescription(v),
        store: (v) => (values.description = v),
      }),
    () =>
      inputStep(3, {
        title,
        value: values.tagText,
        placeholder: vscode.l10n.t('Tags (optional, Enter to skip): key=value, key2=value2'),
        prompt: vscode.l10n.t('Up to 50 tags; "\\," and "\\=" put a comma or equals sign in a key or value'),
        validate: tagProblem,
        store: (v) => (values.tagText = v),
      }),
    () => confirmStep(values, title),
  ];
  let i = Math.min(Math.max(start, 0), steps.length - 1);
  for (;;) {
    const outcome = await steps[i]();
    if (outcome === 'cancel') return { kind: 'cancel' };
    if (outcome === 'openForm') return { kind: 'openForm', values };
    if (outcome === 'back') i = Math.max(0, i - 1);
    else if (i === steps.length - 1)
      return { kind: 'create', values, input: { name: values.name, description: values.description, tags: parseTagText(values.tagText).tags } };
    else i++;
  }
}

interface InputStepOptions {
  title: string;
  value: string;
  placeholder: string;
  prompt: string;
  validate: (value: string) => string | undefined;
  store: (value: string) => void;
}

function inputStep(step: number, o: InputStepOptions): Promise<StepOutcome> {
  const input = vscode.window.createInputBox();
  input.title = o.title;
  input.step = step;
  input.totalSteps = TOTAL_STEPS;
  input.value = o.value;
  input.placeholder = o.placeholder;
  input.prompt = o.prompt;
  input.ignoreFocusOut = true;
  input.buttons = [...(step > 1 ? [vscode.QuickInputButtons.Back] : []), openInFormButton];
  const show = (v: string) => {
    const problem = o.validate(v);
    input.validationMessage = problem ? { message: problem, severity: vscode.InputBoxValidationSeverity.Error } : undefined;
    return problem;
  };
  if (o.value !== '') show(o.value); // no error before anything was typed
  return new Promise<StepOutcome>((resolve) => {
    let done = false;
    const finish = (outcome: StepOutcome) => {
      if (done) return;
      done = true;
      o.store(input.value);
      for (const d of disposables) d.dispose();
      input.dispose();
      resolve(outcome);
    };
    const disposables = [
      input.onDidChangeValue((v) => {
        o.store(v);
        show(v);
      }),
      input.onDidAccept(() => {
        if (show(input.value) === undefined) finish('next');
      }),
      input.onDidTriggerButton((b) => finish(b === vscode.QuickInputButtons.Back ? 'back' : 'openForm')),
      input.onDidHide(() => finish('cancel')),
    ];
    input.show();
  });
}

interface ConfirmItem extends vscode.QuickPickItem {
  action: 'create' | 'back';
}

function confirmStep(values: WizardValues, title: string): Promise<StepOutcome> {
  const pick = vscode.window.createQuickPick<ConfirmItem>();
  pick.title = title;
  pick.step = TOTAL_STEPS;
  pick.totalSteps = TOTAL_STEPS;
  pick.ignoreFocusOut = true;
  pick.placeholder = vscode.l10n.t('Press Enter to create billing group {0}', inert(values.name));
  pick.buttons = [vscode.QuickInputButtons.Back, openInFormButton];
  const tags = parseTagText(values.tagText).tags;
  const summary = [
    values.description ? vscode.l10n.t('Description: {0}', inert(values.description, 120)) : vscode.l10n.t('No description'),
    tags.length ? vscode.l10n.t('Tags: {0}', inert(formatTagText(tags), 120)) : vscode.l10n.t('No tags'),
  ].join(' · ');
  pick.items = [
    { label: `$(check) ${vscode.l10n.t('Create')}`, description: inert(values.name), detail: summary, action: 'create' },
    { label: `$(arrow-left) ${vscode.l10n.t('Back')}`, description: vscode.l10n.t('Change the tags'), action: 'back' },
  ];
  return new Promise<StepOutcome>((resolve) => {
    let done = false;
    const finish = (outcome: StepOutcome) => {
      if (done) return;
      done = true;
      for (const d of disposables) d.dispose();
      pick.dispose();
      resolve(outcome);
    };
    const disposables = [
      pick.onDidAccept(() => finish(pick.selectedItems[0]?.action === 'back' ? 'back' : 'next')),
      pick.onDidTriggerButton((b) => finish(b === vscode.QuickInputButtons.Back ? 'back' : 'openForm')),
      pick.onDidHide(() => finish('cancel')),
    ];
    pick.show();
  });
}
