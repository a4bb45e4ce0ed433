// The messages between the "Create Billing Group" webview form and the extension, both ways, and
// their checking. The webview is untrusted input: every message it sends is checked here field by
// field (types, length caps, counts) before the extension looks at it, and only the known fields
// are copied into fresh objects, so extra fields, `__proto__` and other odd keys never travel on.
// The caps below only bound what a message may carry; the API's own limits are checked afterwards
// by ./validation.ts, which says what is wrong in a sentence (a too-long description is a field
// error, not a malformed message). Pure: no vscode, used by the extension and the webview alike.
import { DESCRIPTION_MAX, NAME_MAX, TAG_KEY_MAX, TAG_VALUE_MAX, TAGS_MAX } from './limits';
import type { Tag } from './types';
import { validateInput, type BillingGroupInput, type InputProblems } from './validation';

/** What the form holds: exactly what was typed, valid or not. */
export interface FormValues {
  name: string;
  description: string;
  tags: Tag[];
}

/** Transport caps: generous multiples of the API limits, so a person typing too much gets a field message. */
export const CAPS = {
  name: NAME_MAX * 8,
  description: DESCRIPTION_MAX * 4,
  tagKey: TAG_KEY_MAX * 8,
  tagValue: TAG_VALUE_MAX * 8,
  tags: TAGS_MAX * 4,
  message: 4096,
  actionTitle: 200,
} as const;

/** Where an error is shown in the form. */
export type FormField = 'name' | 'description' | 'tags' | 'top';

/** Webview → extension. */
export type FormMessage =
  /** The script runs and listens (sent on every load: first open, shown again, reload). */
  | { type: 'ready' }
  /** Create with these values. */
  | { type: 'create'; values: FormValues }
  /** Cancel button or Escape: close the form. */
  | { type: 'cancel' }
  /** The fill with this token was applied (the extension stops re-sending it). */
  | { type: 'filled'; token: number }
  /** The button of the error shown (e.g. "Show Existing", "Select AWS Profile"): the extension knows what it runs. */
  | { type: 'action' };

/** Extension → webview. */
export type HostMessage =
  /** Replace every value (the quick pick's "Open in Form", or a restore); acknowledged with `filled`. */
  | { type: 'fill'; values: FormValues; token: number }
  /** A create is under way (inputs locked, progress shown) or over. */
  | { type: 'busy'; busy: boolean }
  /** An error next to the field it concerns (tagIndex: which row), or at the top; with an optional fix button. */
  | { type: 'error'; field: FormField; message: string; tagIndex?: number; actionTitle?: string };

export type Parsed<T> = { ok: true; msg: T } | { ok: false; reason: string };

