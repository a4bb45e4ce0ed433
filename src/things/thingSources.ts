// The five sources of "Assign Things to Billing Group…": each asks what it needs, checks it before
// anything is sent, and returns the thing names (or undefined when the person cancelled or nothing
// matched, after saying so).
import vscode = require('vscode');
import type { BillingGroupService, Membership, ThingService, UnassignedCount } from '../aws';
import { formatCount, plural, type MembershipRead } from '../core/assignmentPlan';
import { inert } from '../core/displayText';
import { csvHeader, emptyListReason, guessNameColumn, looksLikeCsv, parseNameColumn, parseNameLines, type BadLine } from '../core/thingNameFile';
import { validateAttributeName, validateAttributeValue, validateThingNamePrefix } from '../core/thingQuery';
import { bulkPace } from '../shared/bulkPace';
import type { Deps } from '../shared/deps';

export type SourceKind = 'unassigned' | 'type' | 'attribute' | 'prefix' | 'file';

export const SOURCE_LABELS: Record<SourceKind, string> = {
  unassigned: 'Things without a billing group',
  type: 'Things of a thing type…',
  attribute: 'Things with an attribute value…',
  prefix: 'Things whose names start with…',
  file: 'Thing names from a file…',
};

export interface Selection {
  /** What the report says the things came from. */
  source: string;
  things: string[];
  /** thing → its billing group, for every thing of `things` that is in one (undefined: none). */
  groupOf: (thing: string) => string | undefined;
  /** How and when that membership was read (the preview shows its age). */
  read: MembershipRead;
  /** A note for the preview (e.g. that a full scan was made). */
  note?: string;
  missing?: string[];
  badLines?: BadLine[];
}

export interface SourceContext {
  deps: Deps;
  service: BillingGroupService;
  things: ThingService;
  /**
   * A count younger than the recount limit, or a new one (membership of every group, every thing),
   * with a cancellable progress notification; `groups`: the full list, when the caller has read it.
   */
  count: (groups?: string[]) => Promise<UnassignedCount>;
  /** A finished count younger than the recount limit, if any (then it costs no call). */
  fresh: () => UnassignedCount | undefined;
}

async function pickSource(): Promise<SourceKind | undefined> {
  const items = (Object.keys(SOURCE_LABELS) as SourceKind[]).map((source) => ({ label: vscode.l10n.t(SOURCE_LABELS[source]), source }));
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Assign Things to Billing Group'), placeHolder: vscode.l10n.t('Which things?'), ignoreFocusOut: true });
  return picked?.source;
}

/** Runs `work` with a cancellable progress notification; its AbortSignal follows Cancel. */
export function withCancellableProgress<T>(title: string, work: (signal: AbortSignal, report: (message: string) => void) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      return await work(abort.signal, (message) => progress.report({ message }));
    } finally {
      sub.dispose();
    }
  });
}

const fromCount = (c: UnassignedCount) => (thing: string) => c.tally.groupOf(thing);
const counted = (c: UnassignedCount): MembershipRead => ({ how: 'counted', at: c.countedAt });
const readOf = (m: Membership): MembershipRead => ({ how: m.way === 'count' ? 'counted' : 'lookedUp', at: m.readAt });

/**
 * Where `names` are: a fresh count (no call), or one DescribeThing each, or a new count — whichever is
 * fewer calls (ThingService.membershipOf). The lookups are paced and cancellable.
 */
function locate(ctx: SourceContext, names: string[]): Thenable<Membership> {
  const cached = ctx.fresh();
  if (cached) return ctx.things.membershipOf(names, { cached, count: ctx.count }, { bulk: bulkPace(ctx.deps.log) });
  return withCancellableProgress(vscode.l10n.t('Finding the billing groups of {0}', plural(names.length, vscode.l10n.t('thing'), vscode.l10n.t('things'))), (signal, report) =>
    ctx.things.membershipOf(
      names,
      { count: ctx.count },
      { bulk: { ...bulkPace(ctx.deps.log), onDone: (d, n) => report(`${formatCount(d)}/${formatCount(n)}`) }, signal },
    ),
  );
}

