// The "Create Billing Group" form inside the webview. Plain DOM: every element is made with
// createElement and every text set with textContent or .value, so no typed, restored or received
// text is ever parsed as HTML. Styled by form.css with VS Code's theme variables only.
//
// - Validation as you type with the validators of the quick pick (src/core/validation): the message
//   sits next to its field (aria-invalid + aria-describedby); Create is disabled while anything is
//   invalid. A field's message shows once it was edited (or holds text), or after a submit attempt.
// - Values are saved with setState on every change: hidden, moved or reloaded, the form comes back
//   as it was.
// - Enter in a field submits; Escape cancels; Create sends one message and locks the form until the
//   extension answers (double-click and a held Enter send one create).
import {
  emptyValues,
  parseFormState,
  parseHostMessage,
  validateValues,
  type FormField,
  type FormMessage,
  type FormState,
  type FormValues,
  type HostMessage,
} from '../../src/core/formProtocol';
import { DESCRIPTION_MAX, TAGS_MAX } from '../../src/core/limits';
import { hasProblems } from '../../src/core/validation';

interface VsCodeApi {
  postMessage(message: FormMessage): void;
  getState(): unknown;
  setState(state: PersistedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type ServerError = Extract<HostMessage, { type: 'error' }>;

/** What setState keeps: the values (read back by the extension's serializer too) and the last error from the extension. */
interface PersistedState extends FormState {
  error?: ServerError;
}

interface TagRow {
  readonly id: number;
  readonly el: HTMLElement;
  readonly key: HTMLInputElement;
  readonly value: HTMLInputElement;
  readonly keyLabel: HTMLLabelElement;
  readonly valueLabel: HTMLLabelElement;
  readonly remove: HTMLButtonElement;
  readonly keyError: HTMLElement;
  readonly valueError: HTMLElement;
  touchedKey: boolean;
  touchedValue: boolean;
}

const vscode = acquireVsCodeApi();

// ---- small DOM helpers (no markup strings anywhere) ----

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { id?: string; className?: string; text?: string } = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.id) e.id = props.id;
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  for (const c of children) e.append(c);
  return e;
}

function textInput(id: string, describedBy: string[]): HTMLInputElement {
  const input = el('input', { id });
  input.type = 'text';
  input.autocomplete = 'off';
  input.spellcheck = false;
  input.setAttribute('aria-describedby', describedBy.join(' '));
  return input;
}

function label(forId: string, text: string, note?: string, hidden = false): HTMLLabelElement {
  const l = el('label', { text, className: hidden ? 'visually-hidden' : undefined });
  l.htmlFor = forId;
  if (note) l.append(' ', el('span', { className: 'note', text: note }));
  return l;
}

function button(id: string | undefined, text: string, secondary = false): HTMLButtonElement {
  const b = el('button', { id, text, className: secondary ? 'secondary' : undefined });
  b.type = 'button';
  return b;
}

/** An error slot: hidden when empty; its text (and optional fix button) set with textContent only. */
function errorSlot(id: string): HTMLElement {
  const e = el('div', { id, className: 'error' });
  e.hidden = true;
  return e;
}

// ---- the form ----

const app = document.getElementById('app') ?? document.body.appendChild(el('main', { id: 'app' }));

const topError = el('div', { id: 'top-error', className: 'top-error' });
topError.setAttribute('role', 'alert');
topError.hidden = true;

const nameInput = textInput('name', ['name-hint', 'name-error']);
nameInput.setAttribute('aria-required', 'true');
nameInput.placeholder = 'e.g. fleet-east';
const nameError = errorSlot('name-error');

const descriptionInput = textInput('description', ['description-hint', 'description-error']);
const descriptionCount = el('span', { id: 'description-count' });
const descriptionError = errorSlot('description-error');

// One grid for the column headers and every row (rows are `display: contents`), so the columns line up.
const tagHeader = el('div', { className: 'tag-row tag-header' }, el('span', { text: 'Key' }), el('span', { text: 'Value' }), el('span'));
tagHeader.setAttribute('aria-hidden', 'true');
const tagList = el('div', { id: 'tag-list', className: 'tag-list' }, tagHeader);
const noTags = el('p', { id: 'no-tags', className: 'hint', text: 'No tags.' });
const tagsError = errorSlot('tags-error');
const addTag = button('add-tag', 'Add Tag', true);
const tagsHint = el('p', { id: 'tags-hint', className: 'hint', text: `Up to ${TAGS_MAX} tags. Keys: letters, digits, spaces and _ . : / = + - @; not starting with "aws:". Values: up to 256 characters.` });

