// Drives the VS Code workbench (served by code-server) in headless Chromium, the way a person does:
// one helper per gesture (click the activity bar, right-click a tree item, run a command from the
// palette, type into the quick input, press a notification's button, ...). Every helper waits for the
// UI state it needs (never a fixed sleep) and fails with what it saw when that state does not come.
//
// A scenario runs inside withWorkbench(): a screenshot after each step() into the run's artifacts
// folder (printed once per run), and on failure a report with the scenario, the step, the last
// screenshot's path and the extension's log.
//
// Selectors (VS Code 1.100 DOM, see SELECTORS below) prefer ids, roles and aria-labels.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, Browser, BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import { CodeServer, CodeServerOptions, REPO_ROOT, startCodeServer } from './codeServer';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** The contract's names (package.json). */
export const CONTAINER = { id: 'iotBillingGroups', title: 'AWS IoT Billing Groups' } as const;
export const BILLING_GROUPS_VIEW = { id: 'iotBillingGroups.billingGroups', name: 'Billing Groups' } as const;
export const EXTENSION_ID = 'iot-fleet-tools.aws-iot-billing-groups';

export interface ViewRef {
  /** The view id, e.g. iotBillingGroups.billingGroups. */
  id: string;
  /** The view's name as shown, e.g. Billing Groups. */
  name: string;
}

/** Generous: the machine has 2 cores and the workbench, the extension host and moto share them. */
export const TIMEOUTS = {
  workbench: 60_000,
  ui: 30_000,
  /** An AWS call through the extension to the emulator and back into the UI. */
  aws: 45_000,
} as const;

/** The CSS of the workbench parts the helpers use (VS Code 1.100). */
export const SELECTORS = {
  workbench: '.monaco-workbench',
  activityBar: '.part.activitybar',
  activityItemOfContainer: (id: string) => `.part.activitybar a.action-label[class*="activity-workbench-view-extension-${id}-"]`,
  activityItemByTitle: (title: string) => `.part.activitybar a.action-label[aria-label="${title}"], .part.activitybar a.action-label[aria-label^="${title} ("]`,
  sidebar: '.part.sidebar',
  editorPart: '.part.editor',
  statusBar: '.part.statusbar',
  pane: '.pane',
  paneHeaderOfView: (view: ViewRef) =>
    `.pane-header .view-${view.id.replace(/[.:]/g, '-')}, .pane-header[aria-label="${view.name} Section"]`,
  treeRow: '.monaco-list[role="tree"] .monaco-list-row[role="treeitem"]',
  treeRowLabel: '.monaco-icon-label .label-name',
  treeRowDescription: '.monaco-icon-label .label-description',
  welcomeContent: '.welcome-view-content',
  viewMessage: '.tree-explorer-viewlet-tree-view .message:not(.hide)',
  progressBusy: '.monaco-progress-container.active, .monaco-progress-container.infinite',
  /** The visible title-bar toolbars of the sidebar: the container's (merged header) and each pane's. */
  titleActions: '.composite.title .title-actions, .pane-header .actions',
  moreActions: 'a.action-label.codicon-toolbar-more',
  menu: '.monaco-menu',
  menuItem: '.monaco-menu .action-item',
  menuItemLink: '[role="menuitem"]',
  hover: '.monaco-hover, .workbench-hover',
  quickInput: '.quick-input-widget',
  quickInputInput: '.quick-input-widget .quick-input-box input',
  quickInputTitle: '.quick-input-widget .quick-input-title',
  quickInputMessage: '.quick-input-widget .quick-input-message',
  quickInputBox: '.quick-input-widget .monaco-inputbox',
  quickInputRow: '.quick-input-widget .quick-input-list .monaco-list-row',
  quickInputRowLabel: '.quick-input-list-row .label-name',
  quickInputRowDescription: '.quick-input-list-row .label-description',
  quickInputBack: '.quick-input-widget .quick-input-left-action-bar a.action-label',
  quickInputOk: '.quick-input-widget .quick-input-action .monaco-button',
  toast: '.notifications-toasts .notification-toast',
  notificationCenter: '.notifications-center',
  notificationItem: '.notification-list-item',
  notificationMessage: '.notification-list-item-message',
  notificationButton: '.notification-list-item-buttons-container .monaco-button',
  notificationBell: '.part.statusbar .statusbar-item[id="status.notifications"] a, .part.statusbar .statusbar-item a[aria-label^="Notifications"], .part.statusbar .statusbar-item a[aria-label^="No Notifications"]',
  dialog: '.monaco-dialog-box',
  dialogMessage: '.monaco-dialog-box .dialog-message-text',
  dialogDetail: '.monaco-dialog-box .dialog-message-detail',
  dialogButton: '.monaco-dialog-box .dialog-buttons .monaco-button',
  webviewOuter: 'iframe.webview.ready',
  webviewInner: 'iframe#active-frame',
  editorTab: '.part.editor .tabs-container .tab',
} as const;

// ---------------------------------------------------------------------------------------------
// Artifacts: one folder per `node --test` run, shared by its test files (each runs in its own
// process, all children of the same runner), one subfolder per scenario.

let runDir: string | undefined;

/** `.e2e-artifacts/<timestamp>/` (or $E2E_ARTIFACTS_DIR), created and printed once per run. */
export function artifactsRunDir(): string {
  if (runDir) return runDir;
  if (process.env.E2E_ARTIFACTS_DIR) {
    runDir = path.resolve(process.env.E2E_ARTIFACTS_DIR);
    fs.mkdirSync(runDir, { recursive: true });
    return runDir;
  }
  const base = path.join(REPO_ROOT, '.e2e-artifacts');
  fs.mkdirSync(base, { recursive: true });
  // The test runner is our parent: files of the same run find the folder its first file made.
  const marker = path.join(base, `.run-of-pid-${process.ppid}`);
  try {
    const existing = fs.readFileSync(marker, 'utf8').trim();
    if (existing && fs.existsSync(existing) && Date.now() - fs.statSync(marker).mtimeMs < 6 * 3600_000) {
      runDir = existing;
      return runDir;
    }
  } catch {
    /* first file of this run */
  }
  const stamp = new Date().toISOString().replace(/[:]/g, '-').replace(/\..*$/, '');
  runDir = path.join(base, stamp);
  for (let i = 2; fs.existsSync(runDir); i++) runDir = path.join(base, `${stamp}-${i}`);
  fs.mkdirSync(runDir, { recursive: true });
  fs.writeFileSync(marker, runDir);
  for (const f of fs.readdirSync(base)) {
    // Markers of earlier runs are of no use once they ended.
    const p = path.join(base, f);
    if (f.startsWith('.run-of-pid-') && p !== marker && Date.now() - fs.statSync(p).mtimeMs > 6 * 3600_000) fs.rmSync(p, { force: true });
  }
  console.log(`e2e artifacts (screenshots, failure reports): ${runDir}`);
  return runDir;
}