type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/** A plain, non-array object (structured clone and JSON give nothing else that is acceptable). */
function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** An own property only: never one inherited through a tampered prototype. */
function own(o: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

function str(o: Record<string, unknown>, key: string, cap: number, where: string): Result<string> {
  const v = own(o, key);
  if (typeof v !== 'string') return fail(`${where}${key} is ${describeType(v)}, not a string`);
  if (v.length > cap) return fail(`${where}${key} is ${v.length} characters long; at most ${cap} may be sent`);
  return { ok: true, value: v };
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'undefined' ? 'missing' : `a ${typeof v}`;
}

function isToken(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Checks the shape of form values (not the API rules: see validateValues). */
export function parseFormValues(x: unknown): Result<FormValues> {
  if (!isRecord(x)) return fail(`values is ${describeType(x)}, not an object`);
  const name = str(x, 'name', CAPS.name, 'values.');
  if (!name.ok) return name;
  const description = str(x, 'description', CAPS.description, 'values.');
  if (!description.ok) return description;
  const rawTags = own(x, 'tags');
  if (!Array.isArray(rawTags)) return fail(`values.tags is ${describeType(rawTags)}, not an array`);
  if (rawTags.length > CAPS.tags) return fail(`values.tags has ${rawTags.length} entries; at most ${CAPS.tags} may be sent`);
  const tags: Tag[] = [];
  for (let i = 0; i < rawTags.length; i++) {
    const t: unknown = rawTags[i];
    if (!isRecord(t)) return fail(`values.tags[${i}] is ${describeType(t)}, not an object`);
    const key = str(t, 'key', CAPS.tagKey, `values.tags[${i}].`);
    if (!key.ok) return key;
    const value = str(t, 'value', CAPS.tagValue, `values.tags[${i}].`);
    if (!value.ok) return value;
    tags.push({ key: key.value, value: value.value });
  }
  return { ok: true, value: { name: name.value, description: description.value, tags } };
}

/** Checks a message from the webview. Unknown types, wrong types and oversized fields are refused. */
export function parseFormMessage(x: unknown): Parsed<FormMessage> {
  if (!isRecord(x)) return fail(`message is ${describeType(x)}, not an object`);
  const type = own(x, 'type');
  if (typeof type !== 'string') return fail(`message type is ${describeType(type)}, not a string`);
  switch (type) {
    case 'ready':
    case 'cancel':
    case 'action':
      return { ok: true, msg: { type } };
    case 'create': {
      const values = parseFormValues(own(x, 'values'));
      return values.ok ? { ok: true, msg: { type, values: values.value } } : values;
    }
    case 'filled': {
      const token = own(x, 'token');
      return isToken(token) ? { ok: true, msg: { type, token } } : fail('filled.token is not a non-negative integer');
    }
    default:
      return fail(`unknown message type "${type.slice(0, 40)}"`);
  }
}

const FIELDS: readonly FormField[] = ['name', 'description', 'tags', 'top'];

/** Checks a message from the extension (the webview trusts it less than blindly). */
export function parseHostMessage(x: unknown): Parsed<HostMessage> {
  if (!isRecord(x)) return fail(`message is ${describeType(x)}, not an object`);
  const type = own(x, 'type');
  switch (type) {
    case 'fill': {
      const values = parseFormValues(own(x, 'values'));
      if (!values.ok) return values;
      const token = own(x, 'token');
      return isToken(token) ? { ok: true, msg: { type, values: values.value, token } } : fail('fill.token is not a non-negative integer');
    }
    case 'busy': {
      const busy = own(x, 'busy');
      return typeof busy === 'boolean' ? { ok: true, msg: { type, busy } } : fail('busy.busy is not a boolean');
    }
    case 'error': {
      const field = own(x, 'field');
      if (typeof field !== 'string' || !(FIELDS as readonly string[]).includes(field)) return fail('error.field is not a field of the form');
      const message = str(x, 'message', CAPS.message, 'error.');
      if (!message.ok) return message;
      const msg: Extract<HostMessage, { type: 'error' }> = { type, field: field as FormField, message: message.value };
      const tagIndex = own(x, 'tagIndex');
      if (tagIndex !== undefined) {
        if (!isToken(tagIndex)) return fail('error.tagIndex is not a non-negative integer');
        msg.tagIndex = tagIndex;
      }
      if (own(x, 'actionTitle') !== undefined) {
        const title = str(x, 'actionTitle', CAPS.actionTitle, 'error.');
        if (!title.ok) return title;
        msg.actionTitle = title.value;
      }
      return { ok: true, msg };
    }
    default:
      return fail(`unknown message type ${typeof type === 'string' ? `"${type.slice(0, 40)}"` : describeType(type)}`);
  }
}

/** Cuts values down to the transport caps (values the extension got from elsewhere, e.g. the quick pick). */
export function clampValues(v: FormValues): FormValues {
  return {
    name: v.name.slice(0, CAPS.name),
    description: v.description.slice(0, CAPS.description),
    tags: v.tags.slice(0, CAPS.tags).map((t) => ({ key: t.key.slice(0, CAPS.tagKey), value: t.value.slice(0, CAPS.tagValue) })),
  };
}

export function emptyValues(): FormValues {
  return { name: '', description: '', tags: [] };
}

/** The API rules on form values: the same validators as the quick pick. */
export function validateValues(v: FormValues): InputProblems {
  return validateInput(toInput(v));
}

export function toInput(v: FormValues): BillingGroupInput {
  return { name: v.name, description: v.description, tags: v.tags.map((t) => ({ key: t.key, value: t.value })) };
}

/** The first problem of the values as a form error (field, message, tag row), or undefined when valid. */
export function firstProblem(v: FormValues): { field: FormField; message: string; tagIndex?: number } | undefined {
  const p = validateValues(v);
  if (p.name !== undefined) return { field: 'name', message: p.name };
  if (p.description !== undefined) return { field: 'description', message: p.description };
  const t = p.tags[0];
  if (t) return t.field === 'list' ? { field: 'tags', message: t.message } : { field: 'tags', message: t.message, tagIndex: t.index };
  return undefined;
}

/**
 * The field an error of the create concerns. Problems the service or our own validation raised
 * about the input go next to the field they name; a group that already exists is about the name;
 * anything else (credentials, network, throttling, ...) goes to the top of the form.
 */
export function fieldForProblem(code: string, message = '', values?: FormValues): { field: FormField; tagIndex?: number } {
  switch (code) {
    case 'ConfigurationConflict':
    case 'ResourceAlreadyExists':
      return { field: 'name' };
    case 'InvalidInput':
    case 'InvalidRequest': {
      const local = values ? firstProblem(values) : undefined;
      if (local) return local.tagIndex === undefined ? { field: local.field } : { field: local.field, tagIndex: local.tagIndex };
      if (/\btag/i.test(message)) return { field: 'tags' };
      if (/\bdescription\b/i.test(message)) return { field: 'description' };
      if (/\bname\b/i.test(message)) return { field: 'name' };
      return { field: 'top' };
    }
    default:
      return { field: 'top' };
  }
}

/** What the webview keeps with setState (and VS Code hands back after a reload): the values as typed. */
export interface FormState {
  values: FormValues;
}

/** The values of a persisted state, checked like a message (it comes from the webview too). */
export function parseFormState(x: unknown): FormValues | undefined {
  if (!isRecord(x)) return undefined;
  const values = parseFormValues(own(x, 'values'));
  return values.ok ? values.value : undefined;
}