const status = el('div', { id: 'status', className: 'status' });
status.setAttribute('role', 'status');
const statusBar = el('div', { className: 'progress' });
statusBar.hidden = true;
const createButton = button('create', 'Create');
const cancelButton = button('cancel', 'Cancel', true);

const tagsGroup = el('fieldset', { className: 'tags' }, el('legend', { text: 'Tags ' }, el('span', { className: 'note', text: '(optional)' })), tagsHint, tagList, noTags, tagsError, addTag);
tagsGroup.setAttribute('aria-describedby', 'tags-hint tags-error');

app.append(
  el('h1', { text: 'Create Billing Group' }),
  topError,
  el(
    'div',
    { className: 'field' },
    label('name', 'Name', '(required)'),
    nameInput,
    el('p', { id: 'name-hint', className: 'hint', text: '1–128 letters A–Z and a–z, digits, ":", "_" or "-".' }),
    nameError,
  ),
  el(
    'div',
    { className: 'field' },
    label('description', 'Description', '(optional)'),
    descriptionInput,
    el('p', { id: 'description-hint', className: 'hint', text: `One line of printable characters and spaces. ` }, descriptionCount),
    descriptionError,
  ),
  tagsGroup,
  statusBar,
  status,
  el('div', { className: 'actions' }, createButton, cancelButton),
);
app.removeAttribute('aria-busy');

// ---- state ----

const rows: TagRow[] = [];
let nextRowId = 0;
let busy = false;
let submitAttempted = false;
let touchedName = false;
let touchedDescription = false;
let serverError: ServerError | undefined;

function readValues(): FormValues {
  return {
    name: nameInput.value,
    description: descriptionInput.value,
    tags: rows.map((r) => ({ key: r.key.value, value: r.value.value })),
  };
}

function persist(): void {
  const state: PersistedState = { values: readValues() };
  if (serverError) state.error = serverError;
  vscode.setState(state);
}

function addRow(key = '', value = ''): TagRow {
  const id = nextRowId++;
  const keyId = `tag-key-${id}`;
  const valueId = `tag-value-${id}`;
  const keyInput = textInput(keyId, [`${keyId}-error`]);
  keyInput.className = 'tag-key';
  keyInput.value = key;
  const valueInput = textInput(valueId, [`${valueId}-error`]);
  valueInput.className = 'tag-value';
  valueInput.value = value;
  const keyLabel = label(keyId, '', undefined, true);
  const valueLabel = label(valueId, '', undefined, true);
  const remove = button(undefined, 'Remove', true);
  remove.className = 'secondary remove-tag';
  const keyError = errorSlot(`${keyId}-error`);
  const valueError = errorSlot(`${valueId}-error`);
  const rowEl = el(
    'div',
    { className: 'tag-row' },
    el('div', { className: 'cell' }, keyLabel, keyInput, keyError),
    el('div', { className: 'cell' }, valueLabel, valueInput, valueError),
    el('div', { className: 'cell' }, remove),
  );
  const row: TagRow = { id, el: rowEl, key: keyInput, value: valueInput, keyLabel, valueLabel, remove, keyError, valueError, touchedKey: key !== '', touchedValue: value !== '' };
  keyInput.addEventListener('input', () => {
    row.touchedKey = true;
    changed('tags');
  });
  valueInput.addEventListener('input', () => {
    row.touchedValue = true;
    changed('tags');
  });
  keyInput.addEventListener('blur', () => {
    if (!row.touchedKey && !busy && rows.includes(row)) {
      row.touchedKey = true;
      render();
    }
  });
  remove.addEventListener('click', () => removeRow(row));
  rows.push(row);
  tagList.append(rowEl);
  return row;
}