export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'step'
  );
}

// ---------------------------------------------------------------------------------------------
// Waiting on conditions.

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls `probe` until it returns something other than undefined/false; throws with `what` and the
 * last observed state when the timeout passes. This waits on a condition; the short interval is
 * only how often it looks.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  options: { timeout?: number; interval?: number; describe?: () => Promise<string> } = {},
): Promise<T> {
  const timeout = options.timeout ?? TIMEOUTS.ui;
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      let seen = '';
      if (options.describe) {
        try {
          seen = `\nWhat was there: ${await options.describe()}`;
        } catch {
          /* nothing to add */
        }
      }
      const err = lastError instanceof Error ? `\nLast error: ${lastError.message.split('\n')[0]}` : '';
      throw new Error(`Timed out after ${timeout} ms waiting for ${what}.${seen}${err}`);
    }
    await pause(options.interval ?? 150);
  }
}

function matches(text: string, expected: string | RegExp): boolean {
  return typeof expected === 'string' ? text.includes(expected) : expected.test(text);
}

function exactOrRegex(text: string, expected: string | RegExp): boolean {
  return typeof expected === 'string' ? text === expected : expected.test(text);
}

/** The little of the DOM the page-side callbacks use (the tests compile without the DOM library). */
interface DomEl {
  readonly textContent: string | null;
  readonly classList: { contains(c: string): boolean };
  getAttribute(name: string): string | null;
  getClientRects(): { length: number };
  querySelector(selector: string): DomEl | null;
  querySelectorAll(selector: string): ArrayLike<DomEl>;
}

const cssString = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

async function visibleTexts(loc: Locator): Promise<string[]> {
  return loc.evaluateAll((els) =>
    (els as unknown as DomEl[]).filter((e) => e.getClientRects().length > 0).map((e) => (e.textContent ?? '').trim()),
  );
}

// ---------------------------------------------------------------------------------------------

export interface TreeItem {
  /** The visible label. */
  label: string;
  /** The description shown after the label ('' when none). */
  description: string;
  /** The row's aria-label (the item's accessibility label, e.g. "Billing group alpha"). */
  ariaLabel: string;
  /** 1 for top-level items. */
  level: number;
  /** undefined for leaves. */
  expanded: boolean | undefined;
  selected: boolean;
}

export interface QuickInputItem {
  label: string;
  description: string;
  ariaLabel: string;
  focused: boolean;
}

export interface QuickInputState {
  title: string;
  value: string;
  placeholder: string;
  /** The text under the input: validation message, or the prompt. */
  message: string;
  /** The input box shows an error (validation failed). */
  hasError: boolean;
  items: QuickInputItem[];
}

export interface NotificationInfo {
  message: string;
  source: string;
  buttons: string[];
}

export interface DialogInfo {
  message: string;
  detail: string;
  buttons: string[];
}

export interface WelcomeInfo {
  /** The paragraphs of the welcome content, in order. */
  text: string[];
  buttons: string[];
}

export interface WorkbenchOpenOptions {
  /** Names the artifacts subfolder and the failure report. */
  scenario: string;
  /** A folder to open; null opens an empty window; default: the server's workspace folder. */
  folder?: string | null;
  viewport?: { width: number; height: number };
}

export class Workbench {
  /** The scenario's artifacts folder. */
  readonly artifactsDir: string;
  private stepNo = 0;
  private currentStep = '(opening the workbench)';
  private lastShot: string | undefined;
  private readonly consoleErrors: string[] = [];

  private constructor(
    readonly scenario: string,
    readonly server: CodeServer,
    readonly browser: Browser,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    this.artifactsDir = path.join(artifactsRunDir(), slug(scenario));
    fs.mkdirSync(this.artifactsDir, { recursive: true });
    page.on('console', (m) => {
      // The extension host's stderr comes through as console errors; the SDK's Node-version notice is noise.
      if (m.type() === 'error' && !m.text().includes('NodeVersionSupportWarning')) this.consoleErrors.push(m.text().slice(0, 500));
      if (this.consoleErrors.length > 50) this.consoleErrors.shift();
    });
    page.on('pageerror', (e) => this.consoleErrors.push(`pageerror: ${e.message.slice(0, 500)}`));
  }