export async function selectThings(ctx: SourceContext): Promise<Selection | undefined> {
  const kind = await pickSource();
  if (!kind) return undefined;
  const label = vscode.l10n.t(SOURCE_LABELS[kind]);
  switch (kind) {
    case 'unassigned': {
      const c = await ctx.count();
      const things = c.tally.names();
      if (things.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Every thing is in a billing group: nothing to assign.'));
        return undefined;
      }
      return { source: label, things, groupOf: fromCount(c), read: counted(c) };
    }
    case 'type': {
      const types = await withCancellableProgress(vscode.l10n.t('Reading thing types…'), (signal) => ctx.things.listThingTypes(signal));
      if (types.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('This account has no thing types in this region: nothing to assign.'));
        return undefined;
      }
      const type = await vscode.window.showQuickPick(types.map((t) => ({ label: inert(t), type: t })), { title: label, placeHolder: vscode.l10n.t('Thing type'), ignoreFocusOut: true });
      if (!type) return undefined;
      const found = await withCancellableProgress(vscode.l10n.t('Listing things of type {0}…', inert(type.type)), (signal) => ctx.things.listAllThings({ thingTypeName: type.type }, signal));
      if (found.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No thing has the type {0}: nothing to assign.', inert(type.type)));
        return undefined;
      }
      const names = found.map((t) => t.name);
      const where = await locate(ctx, names);
      return { source: `${label} ${type.type}`, things: names, groupOf: where.groupOf, read: readOf(where) };
    }
    case 'attribute': {
      const name = await vscode.window.showInputBox({ title: label, prompt: vscode.l10n.t('Attribute name'), ignoreFocusOut: true, validateInput: (v) => validateAttributeName(v.trim()) });
      if (name === undefined) return undefined;
      const value = await vscode.window.showInputBox({ title: label, prompt: vscode.l10n.t('Value of {0}', inert(name.trim())), ignoreFocusOut: true, validateInput: (v) => validateAttributeValue(v.trim()) });
      if (value === undefined) return undefined;
      const filter = { attributeName: name.trim(), attributeValue: value.trim() };
      const found = await withCancellableProgress(vscode.l10n.t('Listing things with {0} = {1}…', inert(filter.attributeName), inert(filter.attributeValue)), (signal) => ctx.things.listAllThings(filter, signal));
      if (found.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No thing has the attribute {0} = {1}: nothing to assign.', inert(filter.attributeName), inert(filter.attributeValue)));
        return undefined;
      }
      const names = found.map((t) => t.name);
      const where = await locate(ctx, names);
      return { source: `${label} ${filter.attributeName} = ${filter.attributeValue}`, things: names, groupOf: where.groupOf, read: readOf(where) };
    }
    case 'prefix': {
      const prefix = await vscode.window.showInputBox({
        title: label,
        prompt: vscode.l10n.t('Names start with (ListThings has no name filter: every thing is listed, 250 a call, and filtered here)'),
        ignoreFocusOut: true,
        validateInput: (v) => validateThingNamePrefix(v.trim()),
      });
      if (prefix === undefined) return undefined;
      const p = prefix.trim();
      const c = await ctx.count();
      const things = [...c.tally.membership().keys(), ...c.tally.names()].filter((t) => t.startsWith(p)).sort();
      const note = vscode.l10n.t('Found by a full scan of {0} things ({1} ListThings calls), filtered here.', formatCount(c.thingCount), formatCount(c.calls.ListThings || Math.max(1, Math.ceil(c.thingCount / 250))));
      if (things.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No thing name starts with {0}: nothing to assign. {1}', inert(p), note));
        return undefined;
      }
      return { source: `${label} ${p}`, things, groupOf: fromCount(c), read: counted(c), note };
    }
    case 'file':
      return fromFile(ctx, label);
  }
}

async function fromFile(ctx: SourceContext, label: string): Promise<Selection | undefined> {
  const uris = await vscode.window.showOpenDialog({
    title: label,
    canSelectMany: false,
    openLabel: vscode.l10n.t('Use Names'),
    filters: { [vscode.l10n.t('Text or CSV')]: ['txt', 'csv', 'lst'], [vscode.l10n.t('All files')]: ['*'] },
  });
  const uri = uris?.[0];
  if (!uri) return undefined;
  const text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
  const fileName = uri.path.split('/').pop() ?? '';
  let list;
  if (looksLikeCsv(fileName, text)) {
    const header = csvHeader(text);
    const guess = guessNameColumn(header);
    const items = header.map((h, i) => ({ label: inert(h || vscode.l10n.t('(column {0})', i + 1)), index: i, picked: i === guess }));
    if (guess !== undefined) items.unshift(items.splice(guess, 1)[0]);
    const column = await vscode.window.showQuickPick(items, { title: label, placeHolder: vscode.l10n.t('Column that holds the thing names'), ignoreFocusOut: true });
    if (!column) return undefined;
    list = parseNameColumn(text, column.index);
  } else list = parseNameLines(text);
  const why = emptyListReason(list, vscode.l10n.t('The file {0}', inert(fileName)));
  if (why) {
    void vscode.window.showErrorMessage(inert(why));
    return undefined;
  }
  // Which names exist, and where they are: a fresh count (no call), one DescribeThing per name, or a
  // new count, whichever is fewer calls.
  const where = await locate(ctx, list.names);
  const gone = new Set(where.missing);
  const things = list.names.filter((t) => !gone.has(t));
  if (things.length === 0) {
    void vscode.window.showErrorMessage(vscode.l10n.t('None of the {0} names in {1} is a thing in this account and region.', formatCount(list.names.length), inert(fileName)));
    return undefined;
  }
  return { source: `${label} ${fileName}`, things, groupOf: where.groupOf, read: readOf(where), missing: where.missing, badLines: list.bad };
}