function removeRow(row: TagRow): void {
  if (busy) return;
  const i = rows.indexOf(row);
  if (i < 0) return;
  rows.splice(i, 1);
  row.el.remove();
  // Keep the keyboard where the person is: the next row, else the previous one, else "Add Tag".
  const next = rows[i] ?? rows[i - 1];
  (next ? next.key : addTag).focus();
  changed('tags');
}

function setValues(v: FormValues): void {
  nameInput.value = v.name;
  descriptionInput.value = v.description;
  for (const r of rows.splice(0)) r.el.remove();
  for (const t of v.tags) addRow(t.key, t.value);
  touchedName = v.name !== '';
  touchedDescription = v.description !== '';
}

/** After an edit: the extension's error about that field no longer applies. */
function changed(field: FormField): void {
  if (serverError && serverError.field === field) serverError = undefined;
  persist();
  render();
}

/** What each error slot shows now: a slot is rebuilt only when that changes (no re-announced alert, no lost focus). */
const shown = new WeakMap<HTMLElement, string>();

function showError(slot: HTMLElement, message: string | undefined, input?: HTMLInputElement, actionTitle?: string): void {
  const key = message === undefined ? '' : `${message}\u0000${actionTitle ?? ''}`;
  if (shown.get(slot) === key) return;
  shown.set(slot, key);
  slot.replaceChildren();
  if (message === undefined) {
    slot.hidden = true;
    input?.removeAttribute('aria-invalid');
    return;
  }
  slot.append(el('span', { text: message }));
  if (actionTitle) {
    const fix = button(undefined, actionTitle, true);
    fix.className = 'secondary error-action';
    fix.addEventListener('click', () => vscode.postMessage({ type: 'action' }));
    slot.append(' ', fix);
  }
  slot.hidden = false;
  input?.setAttribute('aria-invalid', 'true');
}

/** Shows every message, sets aria-invalid and the Create button; returns whether the values are valid. */
function render(): boolean {
  const values = readValues();
  const problems = validateValues(values);
  const server = serverError;
  const serverFor = (field: FormField, tagIndex?: number) =>
    server && server.field === field && (tagIndex === undefined || server.tagIndex === tagIndex) ? server : undefined;

  // Name and description: the rule broken as typed first, else what the extension said about it.
  const nameServer = serverFor('name');
  const nameMsg = (touchedName || submitAttempted ? problems.name : undefined) ?? nameServer?.message;
  showError(nameError, nameMsg, nameInput, problems.name ? undefined : nameServer?.actionTitle);
  const descServer = serverFor('description');
  const descMsg = (touchedDescription || submitAttempted ? problems.description : undefined) ?? descServer?.message;
  showError(descriptionError, descMsg, descriptionInput, problems.description ? undefined : descServer?.actionTitle);
  descriptionCount.textContent = `${values.description.length} of ${DESCRIPTION_MAX} characters.`;

  // Tags: a message per key and value, numbered labels, and list-level problems under the list.
  rows.forEach((row, i) => {
    row.keyLabel.textContent = `Tag ${i + 1} key`;
    row.valueLabel.textContent = `Tag ${i + 1} value`;
    row.remove.setAttribute('aria-label', `Remove tag ${i + 1}`);
    const keyP = problems.tags.find((p) => p.index === i && p.field === 'key');
    const valueP = problems.tags.find((p) => p.index === i && p.field === 'value');
    const rowServer = serverFor('tags', i);
    const showKey = row.touchedKey || submitAttempted;
    const showValue = row.touchedValue || submitAttempted;
    // The extension's error about this row (shown with the key) while the row breaks no rule as typed.
    const rowServerShown = !keyP && !valueP ? rowServer : undefined;
    showError(row.keyError, showKey && keyP ? keyP.message : rowServerShown?.message, row.key, rowServerShown?.actionTitle);
    showError(row.valueError, showValue ? valueP?.message : undefined, row.value);
  });
  const listMsg = problems.tags.find((p) => p.field === 'list')?.message;
  const tagsServer = server && server.field === 'tags' && (server.tagIndex === undefined || server.tagIndex >= rows.length) ? server : undefined;
  showError(tagsError, listMsg ?? tagsServer?.message, undefined, listMsg ? undefined : tagsServer?.actionTitle);
  noTags.hidden = rows.length > 0;
  tagList.hidden = rows.length === 0;
  addTag.disabled = busy || rows.length >= TAGS_MAX;

  const top = serverFor('top');
  showError(topError, top?.message, undefined, top?.actionTitle);

  const valid = !hasProblems(problems);
  createButton.disabled = busy || !valid;
  return valid;
}