  /** Launches Chromium, opens the workbench of `server` and waits until it is ready. */
  static async open(server: CodeServer, options: WorkbenchOpenOptions): Promise<Workbench> {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: TIMEOUTS.workbench });
    try {
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 1280, height: 800 },
        permissions: ['clipboard-read', 'clipboard-write'],
        reducedMotion: 'reduce',
      });
      context.setDefaultTimeout(TIMEOUTS.ui);
      const page = await context.newPage();
      const wb = new Workbench(options.scenario, server, browser, context, page);
      await page.goto(server.workbenchUrl(options.folder), { timeout: TIMEOUTS.workbench });
      await wb.waitForWorkbenchReady();
      return wb;
    } catch (e) {
      await browser.close().catch(() => undefined);
      throw e;
    }
  }

  /**
   * "Developer: Reload Window", as a person reloads it. Not the browser's reload: VS Code web saves
   * the editors' state (webview state included) to IndexedDB on an expected shutdown and waits for
   * it; on a browser reload it can only start that write, which the unload may cut short.
   */
  async reloadWindow(): Promise<void> {
    const main = this.page.mainFrame();
    const navigated = this.page.waitForEvent('framenavigated', { predicate: (f) => f === main, timeout: TIMEOUTS.workbench });
    await this.runCommand('Developer: Reload Window').catch(async (e: unknown) => {
      // The palette's hand-over check may run into the page going away; the navigation decides.
      if (!(await navigated.then(() => true, () => false))) throw e;
    });
    await navigated;
    await this.page.waitForLoadState('domcontentloaded', { timeout: TIMEOUTS.workbench });
    await this.waitForWorkbenchReady();
  }

  /** The workbench has laid out its parts (activity bar, sidebar area, status bar). */
  async waitForWorkbenchReady(): Promise<void> {
    const { page } = this;
    await page.locator(SELECTORS.workbench).waitFor({ state: 'visible', timeout: TIMEOUTS.workbench });
    await page.locator(SELECTORS.activityBar).waitFor({ state: 'visible', timeout: TIMEOUTS.workbench });
    await page.locator(SELECTORS.statusBar).waitFor({ state: 'visible', timeout: TIMEOUTS.workbench });
    // The remote connection is up once the built-in Explorer item and the remote indicator exist.
    await page.locator('.part.activitybar a.action-label.codicon-explorer-view-icon').waitFor({ timeout: TIMEOUTS.workbench });
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
  }

  // -------------------------------------------------------------------------------------------
  // Steps, screenshots and failure reports.

  /** Runs one step of the scenario; a screenshot after it (or at its failure), named after it. */
  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.stepNo++;
    this.currentStep = `${this.stepNo}. ${name}`;
    try {
      const result = await fn();
      await this.screenshot(name);
      this.currentStep = `after step ${this.stepNo}. ${name}`;
      return result;
    } catch (e) {
      await this.screenshot(`${name} FAILED`).catch(() => undefined);
      throw e;
    }
  }

  /** Saves a screenshot as NN-name.png in the scenario's folder; returns its path. */
  async screenshot(name: string): Promise<string> {
    const file = path.join(this.artifactsDir, `${String(this.stepNo).padStart(2, '0')}-${slug(name)}.png`);
    await this.page.screenshot({ path: file, timeout: 15_000 });
    this.lastShot = file;
    return file;
  }

  get lastScreenshot(): string | undefined {
    return this.lastShot;
  }

  /** The step running now (or the one that failed), e.g. "3. create from the palette". */
  get currentStepName(): string {
    return this.currentStep;
  }

  /** The report a failure prints: scenario, step, last screenshot, error, logs. Also saved as failure.txt. */
  failureReport(error: unknown): string {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    const report = [
      '',
      '================ E2E FAILURE ================',
      `scenario:        ${this.scenario}`,
      `step:            ${this.currentStep}`,
      `last screenshot: ${this.lastShot ?? '(none)'}`,
      `artifacts:       ${this.artifactsDir}`,
      `error:           ${message}`,
      this.consoleErrors.length ? `--- browser console errors (last ${Math.min(10, this.consoleErrors.length)}) ---\n${this.consoleErrors.slice(-10).join('\n')}` : '',
      this.server.diagnostics(),
      '=============================================',
    ]
      .filter(Boolean)
      .join('\n');
    try {
      fs.writeFileSync(path.join(this.artifactsDir, 'failure.txt'), report);
    } catch {
      /* the report is printed anyway */
    }
    return report;
  }

  // -------------------------------------------------------------------------------------------
  // Pointer hygiene: a hover left over from the last gesture can cover the next target.

  /**
   * Moves the pointer to the middle of the editor area (away from the tree, the bars and the toasts
   * in the bottom-right corner) and waits for hovers to go.
   */
  async moveMouseAway(): Promise<void> {
    const box = await this.page.locator(SELECTORS.editorPart).boundingBox();
    const vp = this.page.viewportSize() ?? { width: 1280, height: 800 };
    const x = box && box.width > 40 ? box.x + box.width / 2 : vp.width / 2;
    const y = box && box.height > 40 ? box.y + box.height * 0.45 : vp.height / 2;
    await this.page.mouse.move(x, y);
    await waitUntil('hovers to close', async () => (await this.page.locator(SELECTORS.hover).filter({ visible: true }).count()) === 0, {
      timeout: 5_000,
    }).catch(() => undefined); // a sticky hover is left alone: Escape could cancel a quick input or dialog
  }

  // -------------------------------------------------------------------------------------------
  // Activity bar and views.

  /** The activity-bar item of a view container (by id, falling back to its title). */
  activityItem(container: { id: string; title: string } = CONTAINER): Locator {
    return this.page.locator(`${SELECTORS.activityItemOfContainer(container.id)}, ${SELECTORS.activityItemByTitle(container.title)}`).first();
  }

  /** Clicks the container's activity-bar icon (unless it is already open) and waits for its sidebar. */
  async openViewContainer(container: { id: string; title: string } = CONTAINER): Promise<void> {
    const item = this.activityItem(container);
    await item.waitFor({ state: 'visible', timeout: TIMEOUTS.workbench });
    const viewlet = this.page.locator(`${SELECTORS.sidebar} #workbench\\.view\\.extension\\.${container.id}`);
    const open = await viewlet.isVisible();
    if (!open) {
      await this.moveMouseAway();
      await item.click();
    }
    await viewlet.waitFor({ state: 'visible', timeout: TIMEOUTS.ui });
    await this.moveMouseAway(); // the item's tooltip would cover the sidebar in screenshots
  }

  /** The pane of a view in the sidebar. */
  viewPane(view: ViewRef = BILLING_GROUPS_VIEW): Locator {
    return this.page
      .locator(`${SELECTORS.sidebar} ${SELECTORS.pane}`)
      .filter({ has: this.page.locator(SELECTORS.paneHeaderOfView(view)) })
      .first();
  }

  /**
   * Waits until the view shows content: tree rows, its welcome content or a message; returns which.
   */
  async waitForView(view: ViewRef = BILLING_GROUPS_VIEW, options: { timeout?: number } = {}): Promise<'tree' | 'welcome' | 'message'> {
    const pane = this.viewPane(view);
    return waitUntil(
      `view "${view.name}" (${view.id}) to show its tree, welcome content or message`,
      async () => {
        if (!(await pane.isVisible())) return undefined;
        if ((await pane.locator(SELECTORS.welcomeContent).filter({ visible: true }).count()) > 0) return 'welcome' as const;
        if ((await pane.locator(SELECTORS.treeRow).filter({ visible: true }).count()) > 0) return 'tree' as const;
        if ((await pane.locator(SELECTORS.viewMessage).filter({ visible: true }).count()) > 0) return 'message' as const;
        return undefined;
      },
      { timeout: options.timeout ?? TIMEOUTS.aws, describe: () => this.describeSidebar() },
    );
  }

  /** The rows the view renders now (the tree is virtual: only rows in sight are in the page). */
  async treeItems(view: ViewRef = BILLING_GROUPS_VIEW): Promise<TreeItem[]> {
    const pane = this.viewPane(view);
    if ((await pane.locator(SELECTORS.welcomeContent).filter({ visible: true }).count()) > 0) return [];
    return pane.locator(SELECTORS.treeRow).evaluateAll(
      (rows, sel) =>
        (rows as unknown as DomEl[])
          .filter((r) => r.getClientRects().length > 0)
          .map((r) => {
            const expanded = r.getAttribute('aria-expanded');
            return {
              label: (r.querySelector(sel.label)?.textContent ?? '').trim(),
              description: (r.querySelector(sel.description)?.textContent ?? '').trim(),
              ariaLabel: r.getAttribute('aria-label') ?? '',
              level: Number(r.getAttribute('aria-level') ?? '1'),
              expanded: expanded === null ? undefined : expanded === 'true',
              selected: r.getAttribute('aria-selected') === 'true',
            };
          }),
      { label: SELECTORS.treeRowLabel, description: SELECTORS.treeRowDescription },
    );
  }

  /** The labels of the rows in sight. */
  async treeLabels(view: ViewRef = BILLING_GROUPS_VIEW): Promise<string[]> {
    return (await this.treeItems(view)).map((i) => i.label);
  }

  /** The row whose visible label is `label` (exactly; a RegExp tests it). */
  treeItem(label: string | RegExp, view: ViewRef = BILLING_GROUPS_VIEW): Locator {
    const text = typeof label === 'string' ? new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : label;
    return this.viewPane(view)
      .locator(SELECTORS.treeRow)
      .filter({ has: this.page.locator(SELECTORS.treeRowLabel).filter({ hasText: text }) })
      .first();
  }

  /** Waits until a row with this label is in the view; returns its state. */
  async waitForTreeItem(label: string | RegExp, options: { view?: ViewRef; timeout?: number } = {}): Promise<TreeItem> {
    const view = options.view ?? BILLING_GROUPS_VIEW;
    return waitUntil(
      `tree item "${label}" in view "${view.name}"`,
      async () => (await this.treeItems(view)).find((i) => exactOrRegex(i.label, label)),
      { timeout: options.timeout ?? TIMEOUTS.aws, describe: () => this.describeSidebar(view) },
    );
  }

  /** Waits until no row has this label. */
  async waitForTreeItemGone(label: string | RegExp, options: { view?: ViewRef; timeout?: number } = {}): Promise<void> {
    const view = options.view ?? BILLING_GROUPS_VIEW;
    await waitUntil(
      `tree item "${label}" to leave view "${view.name}"`,
      async () => (await this.viewPane(view).isVisible()) && !(await this.treeItems(view)).some((i) => exactOrRegex(i.label, label)),
      { timeout: options.timeout ?? TIMEOUTS.aws, describe: () => this.describeSidebar(view) },
    );
  }

  /** Waits until the labels in sight are exactly `labels`, in order. */
  async waitForTreeLabels(labels: string[], options: { view?: ViewRef; timeout?: number } = {}): Promise<void> {
    const view = options.view ?? BILLING_GROUPS_VIEW;
    await waitUntil(
      `tree labels to be ${JSON.stringify(labels)}`,
      async () => JSON.stringify(await this.treeLabels(view)) === JSON.stringify(labels),
      { timeout: options.timeout ?? TIMEOUTS.aws, describe: () => this.describeSidebar(view) },
    );
  }

  /** Clicks a row (selects it; a leaf with a command runs it). */
  async clickTreeItem(label: string | RegExp, view: ViewRef = BILLING_GROUPS_VIEW): Promise<void> {
    await this.waitForTreeItem(label, { view });
    await this.moveMouseAway();
    await this.treeItem(label, view).click();
  }

  /** Expands a collapsed row by its twistie and waits until it says so. */
  async expandTreeItem(label: string | RegExp, view: ViewRef = BILLING_GROUPS_VIEW): Promise<void> {
    const item = await this.waitForTreeItem(label, { view });
    if (item.expanded === true) return;
    await this.moveMouseAway();
    await this.treeItem(label, view).locator('.monaco-tl-twistie').click();
    await waitUntil(`tree item "${label}" to expand`, async () => (await this.treeItem(label, view).getAttribute('aria-expanded')) === 'true');
  }

  /** Hovers a row and clicks one of its inline actions (by title). */
  async clickTreeItemInlineAction(label: string | RegExp, actionTitle: string, view: ViewRef = BILLING_GROUPS_VIEW): Promise<void> {
    await this.waitForTreeItem(label, { view });
    const row = this.treeItem(label, view);
    await row.hover();
    const action = row.locator(`.actions a.action-label[aria-label="${cssString(actionTitle)}"], .actions a.action-label[aria-label^="${cssString(actionTitle)} ("]`).first();
    await action.waitFor({ state: 'visible' });
    await action.click();
  }

  /**
   * The hover (tooltip) text of a row: points at its label and waits for the tooltip. The first
   * pointing at an item whose tooltip the extension resolves lazily does not always show it, so it
   * points again (as a person would) until one shows, within the timeout.
   */
  async treeItemTooltip(label: string | RegExp, options: { view?: ViewRef; timeout?: number } = {}): Promise<string> {
    const view = options.view ?? BILLING_GROUPS_VIEW;
    await this.waitForTreeItem(label, { view });
    const hover = this.page.locator(SELECTORS.hover).filter({ visible: true }).first();
    return waitUntil(
      `the tooltip of tree item "${label}"`,
      async () => {
        await this.moveMouseAway();
        // VS Code shows tree hovers only while the tree is focused (not, say, while a webview is).
        await this.viewPane(view).locator('.monaco-list[role="tree"]').first().focus();
        await this.treeItem(label, view).locator(SELECTORS.treeRowLabel).hover();
        try {
          await hover.waitFor({ state: 'visible', timeout: 4_000 });
          const text = (await hover.innerText()).trim();
          return typeof label === 'string' && !text.includes(label) ? undefined : text;
        } catch {
          return undefined;
        }
      },
      { timeout: options.timeout ?? TIMEOUTS.aws },
    );
  }

  // -------------------------------------------------------------------------------------------
  // Context menus.

  /** Right-clicks a row; returns the labels of the context menu that opens (it stays open). */
  async openTreeItemContextMenu(label: string | RegExp, view: ViewRef = BILLING_GROUPS_VIEW): Promise<string[]> {
    await this.waitForTreeItem(label, { view });
    await this.moveMouseAway();
    await this.treeItem(label, view).click({ button: 'right' });
    return this.waitForMenu();
  }

  /** Waits for an open menu and returns its item labels (separators left out). */
  async waitForMenu(): Promise<string[]> {
    const items = this.page.locator(`${SELECTORS.menuItem} ${SELECTORS.menuItemLink}`);
    await items.first().waitFor({ state: 'visible' });
    return (await items.locator('.action-label').allTextContents()).map((t) => t.trim()).filter(Boolean);
  }

  /**
   * Clicks an item of the open menu. Like a person it points at the item first and clicks once it
   * is highlighted: VS Code ignores a click that lands on a menu in the instant it opens.
   */
  async clickMenuItem(label: string): Promise<void> {
    const item = this.page
      .locator(SELECTORS.menuItem)
      .filter({ has: this.page.locator(SELECTORS.menuItemLink).filter({ has: this.page.locator('.action-label', { hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }) }) })
      .first();
    await item.waitFor({ state: 'visible' });
    await item.hover();
    await waitUntil(`menu item "${label}" to be highlighted`, async () => /\bfocused\b/.test((await item.getAttribute('class')) ?? ''), { timeout: 5_000 }).catch(
      () => undefined,
    );
    await item.locator(SELECTORS.menuItemLink).click();
    await waitUntil(`the menu to close after "${label}"`, async () => (await this.page.locator(SELECTORS.menu).filter({ visible: true }).count()) === 0, {
      timeout: 10_000,
    });
  }

  /** Right-click a row, then click one of its context-menu items. */
  async runTreeItemContextMenu(label: string | RegExp, menuItem: string, view: ViewRef = BILLING_GROUPS_VIEW): Promise<void> {
    const labels = await this.openTreeItemContextMenu(label, view);
    if (!labels.includes(menuItem)) {
      await this.closeMenu();
      throw new Error(`context menu of "${label}" has no "${menuItem}"; it has: ${JSON.stringify(labels)}`);
    }
    await this.clickMenuItem(menuItem);
  }

  /** Closes an open menu with Escape. */
  async closeMenu(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await waitUntil('the menu to close', async () => (await this.page.locator(SELECTORS.menu).filter({ visible: true }).count()) === 0, { timeout: 10_000 });
  }

  // -------------------------------------------------------------------------------------------
  // View title bar.

  private titleToolbar(): Locator {
    return this.page.locator(SELECTORS.sidebar).locator(SELECTORS.titleActions).filter({ visible: true });
  }

  /** The titles of the visible title-bar buttons of the open sidebar (not those in "More Actions"). */
  async viewTitleActions(): Promise<string[]> {
    const labels = await this.titleToolbar().locator('a.action-label[role="button"]').evaluateAll((els) =>
      (els as unknown as DomEl[]).filter((e) => e.getClientRects().length > 0).map((e) => e.getAttribute('aria-label') ?? ''),
    );
    return labels.filter(Boolean);
  }

  /**
   * Clicks a view title-bar action by its title: a button when it has one, else the item of the
   * "More Actions..." menu.
   */
  async clickViewTitleAction(title: string): Promise<void> {
    const t = cssString(title);
    await this.moveMouseAway();
    const button = this.titleToolbar().locator(`a.action-label[role="button"][aria-label="${t}"], a.action-label[role="button"][aria-label^="${t} ("]`).filter({ visible: true });
    if ((await button.count()) > 0) {
      await button.first().click();
      return;
    }
    const more = this.titleToolbar().locator(SELECTORS.moreActions).filter({ visible: true }).first();
    await more.click();
    const labels = await this.waitForMenu();
    if (!labels.includes(title)) {
      await this.closeMenu();
      throw new Error(`no view title action "${title}"; buttons: ${JSON.stringify(await this.viewTitleActions())}, more: ${JSON.stringify(labels)}`);
    }
    await this.clickMenuItem(title);
  }

  /** The items of the title bar's "More Actions..." menu (opens and closes it). */
  async viewTitleMoreActions(): Promise<string[]> {
    await this.moveMouseAway();
    await this.titleToolbar().locator(SELECTORS.moreActions).filter({ visible: true }).first().click();
    const labels = await this.waitForMenu();
    await this.closeMenu();
    return labels;
  }

  // -------------------------------------------------------------------------------------------
  // Welcome view.

  /** The welcome content of a view: its paragraphs and buttons (waits for it to show). */
  async welcomeView(view: ViewRef = BILLING_GROUPS_VIEW, options: { timeout?: number } = {}): Promise<WelcomeInfo> {
    const content = this.viewPane(view).locator(SELECTORS.welcomeContent).filter({ visible: true }).first();
    await content.waitFor({ state: 'visible', timeout: options.timeout ?? TIMEOUTS.aws });
    const text = (await content.locator('p').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
    const buttons = (await content.locator('.monaco-button').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
    return { text, buttons };
  }

  /** Waits until the welcome content contains `text`. */
  async waitForWelcomeText(text: string | RegExp, view: ViewRef = BILLING_GROUPS_VIEW, options: { timeout?: number } = {}): Promise<WelcomeInfo> {
    return waitUntil(
      `welcome view of "${view.name}" to say ${String(text)}`,
      async () => {
        const content = this.viewPane(view).locator(SELECTORS.welcomeContent).filter({ visible: true });
        if ((await content.count()) === 0) return undefined;
        const info = await this.welcomeView(view, { timeout: 1_000 });
        return info.text.some((p) => matches(p, text)) ? info : undefined;
      },
      { timeout: options.timeout ?? TIMEOUTS.aws, describe: () => this.describeSidebar(view) },
    );
  }

  /** Clicks a button of the welcome content. */
  async clickWelcomeButton(label: string, view: ViewRef = BILLING_GROUPS_VIEW): Promise<void> {
    const content = this.viewPane(view).locator(SELECTORS.welcomeContent).filter({ visible: true }).first();
    await content.waitFor({ state: 'visible', timeout: TIMEOUTS.aws });
    await this.moveMouseAway();
    await content.locator('.monaco-button').filter({ hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }).first().click();
  }

  // -------------------------------------------------------------------------------------------
  // Command palette and quick input.

  /**
   * Runs a command through the palette like a person: F1, type its title ("AWS IoT: Create Billing
   * Group"), and Enter once that exact command is the highlighted entry (else click that entry).
   */
  async runCommand(title: string): Promise<void> {
    await this.moveMouseAway();
    await this.page.keyboard.press('F1');
    const input = this.page.locator(SELECTORS.quickInputInput);
    await input.waitFor({ state: 'visible' });
    await waitUntil('the command palette ("> " prompt)', async () => (await input.inputValue()).startsWith('>'), { timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = await waitUntil(
      `command "${title}" in the palette`,
      async () => {
        const items = await this.quickInputItems();
        const i = items.findIndex((it) => it.label === title);
        return i >= 0 ? { index: i, item: items[i] } : undefined;
      },
      { describe: async () => JSON.stringify((await this.quickInputItems()).map((i) => i.label)) },
    );
    if (row.item.focused) await input.press('Enter');
    else await this.page.locator(SELECTORS.quickInputRow).nth(row.index).click();
    // The palette either closes or turns into the command's own quick input.
    await waitUntil(
      `the palette to hand over after "${title}"`,
      async () => !(await this.page.locator(SELECTORS.quickInput).isVisible()) || !(await input.inputValue()).startsWith(`>${title}`),
      { timeout: 10_000 },
    );
  }

  /** The quick input is open. */
  async isQuickInputOpen(): Promise<boolean> {
    return this.page.locator(SELECTORS.quickInput).isVisible();
  }

  /** Waits until the quick input is open; returns its state. */
  async waitForQuickInput(options: { title?: string | RegExp; timeout?: number } = {}): Promise<QuickInputState> {
    return waitUntil(
      options.title ? `quick input titled ${String(options.title)}` : 'the quick input to open',
      async () => {
        if (!(await this.isQuickInputOpen())) return undefined;
        const s = await this.quickInputState();
        return !options.title || matches(s.title, options.title) ? s : undefined;
      },
      { timeout: options.timeout ?? TIMEOUTS.ui, describe: async () => JSON.stringify(await this.quickInputState().catch(() => 'closed')) },
    );
  }

  /** Waits until the quick input has closed. */
  async waitForQuickInputClosed(options: { timeout?: number } = {}): Promise<void> {
    await waitUntil('the quick input to close', async () => !(await this.isQuickInputOpen()), {
      timeout: options.timeout ?? TIMEOUTS.ui,
      describe: async () => JSON.stringify(await this.quickInputState().catch(() => 'closed')),
    });
  }

  /** Title (with the step counter, e.g. "Create Billing Group (2/4)"), value, message, error, items. */
  async quickInputState(): Promise<QuickInputState> {
    const { page } = this;
    const box = page.locator(SELECTORS.quickInputBox).first();
    const input = page.locator(SELECTORS.quickInputInput);
    return {
      title: ((await page.locator(SELECTORS.quickInputTitle).filter({ visible: true }).allInnerTexts())[0] ?? '').trim(),
      value: await input.inputValue(),
      placeholder: (await input.getAttribute('placeholder')) ?? '',
      message: ((await page.locator(SELECTORS.quickInputMessage).filter({ visible: true }).allInnerTexts())[0] ?? '').trim(),
      hasError: /\berror\b/.test((await box.getAttribute('class')) ?? ''),
      items: await this.quickInputItems(),
    };
  }

  /** The entries of the quick pick in sight. */
  async quickInputItems(): Promise<QuickInputItem[]> {
    return this.page.locator(SELECTORS.quickInputRow).evaluateAll(
      (rows, sel) =>
        (rows as unknown as DomEl[])
          .filter((r) => r.getClientRects().length > 0)
          .map((r) => ({
            label: (r.querySelector(sel.label)?.textContent ?? '').trim(),
            description: (r.querySelector(sel.description)?.textContent ?? '').trim(),
            ariaLabel: r.getAttribute('aria-label') ?? '',
            focused: r.classList.contains('focused'),
          })),
      { label: SELECTORS.quickInputRowLabel, description: SELECTORS.quickInputRowDescription },
    );
  }

  /** Replaces the quick input's text with `text` (as typing would; validation runs on it). */
  async typeInQuickInput(text: string): Promise<void> {
    const input = this.page.locator(SELECTORS.quickInputInput);
    await input.waitFor({ state: 'visible' });
    await input.fill(text);
  }

  /** Presses Enter in the quick input (accepts the value or the highlighted entry). */
  async pressEnterInQuickInput(): Promise<void> {
    await this.page.locator(SELECTORS.quickInputInput).press('Enter');
  }

  /** Presses Escape in the quick input (cancels). */
  async pressEscapeInQuickInput(): Promise<void> {
    await this.page.locator(SELECTORS.quickInputInput).press('Escape');
  }

  /**
   * Types `text` and presses Enter, then waits for the quick input to move on: another title,
   * another prompt, or closed. Fails if it stays on the same step (e.g. the value was rejected).
   */
  async submitQuickInput(text: string, options: { timeout?: number } = {}): Promise<void> {
    await this.typeInQuickInput(text);
    const before = await this.quickInputState();
    await this.pressEnterInQuickInput();
    await waitUntil(
      `the quick input to accept ${JSON.stringify(text)} and move on from "${before.title}"`,
      async () => {
        if (!(await this.isQuickInputOpen())) return true;
        const now = await this.quickInputState();
        return now.title !== before.title || now.placeholder !== before.placeholder || (now.value !== before.value && !now.hasError);
      },
      { timeout: options.timeout ?? TIMEOUTS.ui, describe: async () => JSON.stringify(await this.quickInputState().catch(() => 'closed')) },
    );
  }

  /** Waits until the message under the quick input matches (a validation message, say); returns it. */
  async waitForQuickInputMessage(expected: string | RegExp, options: { error?: boolean; timeout?: number } = {}): Promise<string> {
    return waitUntil(
      `quick input message ${String(expected)}${options.error ? ' shown as an error' : ''}`,
      async () => {
        const s = await this.quickInputState();
        if (options.error !== undefined && s.hasError !== options.error) return undefined;
        return matches(s.message, expected) ? s.message : undefined;
      },
      { timeout: options.timeout ?? TIMEOUTS.ui, describe: async () => JSON.stringify(await this.quickInputState()) },
    );
  }

  /** Waits until the quick input's title matches (e.g. /\(2\/4\)/). */
  async waitForQuickInputTitle(expected: string | RegExp, options: { timeout?: number } = {}): Promise<string> {
    return (await this.waitForQuickInput({ title: expected, timeout: options.timeout })).title;
  }

  /** Clicks the quick input's back button (top left) and waits for the title to change. */
  async clickQuickInputBack(): Promise<void> {
    const before = (await this.quickInputState()).title;
    const back = this.page.locator(SELECTORS.quickInputBack).filter({ visible: true }).first();
    await back.waitFor({ state: 'visible' });
    await back.click();
    await waitUntil(`the quick input to go back from "${before}"`, async () => (await this.quickInputState()).title !== before);
  }

  /** Picks the quick-pick entry with this label: highlights it with the arrow keys, then Enter. */
  async pickQuickInputItem(label: string | RegExp): Promise<void> {
    const input = this.page.locator(SELECTORS.quickInputInput);
    const items = await waitUntil(
      `quick pick entry "${label}"`,
      async () => {
        const all = await this.quickInputItems();
        return all.some((i) => exactOrRegex(i.label, label)) ? all : undefined;
      },
      { describe: async () => JSON.stringify((await this.quickInputItems()).map((i) => i.label)) },
    );
    const target = items.findIndex((i) => exactOrRegex(i.label, label));
    const focused = items.findIndex((i) => i.focused);
    if (focused < 0 || focused !== target) {
      await this.moveMouseAway();
      await this.page.locator(SELECTORS.quickInputRow).nth(target).click();
      return;
    }
    await input.press('Enter');
  }

  // -------------------------------------------------------------------------------------------
  // Notifications.

  /**
   * Waits for a notification whose message contains `text`: a toast, or (if it was already hidden
   * again) the notification center. Returns its message, source and buttons.
   */
  async waitForNotification(text: string | RegExp, options: { timeout?: number } = {}): Promise<NotificationInfo> {
    const find = async (): Promise<NotificationInfo | undefined> => {
      const items = this.page.locator(`${SELECTORS.toast} ${SELECTORS.notificationItem}, ${SELECTORS.notificationCenter} ${SELECTORS.notificationItem}`);
      const all = await items.evaluateAll(
        (els, sel) =>
          (els as unknown as DomEl[])
            .filter((e) => e.getClientRects().length > 0)
            .map((e) => ({
              message: (e.querySelector(sel.message)?.textContent ?? '').trim(),
              source: (e.querySelector('.notification-list-item-source')?.textContent ?? '').replace(/^Source:\s*/, '').trim(),
              buttons: Array.from(e.querySelectorAll(sel.button)).map((b) => (b.textContent ?? '').trim()),
            })),
        { message: SELECTORS.notificationMessage, button: SELECTORS.notificationButton },
      );
      return all.find((n) => matches(n.message, text));
    };
    return waitUntil(`a notification saying ${String(text)}`, find, {
      timeout: options.timeout ?? TIMEOUTS.aws,
      describe: async () => JSON.stringify(await this.notifications()),
    });
  }

  /** The messages of the notifications in sight (toasts, or the center if open). */
  async notifications(): Promise<string[]> {
    return visibleTexts(this.page.locator(`${SELECTORS.toast} ${SELECTORS.notificationMessage}, ${SELECTORS.notificationCenter} ${SELECTORS.notificationMessage}`));
  }

  /** Clicks a button of the notification whose message contains `text`. */
  async clickNotificationButton(text: string | RegExp, button: string, options: { timeout?: number } = {}): Promise<void> {
    const info = await this.waitForNotification(text, options);
    if (!info.buttons.includes(button)) throw new Error(`notification "${info.message}" has no button "${button}"; it has ${JSON.stringify(info.buttons)}`);
    const item = this.page
      .locator(`${SELECTORS.toast} ${SELECTORS.notificationItem}, ${SELECTORS.notificationCenter} ${SELECTORS.notificationItem}`)
      .filter({ visible: true })
      .filter({ has: this.page.locator(SELECTORS.notificationMessage).filter({ hasText: text }) })
      .first();
    await item.locator(SELECTORS.notificationButton).filter({ hasText: new RegExp(`^\\s*${button.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }).first().click();
  }

  /** Opens the notification center (the bell in the status bar), where hidden toasts stay listed. */
  async openNotificationCenter(): Promise<void> {
    if (await this.page.locator(SELECTORS.notificationCenter).filter({ visible: true }).count()) return;
    await this.moveMouseAway();
    await this.page.locator(SELECTORS.notificationBell).first().click();
    await this.page.locator(SELECTORS.notificationCenter).filter({ visible: true }).first().waitFor({ state: 'visible' });
  }

  /** Clears every notification (the "Clear All Notifications" command), so that the next wait sees only new ones. */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await waitUntil('notifications to clear', async () => (await this.notifications()).length === 0, { timeout: 10_000 });
  }

  // -------------------------------------------------------------------------------------------
  // Modal dialogs.

  /** Waits for a modal dialog; returns its message, detail and buttons. */
  async waitForDialog(options: { timeout?: number } = {}): Promise<DialogInfo> {
    const dialog = this.page.locator(SELECTORS.dialog).filter({ visible: true }).first();
    await dialog.waitFor({ state: 'visible', timeout: options.timeout ?? TIMEOUTS.ui });
    return {
      message: (await dialog.locator('.dialog-message-text').innerText()).trim(),
      detail: ((await dialog.locator('.dialog-message-detail').allInnerTexts())[0] ?? '').trim(),
      buttons: (await dialog.locator('.dialog-buttons .monaco-button').allInnerTexts()).map((t) => t.trim()),
    };
  }

  /** Clicks a button of the open modal dialog ("Delete", "Cancel", ...) and waits for it to close. */
  async clickDialogButton(button: string): Promise<void> {
    const info = await this.waitForDialog();
    if (!info.buttons.includes(button)) throw new Error(`dialog "${info.message}" has no button "${button}"; it has ${JSON.stringify(info.buttons)}`);
    await this.page
      .locator(SELECTORS.dialogButton)
      .filter({ hasText: new RegExp(`^\\s*${button.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) })
      .first()
      .click();
    await this.page.locator(SELECTORS.dialog).waitFor({ state: 'detached' });
  }

  // -------------------------------------------------------------------------------------------
  // Webviews: an outer iframe (VS Code's host page, named by the webview id) holding the content
  // iframe#active-frame, whose title is the panel's title.

  /** The content frame of the webview panel titled `title` (of the extension under test), once it shows. */
  async webview(title: string, options: { extensionId?: string; timeout?: number } = {}): Promise<FrameLocator> {
    const extensionId = options.extensionId ?? EXTENSION_ID;
    const name = await waitUntil(
      `webview "${title}"`,
      async () => {
        const outers = this.page.locator(`${SELECTORS.webviewOuter}[src*="extensionId=${extensionId}"]`);
        const n = await outers.count();
        for (let i = 0; i < n; i++) {
          const outer = outers.nth(i);
          if (!(await outer.isVisible())) continue;
          const inner = outer.contentFrame().locator(SELECTORS.webviewInner);
          if ((await inner.count()) === 0) continue;
          if ((await inner.getAttribute('title')) !== title) continue;
          return (await outer.getAttribute('name')) ?? undefined;
        }
        return undefined;
      },
      { timeout: options.timeout ?? TIMEOUTS.ui },
    );
    const frame = this.page.locator(`${SELECTORS.webviewOuter}[name="${cssString(name)}"]`).contentFrame().locator(SELECTORS.webviewInner).contentFrame();
    await frame.locator('body').waitFor({ state: 'attached' });
    return frame;
  }

  /** The titles of the editor tabs. */
  async editorTabs(): Promise<string[]> {
    return this.page.locator(SELECTORS.editorTab).evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? '').trim()));
  }

  /** Waits for an editor tab whose title matches; returns the titles. */
  async waitForEditorTab(title: string | RegExp, options: { timeout?: number } = {}): Promise<string[]> {
    return waitUntil(
      `an editor tab ${String(title)}`,
      async () => {
        const tabs = await this.editorTabs();
        return tabs.some((t) => matches(t, title)) ? tabs : undefined;
      },
      { timeout: options.timeout ?? TIMEOUTS.ui, describe: async () => JSON.stringify(await this.editorTabs()) },
    );
  }

  // -------------------------------------------------------------------------------------------
  // Status bar and clipboard.

  /** The texts of the status bar items. */
  async statusBarItems(): Promise<string[]> {
    return (await this.page.locator(`${SELECTORS.statusBar} .statusbar-item`).allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  }

  /** Clicks the status bar item whose text contains `text`. */
  async clickStatusBarItem(text: string | RegExp): Promise<void> {
    await this.moveMouseAway();
    await this.page.locator(`${SELECTORS.statusBar} .statusbar-item`).filter({ hasText: text }).first().locator('a, .statusbar-item-label').first().click();
  }

  /** What the page reads from the clipboard (Copy Name / Copy ARN write it). */
  async readClipboard(): Promise<string> {
    return this.page.evaluate<string>('navigator.clipboard.readText()');
  }

  /** Waits until the clipboard holds `expected` (the extension writes it through the remote host). */
  async waitForClipboard(expected: string | RegExp, options: { timeout?: number } = {}): Promise<string> {
    return waitUntil(`the clipboard to hold ${String(expected)}`, async () => {
      const text = await this.readClipboard();
      return exactOrRegex(text, expected) ? text : undefined;
    }, { timeout: options.timeout ?? TIMEOUTS.ui, describe: async () => JSON.stringify(await this.readClipboard()) });
  }

  // -------------------------------------------------------------------------------------------

  /** A short description of the sidebar, for timeout messages. */
  async describeSidebar(view: ViewRef = BILLING_GROUPS_VIEW): Promise<string> {
    const pane = this.viewPane(view);
    if (!(await pane.isVisible().catch(() => false))) {
      const title = (await this.page.locator(`${SELECTORS.sidebar} .composite.title h2`).allInnerTexts().catch(() => [])).join(' ');
      return `view "${view.name}" not visible; sidebar title: ${JSON.stringify(title)}`;
    }
    const welcome = await pane.locator(SELECTORS.welcomeContent).filter({ visible: true }).allInnerTexts().catch(() => []);
    const items = await this.treeItems(view).catch(() => []);
    const message = await pane.locator(SELECTORS.viewMessage).allInnerTexts().catch(() => []);
    return JSON.stringify({ welcome, items: items.map((i) => (i.description ? `${i.label} — ${i.description}` : i.label)), message });
  }
}

// ---------------------------------------------------------------------------------------------

export interface ScenarioContext {
  server: CodeServer;
  wb: Workbench;
}

export interface ScenarioOptions {
  /** Settings, AWS files, env for code-server (see startCodeServer). */
  server: CodeServerOptions;
  /** A folder to open; null for an empty window; default: the server's workspace folder. */
  folder?: string | null;
  /** The browser window's size; default 1280×800. */
  viewport?: { width: number; height: number };
}

/**
 * Runs one scenario from a known state: a fresh code-server (settings written before start, the
 * .vsix installed), a fresh browser on its workbench; afterwards both are gone. A failure prints
 * the scenario, the step, the last screenshot and the extension's log, then fails the test.
 */
export async function withWorkbench(scenario: string, options: ScenarioOptions, body: (ctx: ScenarioContext) => Promise<void>): Promise<void> {
  const server = await startCodeServer(options.server);
  let wb: Workbench | undefined;
  try {
    try {
      wb = await Workbench.open(server, { scenario, folder: options.folder, viewport: options.viewport });
    } catch (e) {
      console.error(['', '================ E2E FAILURE ================', `scenario: ${scenario}`, 'step:     opening the workbench', `error:    ${String(e)}`, server.diagnostics()].join('\n'));
      throw e;
    }
    try {
      await body({ server, wb });
    } catch (e) {
      await wb.screenshot('failure').catch(() => undefined);
      console.error(wb.failureReport(e));
      throw e;
    }
  } finally {
    await wb?.close();
    await server.stop();
  }
}
