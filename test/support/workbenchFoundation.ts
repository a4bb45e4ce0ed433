// Helpers for the foundation scenarios (test/e2e/foundation.test.ts) on top of the workbench
// harness (workbench.ts, shared by every e2e file and left as it is): tree rows with their position in
// the list (the tree is virtual, so "how many" is read from aria-setsize, not by counting rows in
// sight), the status bar, error items, the quick input's steps, and the emulator's side of a scenario:
// groups made through the SDK, what moto holds, and what the tag layer recorded.
import {
  CreateBillingGroupCommand,
  DescribeBillingGroupCommand,
  IoTClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-iot';
import type { RecordedRequest, TagLayer } from './tagLayer';
import { BILLING_GROUPS_VIEW, SELECTORS, TIMEOUTS, TreeItem, ViewRef, waitUntil, Workbench } from './workbench';

// ---------------------------------------------------------------------------------------------
// The emulator's side.

export const ACCOUNT = '123456789012';

export function arnOf(name: string, region = 'us-east-1'): string {
  return `arn:aws:iot:${region}:${ACCOUNT}:billinggroup/${name}`;
}

export function sdkClient(endpoint: string, region = 'us-east-1'): IoTClient {
  return new IoTClient({ endpoint, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 2 });
}

export interface GroupSpec {
  name: string;
  description?: string;
  tags?: Record<string, string>;
}

/** Creates the groups through the SDK (in the order given), `parallel` at a time. */
export async function createGroups(endpoint: string, groups: readonly GroupSpec[], options: { region?: string; parallel?: number } = {}): Promise<void> {
  const client = sdkClient(endpoint, options.region);
  try {
    const parallel = Math.max(1, options.parallel ?? 1);
    for (let i = 0; i < groups.length; i += parallel) {
      // In batches, so that the emulator still sees them in order batch by batch.
      await Promise.all(
        groups.slice(i, i + parallel).map((g) =>
          client.send(
            new CreateBillingGroupCommand({
              billingGroupName: g.name,
              billingGroupProperties: g.description ? { billingGroupDescription: g.description } : undefined,
              tags: g.tags ? Object.entries(g.tags).map(([Key, Value]) => ({ Key, Value })) : undefined,
            }),
          ),
        ),
      );
    }
  } finally {
    client.destroy();
  }
}

export interface EmulatorGroup {
  name: string;
  arn: string;
  description: string;
}

/** What the emulator holds for this name (undefined: no such group). */
export async function describeInEmulator(endpoint: string, name: string, region = 'us-east-1'): Promise<EmulatorGroup | undefined> {
  const client = sdkClient(endpoint, region);
  try {
    const out = await client.send(new DescribeBillingGroupCommand({ billingGroupName: name }));
    return { name: out.billingGroupName ?? '', arn: out.billingGroupArn ?? '', description: out.billingGroupProperties?.billingGroupDescription ?? '' };
  } catch (e) {
    if (e instanceof ResourceNotFoundException || (e as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw e;
  } finally {
    client.destroy();
  }
}

/** The requests of one operation the tag layer answered (optionally for one group name). */
export function recorded(layer: TagLayer, operation: string, name?: string): RecordedRequest[] {
  return layer.requests.filter((r) => {
    if (r.operation !== operation) return false;
    if (name === undefined) return true;
    if (r.path.split('?')[0] === `/billing-groups/${encodeURIComponent(name)}`) return true;
    // Tag operations name the group by ARN: in the query (ListTagsForResource) or the body.
    const arn = queryOf(r).get('resourceArn') ?? (typeof r.body === 'object' && r.body !== null ? (r.body as { resourceArn?: unknown }).resourceArn : undefined);
    return typeof arn === 'string' && arn.endsWith(`:billinggroup/${name}`);
  });
}

/** Forgets the recorded requests (keeps the tags it holds), so that a scenario counts only its own. */
export function forgetRequests(layer: TagLayer): void {
  layer.requests.splice(0, layer.requests.length);
}

/** One line per recorded request, for assertion messages. */
export function describeRequests(layer: TagLayer): string {
  return layer.requests.map((r) => `${r.method} ${r.path} → ${r.status} (${r.operation ?? '?'})`).join('\n');
}

/** The query parameters of a recorded request. */
export function queryOf(r: RecordedRequest): URLSearchParams {
  return new URL(r.path, 'http://layer.invalid').searchParams;
}

// ---------------------------------------------------------------------------------------------
// The tree.

/**
 * The root item issue 12 adds after the groups (and after "Load more…" or a page's error item)
 * whenever the account has at least one billing group.
 */
export const UNASSIGNED_ITEM = 'Things without a billing group';

/** The top-level labels of a tree that lists these groups: the groups, then the unassigned item. */
export function withUnassigned(groups: readonly string[]): string[] {
  return groups.length > 0 ? [...groups, UNASSIGNED_ITEM] : [];
}

export interface TreeRow extends TreeItem {
  /** aria-posinset: the row's place among its siblings (1-based), whether in sight or not. */
  posInSet: number;
  /** aria-setsize: how many siblings the row has, rows out of sight included. */
  setSize: number;
  /** The row's codicon (e.g. "error", "credit-card", "ellipsis"), '' when none. */
  icon: string;
}

interface RowEl {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  getClientRects(): { length: number };
  querySelector(selector: string): RowEl | null;
  readonly className: string;
}

/** The rows in sight with their position in the whole list and their icon. */
export async function treeRows(wb: Workbench, view: ViewRef = BILLING_GROUPS_VIEW): Promise<TreeRow[]> {
  const pane = wb.viewPane(view);
  if ((await pane.locator(SELECTORS.welcomeContent).filter({ visible: true }).count()) > 0) return [];
  return pane.locator(SELECTORS.treeRow).evaluateAll(
    (rows, sel) =>
      (rows as unknown as RowEl[])
        .filter((r) => r.getClientRects().length > 0)
        .map((r) => {
          const expanded = r.getAttribute('aria-expanded');
          // A ThemeIcon is a codicon class on the icon element or on the label (VS Code versions differ).
          const classes = [r.querySelector('.custom-view-tree-node-item-icon'), r.querySelector('.monaco-icon-label')].map((e) => e?.className ?? '').join(' ');
          const icon = /codicon-([a-z0-9-]+)/.exec(classes)?.[1] ?? '';
          return {
            label: (r.querySelector(sel.label)?.textContent ?? '').trim(),
            description: (r.querySelector(sel.description)?.textContent ?? '').trim(),
            ariaLabel: r.getAttribute('aria-label') ?? '',
            level: Number(r.getAttribute('aria-level') ?? '1'),
            expanded: expanded === null ? undefined : expanded === 'true',
            selected: r.getAttribute('aria-selected') === 'true',
            posInSet: Number(r.getAttribute('aria-posinset') ?? '0'),
            setSize: Number(r.getAttribute('aria-setsize') ?? '0'),
            icon,
          };
        }),
    { label: SELECTORS.treeRowLabel, description: SELECTORS.treeRowDescription },
  );
}

/** Waits until a top-level row says the list has `size` items in all; returns the rows in sight. */
export async function waitForTreeSize(wb: Workbench, size: number, view: ViewRef = BILLING_GROUPS_VIEW): Promise<TreeRow[]> {
  return waitUntil(
    `the tree to hold ${size} top-level items`,
    async () => {
      const rows = (await treeRows(wb, view)).filter((r) => r.level === 1);
      return rows.length > 0 && rows.every((r) => r.setSize === size) ? rows : undefined;
    },
    { timeout: TIMEOUTS.aws, describe: async () => JSON.stringify((await treeRows(wb, view)).slice(-3)) },
  );
}

/** Puts the keyboard in the tree and presses Home or End, as a person scrolls to the top or the bottom. */
export async function scrollTree(wb: Workbench, where: 'Home' | 'End', view: ViewRef = BILLING_GROUPS_VIEW): Promise<TreeRow[]> {
  await wb.moveMouseAway();
  const list = wb.viewPane(view).locator('.monaco-list[role="tree"]').first();
  await list.focus();
  await wb.page.keyboard.press(where);
  return waitUntil(
    `the tree to scroll to its ${where === 'End' ? 'last' : 'first'} item`,
    async () => {
      const rows = (await treeRows(wb, view)).filter((r) => r.level === 1);
      if (rows.length === 0) return undefined;
      const edge = where === 'End' ? rows.some((r) => r.posInSet === r.setSize) : rows.some((r) => r.posInSet === 1);
      return edge ? rows : undefined;
    },
    { describe: async () => JSON.stringify((await treeRows(wb, view)).map((r) => `${r.posInSet}/${r.setSize} ${r.label}`)) },
  );
}

/** Waits until the row with this label is selected (revealed by the extension). */
export async function waitForTreeItemSelected(wb: Workbench, label: string, view: ViewRef = BILLING_GROUPS_VIEW): Promise<TreeRow> {
  return waitUntil(
    `tree item "${label}" to be selected`,
    async () => (await treeRows(wb, view)).find((r) => r.label === label && r.selected),
    { timeout: TIMEOUTS.aws, describe: async () => JSON.stringify((await treeRows(wb, view)).map((r) => `${r.label}${r.selected ? ' (selected)' : ''}`)) },
  );
}

/** Waits until the tree shows a single error item whose label matches; returns it. */
export async function waitForErrorItem(wb: Workbench, text: string | RegExp, view: ViewRef = BILLING_GROUPS_VIEW): Promise<TreeRow> {
  return waitUntil(
    `an error item saying ${String(text)}`,
    async () => {
      const rows = await treeRows(wb, view);
      const row = rows.find((r) => (typeof text === 'string' ? r.label.includes(text) : text.test(r.label)));
      return row && row.icon === 'error' ? row : undefined;
    },
    { timeout: TIMEOUTS.aws, describe: () => wb.describeSidebar(view) },
  );
}

/** Waits until the top-level labels in sight are exactly these, in order. */
export async function waitForTopLevelLabels(wb: Workbench, labels: string[], view: ViewRef = BILLING_GROUPS_VIEW): Promise<TreeRow[]> {
  return waitUntil(
    `the tree to list ${JSON.stringify(labels)}`,
    async () => {
      const rows = (await treeRows(wb, view)).filter((r) => r.level === 1);
      return JSON.stringify(rows.map((r) => r.label)) === JSON.stringify(labels) ? rows : undefined;
    },
    { timeout: TIMEOUTS.aws, describe: () => wb.describeSidebar(view) },
  );
}

// ---------------------------------------------------------------------------------------------
// Status bar.

/** Waits until a status-bar item's text contains `expected`; returns that text. */
export async function waitForStatusBarText(wb: Workbench, expected: string | RegExp): Promise<string> {
  return waitUntil(
    `a status bar item saying ${String(expected)}`,
    async () => (await wb.statusBarItems()).find((t) => (typeof expected === 'string' ? t.includes(expected) : expected.test(t))),
    { timeout: TIMEOUTS.aws, describe: async () => JSON.stringify(await wb.statusBarItems()) },
  );
}

// ---------------------------------------------------------------------------------------------
// Quick input.

/** Presses Enter and waits for the title to become `nextTitle` (the next step). */
export async function acceptQuickInput(wb: Workbench, nextTitle: string | RegExp): Promise<void> {
  await wb.pressEnterInQuickInput();
  await wb.waitForQuickInputTitle(nextTitle);
}

/** Clicks the back button and waits for the title to become `title`. */
export async function backTo(wb: Workbench, title: string | RegExp): Promise<void> {
  await wb.clickQuickInputBack();
  await wb.waitForQuickInputTitle(title);
}

/** Waits until the quick input shows this value (a step reopened with what was typed). */
export async function waitForQuickInputValue(wb: Workbench, value: string): Promise<void> {
  await waitUntil(`the quick input to hold ${JSON.stringify(value)}`, async () => (await wb.quickInputState()).value === value, {
    describe: async () => JSON.stringify(await wb.quickInputState()),
  });
}

// ---------------------------------------------------------------------------------------------
// Editors.

/** The text of the active text editor, as shown (Monaco renders spaces as no-break spaces). */
export async function activeEditorText(wb: Workbench): Promise<string> {
  const lines = wb.page.locator(`${SELECTORS.editorPart} .editor-instance .view-lines`).filter({ visible: true }).first();
  return (await lines.innerText()).replace(/\u00a0/g, ' ');
}

/** Waits until the active editor's text matches. */
export async function waitForEditorText(wb: Workbench, expected: RegExp): Promise<string> {
  return waitUntil(`the editor to show ${String(expected)}`, async () => {
    const text = await activeEditorText(wb).catch(() => '');
    return expected.test(text) ? text : undefined;
  }, { timeout: TIMEOUTS.aws, describe: () => activeEditorText(wb).catch(() => '(no editor)') });
}

// ---------------------------------------------------------------------------------------------
// Screenshots.

interface AnimatedEl {
  getAnimations(options?: { subtree?: boolean }): Array<{ playState: string }>;
}

/** Waits until the open menu has finished fading in (its items are drawn at full strength). */
export async function waitForMenuSettled(wb: Workbench): Promise<void> {
  const menu = wb.page.locator(SELECTORS.menu).filter({ visible: true }).first();
  await menu.waitFor({ state: 'visible' });
  await waitUntil('the menu to finish fading in', async () => {
    const running = await menu.evaluate((el) => {
      // The fade-in sits on the menu's container, a few levels up.
      let n: unknown = el;
      let count = 0;
      for (let i = 0; i < 6 && n; i++) {
        const e = n as AnimatedEl & { parentElement: unknown };
        count += e.getAnimations().filter((a) => a.playState === 'running').length;
        n = e.parentElement;
      }
      return count;
    });
    return running === 0;
  }, { timeout: 5_000 });
}

/** Waits until no notification in sight says `text` (e.g. a finished progress notification has gone). */
export async function waitForNotificationGone(wb: Workbench, text: string | RegExp): Promise<void> {
  await waitUntil(
    `the notification ${String(text)} to go`,
    async () => !(await wb.notifications()).some((m) => (typeof text === 'string' ? m.includes(text) : text.test(m))),
    { timeout: TIMEOUTS.aws, describe: async () => JSON.stringify(await wb.notifications()) },
  );
}

// ---------------------------------------------------------------------------------------------
// Files, editors and the Problems view (the manifest scenarios).

/** Quick Open (Ctrl+P) a workspace file by name and wait for its tab. */
export async function openFile(wb: Workbench, name: string): Promise<void> {
  await wb.moveMouseAway();
  await wb.page.keyboard.press('Control+P');
  const input = wb.page.locator(SELECTORS.quickInputInput);
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  // The file (recently opened or not) is the first, focused entry: Enter opens it.
  await waitUntil(`${name} first in Quick Open`, async () => (await wb.quickInputItems())[0]?.label === name, {
    describe: async () => JSON.stringify((await wb.quickInputItems()).map((i) => i.label)),
  });
  await input.press('Enter');
  await wb.waitForEditorTab(new RegExp(`^${name.replace(/\./g, '\\.')}`));
}

/** Waits until one of the visible editors shows `expected` (a report opens beside its file; a diff has two). */
export async function waitForAnyEditorText(wb: Workbench, expected: RegExp): Promise<string> {
  const texts = async () => (await wb.page.locator(`${SELECTORS.editorPart} .editor-instance .view-lines`).filter({ visible: true }).allInnerTexts()).map((t) => t.replace(/\u00a0/g, ' '));
  return waitUntil(`an editor to show ${String(expected)}`, async () => (await texts()).find((t) => expected.test(t)), { describe: async () => JSON.stringify(await texts()) });
}

/** The messages of the Problems view (opened with Ctrl+Shift+M). */
export async function problems(wb: Workbench, expected: RegExp): Promise<string[]> {
  const rows = wb.page.locator('.markers-panel .monaco-list-row');
  if (!(await rows.first().isVisible().catch(() => false))) {
    await wb.moveMouseAway();
    await wb.page.keyboard.press('Control+Shift+M');
  }
  return waitUntil(`the Problems view to list ${String(expected)}`, async () => {
    const texts = (await rows.filter({ visible: true }).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    return texts.some((t) => expected.test(t)) ? texts : undefined;
  }, { describe: async () => JSON.stringify(await rows.allInnerTexts()) });
}