function setBusy(value: boolean): void {
  busy = value;
  for (const input of [nameInput, descriptionInput, ...rows.flatMap((r) => [r.key, r.value])]) input.readOnly = value;
  for (const r of rows) r.remove.disabled = value;
  cancelButton.disabled = value;
  statusBar.hidden = !value;
  status.textContent = value ? 'Creating billing group…' : '';
  render();
}

function firstInvalidInput(): HTMLElement | undefined {
  const p = validateValues(readValues());
  if (p.name) return nameInput;
  if (p.description) return descriptionInput;
  const t = p.tags[0];
  if (!t) return undefined;
  const row = t.field === 'list' ? undefined : rows[t.index];
  return row ? (t.field === 'value' ? row.value : row.key) : (rows[rows.length - 1]?.key ?? addTag);
}

function submit(): void {
  if (busy) return; // double-click, Enter held: one create
  submitAttempted = true;
  if (serverError?.field === 'top') serverError = undefined;
  if (!render()) {
    firstInvalidInput()?.focus();
    return;
  }
  serverError = undefined;
  persist();
  setBusy(true);
  vscode.postMessage({ type: 'create', values: readValues() });
}

function cancel(): void {
  if (busy) return;
  vscode.postMessage({ type: 'cancel' });
}

// ---- events ----

nameInput.addEventListener('input', () => {
  touchedName = true;
  changed('name');
});
nameInput.addEventListener('blur', () => {
  if (!touchedName && !busy) {
    touchedName = true;
    render();
  }
});
descriptionInput.addEventListener('input', () => {
  touchedDescription = true;
  changed('description');
});
addTag.addEventListener('click', () => {
  if (busy || rows.length >= TAGS_MAX) return;
  const row = addRow();
  changed('tags'); // shows the list first: an input in a hidden list cannot take the focus
  row.key.focus();
});
createButton.addEventListener('click', submit);
cancelButton.addEventListener('click', cancel);

document.addEventListener('keydown', (e) => {
  if (e.isComposing) return;
  if (e.key === 'Enter' && e.target instanceof HTMLInputElement && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
    e.preventDefault();
    submit();
  } else if (e.key === 'Escape' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
    e.preventDefault();
    cancel();
  }
});

window.addEventListener('message', (e: MessageEvent) => {
  const parsed = parseHostMessage(e.data);
  if (!parsed.ok) {
    console.warn(`Create form: ignored a message: ${parsed.reason}`);
    return;
  }
  const msg = parsed.msg;
  switch (msg.type) {
    case 'fill':
      // The same values again (a restore that getState already did) keep the error shown with them.
      if (JSON.stringify(msg.values) !== JSON.stringify(readValues())) {
        setValues(msg.values);
        serverError = undefined;
        submitAttempted = false;
        persist();
        setBusy(busy);
      }
      vscode.postMessage({ type: 'filled', token: msg.token });
      return;
    case 'busy':
      setBusy(msg.busy);
      return;
    case 'error': {
      serverError = msg;
      persist();
      render();
      focusError(msg);
      return;
    }
  }
});

/** Takes the keyboard to the field the error is about (its message is read out with it). */
function focusError(error: ServerError): void {
  if (error.field === 'name') nameInput.focus();
  else if (error.field === 'description') descriptionInput.focus();
  else if (error.field === 'tags') {
    const row = error.tagIndex !== undefined ? rows[error.tagIndex] : undefined;
    (row ? row.key : (rows[0]?.key ?? addTag)).focus();
  }
  // 'top': the alert is announced where it is; the focus stays.
}

// ---- start: what was saved, else empty ----

const saved = vscode.getState();
setValues(parseFormState(saved) ?? emptyValues());
const savedError = (saved as { error?: unknown } | undefined)?.error;
if (savedError !== undefined) {
  const parsedError = parseHostMessage(savedError);
  if (parsedError.ok && parsedError.msg.type === 'error') serverError = parsedError.msg;
}
persist();
render();
nameInput.focus();
vscode.postMessage({ type: 'ready' });
