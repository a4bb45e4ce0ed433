// More gestures and reads on the workbench, for the lifecycle scenarios (details, things, tags,
// filter, multi-select, drag and drop). Functions taking a Workbench, in the style of its own
// helpers: each waits for the UI state it needs (never a fixed sleep) and fails with what it saw.
import type { Locator } from 'playwright-core';
import { BILLING_GROUPS_VIEW, SELECTORS, TIMEOUTS, TreeItem, ViewRef, waitUntil, Workbench } from './workbench';

/** The little of the DOM the page-side callbacks use (the tests compile without the DOM library). */
interface DomEl {
  readonly textContent: string | null;
  readonly style: { top: string };
  getAttribute(name: string): string | null;
  getClientRects(): { length: number };
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (s: string) => new RegExp(`^\\s*${escapeRegex(s)}\\s*$`);

// ---------------------------------------------------------------------------------------------
// Tree: children, selection with modifiers, drag and drop.

/** The rows in sight under `parent` (the rows after it that are nested deeper), in order. */
export async function treeChildren(wb: Workbench, parent: string, view: ViewRef = BILLING_GROUPS_VIEW): Promise<TreeItem[]> {
  const items = await wb.treeItems(view);
  const i = items.findIndex((it) => it.label === parent);
  if (i < 0) return [];
  const out: TreeItem[] = [];
  for (let j = i + 1; j < items.length && items[j].level > items[i].level; j++) if (items[j].level === items[i].level + 1) out.push(items[j]);
  return out;
}

/** Waits until the children of an (expanded) row are exactly `labels`, in any order; returns them in order. */
export async function waitForTreeChildren(wb: Workbench, parent: string, labels: string[], options: { view?: ViewRef; timeout?: number } = {}): Promise<string[]> {
  const view = options.view ?? BILLING_GROUPS_VIEW;
  const want = JSON.stringify([...labels].sort());
  return waitUntil(
    `the children of "${parent}" to be ${JSON.stringify(labels)}`,
    async () => {
      const kids = (await treeChildren(wb, parent, view)).map((c) => c.label);
      return JSON.stringify([...kids].sort()) === want ? kids : undefined;
    },
    { timeout: options.timeout ?? TIMEOUTS.aws, describe: () => wb.describeSidebar(view) },
  );
}

/** Clicks a row holding modifier keys (ctrl-click adds it to the selection, shift-click selects the range). */
export async function clickTreeItemWith(wb: Workbench, label: string, modifiers: Array<'Control' | 'Shift'>, view: ViewRef = BILLING_GROUPS_VIEW): Promise<void> {
  await wb.waitForTreeItem(label, { view });
  await wb.moveMouseAway();
  await wb.treeItem(label, view).locator(SELECTORS.treeRowLabel).click({ modifiers });
}

/** The labels of the selected rows in sight. */
export async function selectedTreeLabels(wb: Workbench, view: ViewRef = BILLING_GROUPS_VIEW): Promise<string[]> {
  return (await wb.treeItems(view)).filter((i) => i.selected).map((i) => i.label);
}

/** Waits until exactly these rows are selected (in tree order). */
export async function waitForTreeSelection(wb: Workbench, labels: string[], view: ViewRef = BILLING_GROUPS_VIEW): Promise<void> {
  await waitUntil(
    `the selection to be ${JSON.stringify(labels)}`,
    async () => JSON.stringify(await selectedTreeLabels(wb, view)) === JSON.stringify(labels),
    { describe: async () => JSON.stringify(await selectedTreeLabels(wb, view)) },
  );
}

/**
 * Drags the row `source` onto the row `target` with the mouse, as a person does: press on the
 * source, move in steps (the tree starts a drag only after some movement, and highlights the drop
 * target while the pointer is over it), release over the target.
 */
export async function dragTreeItemOnto(wb: Workbench, source: string, target: string, view: ViewRef = BILLING_GROUPS_VIEW): Promise<void> {
  await wb.waitForTreeItem(source, { view });
  await wb.waitForTreeItem(target, { view });
  await wb.moveMouseAway();
  await wb.treeItem(source, view).dragTo(wb.treeItem(target, view), { timeout: TIMEOUTS.ui });
}

// ---------------------------------------------------------------------------------------------
// View title: description and message.

/**
 * The view's description (TreeView.description) as VS Code renders it in the view's header. When
 * the view is alone in its container the header is merged into the container's title, which does
 * not show descriptions: the element is then there but hidden, so this reads its text either way.
 */
export async function viewDescription(wb: Workbench, view: ViewRef = BILLING_GROUPS_VIEW): Promise<string> {
  const d = wb.viewPane(view).locator('.pane-header .description').first();
  if ((await d.count()) === 0) return '';
  return ((await d.textContent()) ?? '').trim();
}

/** The view's message (TreeView.message) shown above the tree, '' when none is visible. */
export async function viewMessage(wb: Workbench, view: ViewRef = BILLING_GROUPS_VIEW): Promise<string> {
  const texts = await wb.viewPane(view).locator(SELECTORS.viewMessage).evaluateAll((els) =>
    (els as unknown as DomEl[]).filter((e) => e.getClientRects().length > 0).map((e) => (e.textContent ?? '').trim()),
  );
  return texts.filter(Boolean).join('\n');
}

/** Waits until the view's message matches (or, with '', until there is none). */
export async function waitForViewMessage(wb: Workbench, expected: string | RegExp, view: ViewRef = BILLING_GROUPS_VIEW): Promise<string> {
  const ok = (m: string) => (expected === '' ? m === '' : typeof expected === 'string' ? m.includes(expected) : expected.test(m));
  return waitUntil(
    expected === '' ? 'the view message to go' : `the view message ${String(expected)}`,
    async () => {
      const m = await viewMessage(wb, view);
      return ok(m) ? m || ' ' : undefined;
    },
    { describe: () => viewMessage(wb, view) },
  );
}

// ---------------------------------------------------------------------------------------------
// Editors.

/** The text editor showing `uri` (e.g. iot-billing-group:/fleet-eu-west.json). */
export function editorOf(wb: Workbench, uri: string): Locator {
  return wb.page.locator(`${SELECTORS.editorPart} .monaco-editor[data-uri="${uri.replace(/"/g, '\\"')}"]`).first();
}

/** The text an editor renders, line by line in document order (all of a short document is in sight). */
export async function editorText(wb: Workbench, uri: string): Promise<string> {
  const lines = await editorOf(wb, uri)
    .locator('.view-lines .view-line')
    .evaluateAll((els) =>
      (els as unknown as DomEl[])
        .map((e) => ({ top: parseFloat(e.style.top) || 0, text: (e.textContent ?? '').replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top)
        .map((l) => l.text),
    );
  return lines.join('\n');
}

/** Waits until the editor of `uri` shows a JSON document (the details view), and returns it parsed. */
export async function waitForEditorJson<T = Record<string, unknown>>(wb: Workbench, uri: string, options: { timeout?: number } = {}): Promise<T> {
  let last = '';
  return waitUntil(
    `the editor of ${uri} to show a JSON document`,
    async () => {
      last = await editorText(wb, uri);
      try {
        return JSON.parse(last) as T;
      } catch {
        return undefined;
      }
    },
    { timeout: options.timeout ?? TIMEOUTS.aws, describe: async () => last || JSON.stringify(await wb.editorTabs()) },
  );
}

/** Clicks into the editor of `uri` and types `text` there (as a person trying to edit it). */
export async function typeInEditor(wb: Workbench, uri: string, text: string): Promise<void> {
  const editor = editorOf(wb, uri);
  await editor.locator('.view-lines').click();
  await waitUntil('the editor to have the focus', async () => /\bfocused\b/.test((await editor.getAttribute('class')) ?? ''), { timeout: 10_000 });
  await wb.page.keyboard.type(text);
}

/** Waits for the message an editor shows over its text (e.g. "Cannot edit in read-only editor"). */
export async function waitForEditorOverlayMessage(wb: Workbench, expected: string | RegExp): Promise<string> {
  const loc = wb.page.locator(`${SELECTORS.editorPart} .monaco-editor-overlaymessage`);
  return waitUntil(
    `the editor message ${String(expected)}`,
    async () => {
      const texts = (await loc.allInnerTexts()).map((t) => t.trim());
      return texts.find((t) => (typeof expected === 'string' ? t.includes(expected) : expected.test(t)));
    },
    { timeout: 10_000, describe: async () => JSON.stringify(await loc.allInnerTexts()) },
  );
}

// ---------------------------------------------------------------------------------------------
// Multi-select quick pick (canPickMany): each entry has a checkbox.

function quickPickRow(wb: Workbench, label: string): Locator {
  return wb.page
    .locator(SELECTORS.quickInputRow)
    .filter({ has: wb.page.locator(SELECTORS.quickInputRowLabel).filter({ hasText: exactly(label) }) })
    .first();
}

/** The labels of the checked entries in sight. */
export async function checkedQuickPickLabels(wb: Workbench): Promise<string[]> {
  const rows = wb.page.locator(`${SELECTORS.quickInputRow}[aria-checked="true"]`);
  return (await rows.locator(SELECTORS.quickInputRowLabel).allInnerTexts()).map((t) => t.trim());
}

/** Ticks the checkbox of the entry `label` (waits for the entry to be listed, then for the tick). */
export async function checkQuickPickItem(wb: Workbench, label: string): Promise<void> {
  await waitUntil(`quick pick entry "${label}"`, async () => (await wb.quickInputItems()).some((i) => i.label === label), {
    timeout: TIMEOUTS.aws,
    describe: async () => JSON.stringify((await wb.quickInputItems()).map((i) => i.label)),
  });
  const row = quickPickRow(wb, label);
  if ((await row.getAttribute('aria-checked')) === 'true') return;
  await row.locator('.monaco-checkbox').click();
  await waitUntil(`quick pick entry "${label}" to be checked`, async () => (await row.getAttribute('aria-checked')) === 'true');
}

/** Clicks the quick input's OK button (accepts a multi-select pick). */
export async function clickQuickInputOk(wb: Workbench): Promise<void> {
  await wb.page.locator(SELECTORS.quickInputOk).filter({ visible: true }).filter({ hasText: exactly('OK') }).first().click();
}
