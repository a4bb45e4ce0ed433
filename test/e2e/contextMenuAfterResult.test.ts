// Issue 18: once a command's result is announced, nothing the command does moves the focus or the
// selection, so the first right-click on another group (one never hovered) opens its context menu and
// the menu stays open. Reported as a new user tried it: code-server in Chromium, a 1400×900 window, a
// profile at eu-west-1 against moto, five groups (the first described "first seeded group", no tags)
// and some things; an "already exists, nothing changed" create from the palette, then, as soon as the
// toast showed, a right-click on the second group: no menu in 3 runs of 3, the first group's row
// focused; with 1.5 s between toast and right-click the menu opened.
//
// What the page and the extension's log showed (a failure prints both, merged in time order): the
// menu did open, and 10-30 ms later the create's result revealed the first group WITH the focus
// (TreeView.reveal, focus: true), which took the focus out of the menu (VS Code closes a context menu
// whose focus leaves it) and put the tree's focus on the first row. That right-click came before the
// result, which is possible because the toast in sight was the identical one of the previous run (3
// runs in one window; an information toast stays 15 s). In a fresh window the right-click of a first
// run comes after the reveal (the result is revealed before it is announced) and passes. The second
// scenario makes the race certain with a slow service (the right-click while "Creating billing
// group…" shows); the third walks every other result that shows a notification after touching the
// tree, and checks that nothing moves once it shows.
//
// The page records every focus change, the tree's focused and selected rows, the menu and the
// toasts (every 4 ms and on each focus event); the checks read that record, not a sleep.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { AddThingToBillingGroupCommand, CreateThingCommand } from '@aws-sdk/client-iot';
import type { CodeServer } from '../support/codeServer';
import { startEmulatorStack, type EmulatorStack } from '../support/emulatorStack';
import { SELECTORS, slug, TIMEOUTS, waitUntil, withWorkbench, Workbench, type ScenarioOptions } from '../support/workbench';
import { checkQuickPickItem, clickQuickInputOk } from '../support/workbenchExtras';
import { acceptQuickInput, createGroups, sdkClient, UNASSIGNED_ITEM } from '../support/workbenchFoundation';

const REGION = 'eu-west-1';

/** The default profile is at eu-west-1; no region setting, so the profile's region is the one used. */
const AWS_FILES = {
  config: ['[default]', `region = ${REGION}`, ''].join('\n'),
  credentials: ['[default]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'),
};

interface SeedGroup {
  name: string;
  description?: string;
  tags?: Record<string, string>;
  things?: string[];
}

/** The report's fleet: five groups listed in this order, the first described and untagged, some things. */
const FIVE: readonly SeedGroup[] = [
  { name: 'alpha-first', description: 'first seeded group', things: ['alpha-thing-1', 'alpha-thing-2'] },
  { name: 'bravo-second', description: 'second seeded group', tags: { env: 'prod' }, things: ['bravo-thing-1'] },
  { name: 'charlie-third', description: 'third seeded group', tags: { costCenter: 'lab' } },
  { name: 'delta-fourth', description: 'fourth seeded group', things: ['delta-thing-1'] },
  { name: 'echo-fifth', description: 'fifth seeded group' },
];
/** Things in no group: "Things without a billing group" has something to count. */
const UNGROUPED = ['loose-thing-1', 'loose-thing-2'];

const FIRST = FIVE[0];
const SECOND = FIVE[1];
const THIRD = FIVE[2];

let stack: EmulatorStack;

before(async () => {
  stack = await startEmulatorStack();
});

after(() => stack?.stop());

/** An empty emulator with these groups and things (through the tag layer, which keeps the tags). */
async function seed(groups: readonly SeedGroup[]): Promise<void> {
  await stack.fresh();
  await createGroups(stack.layer.endpoint, groups, { region: REGION });
  const client = sdkClient(stack.layer.endpoint, REGION);
  try {
    for (const g of groups) {
      for (const t of g.things ?? []) {
        await client.send(new CreateThingCommand({ thingName: t }));
        await client.send(new AddThingToBillingGroupCommand({ billingGroupName: g.name, thingName: t }));
      }
    }
    for (const t of UNGROUPED) await client.send(new CreateThingCommand({ thingName: t }));
  } finally {
    client.destroy();
  }
}

/** The extension talks to the fault proxy (transparent unless a rule is added) in front of the tag layer and moto. */
function options(): ScenarioOptions {
  return {
    server: { settings: { 'iotBillingGroups.endpoint': stack.proxy.endpoint }, aws: AWS_FILES, logLevel: 'debug' },
    viewport: { width: 1400, height: 900 },
  };
}

async function openView(wb: Workbench, groups: readonly SeedGroup[]): Promise<void> {
  await wb.openViewContainer();
  await wb.waitForView();
  const expected = [...groups.map((g) => g.name), UNASSIGNED_ITEM];
  await waitUntil('the seeded groups and "Things without a billing group"', async () => {
    const labels = await wb.treeLabels();
    return expected.every((l) => labels.includes(l));
  }, { timeout: TIMEOUTS.aws, describe: () => wb.describeSidebar() });
}

// ---------------------------------------------------------------------------------------------
// The page's record of focus, tree and menu, and the extension's log, in time order.

interface PageEntry {
  t: number;
  /** A DOM event (focusin, focusout, contextmenu, mousedown, window blur), or undefined for a poll that saw a change. */
  event?: string;
  /** document.activeElement, described. */
  active: string;
  /** The focus is inside the open context menu. */
  inMenu: boolean;
  /** The tree rows with VS Code's focus (outline) and selection classes. */
  focused: string[];
  selected: string[];
  menu: boolean;
  toasts: string[];
}

/** Installed in the page (plain JavaScript): records a PageEntry on every focus event and every change seen by a 4 ms poll. */
const RECORDER = String.raw`(() => {
  if (window.__timeline) return;
  const rec = (window.__timeline = []);
  const describe = (el) => {
    if (!el || el === document.body) return 'body';
    const row = el.closest && el.closest('.monaco-list-row');
    const label = row && row.querySelector('.label-name');
    let s = el.tagName.toLowerCase();
    if (el.classList && el.classList.length) s += '.' + Array.from(el.classList).slice(0, 3).join('.');
    if (label) s += '[row ' + label.textContent.trim() + ']';
    if (el.closest && el.closest('.context-view .monaco-menu-container, .context-view .monaco-menu')) s += '(in menu)';
    if (el.closest && el.closest('.quick-input-widget')) s += '(in quick input)';
    if (el.closest && el.closest('.notifications-toasts')) s += '(in toast)';
    if (el.closest && el.closest('.part.sidebar .monaco-list[role="tree"]')) s += '(in tree)';
    return s;
  };
  const named = (r) => ((r.querySelector('.label-name') || {}).textContent || '?').trim();
  const state = (event) => {
    const rows = Array.from(document.querySelectorAll('.part.sidebar .monaco-list[role="tree"] .monaco-list-row'));
    const active = document.activeElement;
    return {
      t: Date.now(),
      event,
      active: describe(active),
      inMenu: !!(active && active.closest && active.closest('.context-view .monaco-menu')),
      focused: rows.filter((r) => r.classList.contains('focused')).map(named),
      selected: rows.filter((r) => r.classList.contains('selected')).map(named),
      menu: Array.from(document.querySelectorAll('.context-view .monaco-menu')).some((m) => m.getClientRects().length > 0),
      toasts: Array.from(document.querySelectorAll('.notifications-toasts .notification-list-item-message'))
        .filter((m) => m.getClientRects().length > 0)
        .map((m) => m.textContent.trim()),
    };
  };
  let last = '';
  const look = (event) => {
    const s = state(event);
    const key = JSON.stringify([s.active, s.inMenu, s.focused, s.selected, s.menu, s.toasts]);
    if (key !== last || event) rec.push(s);
    last = key;
  };
  for (const type of ['focusin', 'focusout', 'contextmenu', 'mousedown']) {
    document.addEventListener(type, (e) => look(type + ' ' + describe(e.target)), true);
  }
  window.addEventListener('blur', () => look('window blur'));
  setInterval(() => look(undefined), 4);
})()`;

async function pageRecord(wb: Workbench): Promise<PageEntry[]> {
  return (await wb.page.evaluate('window.__timeline || []')) as PageEntry[];
}

/** The extension's log lines ("tree: …" debug lines, calls, results) with their time, from `since` on. */
function extensionLines(server: CodeServer, since: number): Array<{ t: number; what: string }> {
  const out: Array<{ t: number; what: string }> = [];
  for (const line of server.extensionLog().split('\n')) {
    const m = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) \[(\w+)\] (.*)$/.exec(line);
    if (!m) continue;
    const t = new Date(m[1].replace(' ', 'T')).getTime();
    if (t >= since - 5) out.push({ t, what: `extension [${m[2]}] ${m[3].slice(0, 160)}` });
  }
  return out;
}

function describeEntry(e: PageEntry): string {
  const s = `active=${e.active} focusedRow=${JSON.stringify(e.focused)} selectedRow=${JSON.stringify(e.selected)} menu=${e.menu ? 'open' : 'closed'} toasts=${JSON.stringify(e.toasts.map((t) => t.slice(0, 50)))}`;
  return e.event ? `${e.event} | ${s}` : s;
}

/** Page, extension and test marks merged in time order, relative to `since`. */
async function timeline(server: CodeServer, wb: Workbench, since: number, marks: Array<{ t: number; what: string }>): Promise<string> {
  const page = (await pageRecord(wb).catch(() => [] as PageEntry[])).filter((e) => e.t >= since).map((e) => ({ t: e.t, what: describeEntry(e) }));
  const events = [...page, ...extensionLines(server, since), ...marks.map((m) => ({ t: m.t, what: `TEST ${m.what}` }))];
  events.sort((a, b) => a.t - b.t);
  return events.map((e) => `+${String(e.t - since).padStart(6)} ms  ${e.what}`).join('\n');
}

// ---------------------------------------------------------------------------------------------
// The gesture and what is checked.

/** The items every group's context menu has (package.json; the issue names these two). */
const MENU_ITEMS = ['Delete Billing Group', 'Copy ARN'];

/** Waits for the open context menu with MENU_ITEMS, up to 10 s. */
async function menuWith(wb: Workbench): Promise<string[]> {
  const links = wb.page.locator(`${SELECTORS.menuItem} ${SELECTORS.menuItemLink}`).filter({ visible: true });
  return waitUntil(
    `the context menu with ${JSON.stringify(MENU_ITEMS)}`,
    async () => {
      if ((await links.count()) === 0) return undefined;
      const labels = (await links.locator('.action-label').allTextContents()).map((t) => t.trim()).filter(Boolean);
      return MENU_ITEMS.every((i) => labels.includes(i)) ? labels : undefined;
    },
    { timeout: 10_000, interval: 50 },
  );
}

interface RightClickCheck {
  /** The group right-clicked (never hovered before). */
  target: string;
  /** What the page must show before the right-click: the result's toast, or the progress of a call still running. */
  cue: string;
  /** The result's toast (when `cue` is the progress: it comes while the menu is open). */
  result: string;
  /** The menu is watched until this long after the result's toast (later reloads by design happen in it). */
  holdMs?: number;
}

/**
 * As soon as `cue` shows in a toast, right-clicks `target` (no hover before, no wait), waits 800 ms
 * and expects its menu within 10 s. Then, from the page's record: from the right-click until the end
 * of the watch the menu stays open with the focus in it and the target's row holding the tree's
 * focus, and from the result's toast on the selection does not change. Closes the menu at the end
 * and moves the pointer off the tree (the target's tooltip never opens).
 */
async function rightClickAfter(server: CodeServer, wb: Workbench, since: number, marks: Array<{ t: number; what: string }>, c: RightClickCheck): Promise<void> {
  const fail = async (what: string): Promise<never> => assert.fail(`${what}\nWhat happened (page, extension, test), from the command on:\n${await timeline(server, wb, since, marks)}`);
  // Playwright watches the page for the toast (no polling interval), then right-clicks at once.
  await wb.page.locator(`${SELECTORS.toast} ${SELECTORS.notificationMessage}`).filter({ hasText: c.cue }).first().waitFor({ state: 'visible', timeout: TIMEOUTS.aws });
  marks.push({ t: Date.now(), what: `"${c.cue.slice(0, 50)}" is in sight: right-click ${c.target}` });
  // The right-click of a person who sees the row: at its middle, at once (Playwright's click() would
  // first spend ~100 ms on actionability checks; whether the click hit the row is checked below).
  const box = await wb.treeItem(c.target).boundingBox();
  if (!box) return fail(`the row of ${c.target} is not in sight`);
  await wb.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2, { button: 'right' });
  marks.push({ t: Date.now(), what: 'right-click done' });
  await new Promise((r) => setTimeout(r, 800));
  marks.push({ t: Date.now(), what: '800 ms later: the menu?' });
  try {
    await menuWith(wb);
  } catch (e) {
    await fail(`no context menu on ${c.target}: ${e instanceof Error ? e.message : String(e)}`);
  }
  // The result's toast (already there when it was the cue), then the watch.
  await wb.page.locator(`${SELECTORS.toast} ${SELECTORS.notificationMessage}`).filter({ hasText: c.result }).first().waitFor({ state: 'visible', timeout: TIMEOUTS.aws });
  const record = await pageRecord(wb);
  const toastAt = record.find((e) => e.t >= since && e.toasts.some((t) => t.includes(c.result)))?.t ?? Date.now();
  const until = Math.max(toastAt + (c.holdMs ?? 1_500), Date.now());
  while (Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  marks.push({ t: Date.now(), what: 'end of the watch' });
  const seen = (await pageRecord(wb)).filter((e) => e.t >= since && e.t <= until);
  const contextmenu = seen.find((e) => e.event?.startsWith('contextmenu'));
  if (!contextmenu) return fail(`the right-click on ${c.target} never reached the page`);
  if (!contextmenu.event?.includes(`[row ${c.target}]`)) await fail(`the right-click landed elsewhere than on ${c.target}: ${describeEntry(contextmenu)}`);
  // The menu takes the focus a few ms after the contextmenu event; from then on it keeps it.
  const opened = seen.find((e) => e.t >= (contextmenu as PageEntry).t && e.menu && e.inMenu);
  if (!opened) return fail(`the context menu of ${c.target} never held the focus`);
  const lost = seen.find((e) => e.t >= opened.t && (!e.menu || !e.inMenu || JSON.stringify(e.focused) !== JSON.stringify([c.target])));
  if (lost) await fail(`after the menu of ${c.target} opened, it closed or lost the focus, or another row took the tree's focus: ${describeEntry(lost)}`);
  const atToast = [...seen].reverse().find((e) => e.t <= toastAt) ?? seen[0];
  const moved = seen.find((e) => e.t >= toastAt && JSON.stringify(e.selected) !== JSON.stringify(atToast.selected));
  if (moved) await fail(`the selection changed after "${c.result}" was shown: from ${JSON.stringify(atToast.selected)} to ${describeEntry(moved)}`);
  await wb.closeMenu();
  await wb.moveMouseAway();
  // Kept beside the screenshots: what a passing run saw (for comparing with a failing one).
  fs.writeFileSync(path.join(wb.artifactsDir, `timeline-${slug(c.target)}-${since}.txt`), await timeline(server, wb, since, marks));
}

const step = (n: number) => new RegExp(`^Create Billing Group \\(${n}/4\\)`);

/** Palette → Create Billing Group; name, Enter; description, Enter; no tags, Enter; Enter on the confirmation step. */
async function createFromPalette(wb: Workbench, marks: Array<{ t: number; what: string }>, name: string, description: string): Promise<void> {
  await wb.runCommand('AWS IoT: Create Billing Group');
  await wb.waitForQuickInputTitle(step(1));
  await wb.typeInQuickInput(name);
  await acceptQuickInput(wb, step(2));
  await wb.typeInQuickInput(description);
  await acceptQuickInput(wb, step(3));
  await acceptQuickInput(wb, step(4));
  marks.push({ t: Date.now(), what: 'Enter on the confirmation step' });
  await wb.pressEnterInQuickInput();
}

const unchanged = (name: string) => `Billing group ${name} already exists with the same configuration; nothing was changed.`;

// ---------------------------------------------------------------------------------------------

test('issue 18, as reported: after "already exists, nothing changed", a right-click on the second group at once opens its menu (3 runs in one window)', { timeout: 300_000 }, async () => {
  await seed(FIVE);
  await withWorkbench('issue 18 as reported', options(), async ({ server, wb }) => {
    await wb.step('open the Billing Groups view: five groups and "Things without a billing group"', () => openView(wb, FIVE));
    await wb.page.evaluate(RECORDER);
    for (let run = 1; run <= 3; run++) {
      const marks: Array<{ t: number; what: string }> = [];
      const since = Date.now();
      // One step (its screenshot comes after the menu check): nothing may stand between the toast and the right-click.
      await wb.step(`run ${run}: create ${FIRST.name} again (its exact description, no tags); as soon as "already exists" shows, right-click ${SECOND.name}`, async () => {
        await createFromPalette(wb, marks, FIRST.name, FIRST.description ?? '');
        await rightClickAfter(server, wb, since, marks, { target: SECOND.name, cue: unchanged(FIRST.name), result: unchanged(FIRST.name) });
      });
    }
  });
});

test('a result that comes while a menu is open takes nothing from it (a slow service: the right-click while "Creating billing group…" shows)', { timeout: 300_000 }, async () => {
  await seed(FIVE);
  await withWorkbench('result while a menu is open', options(), async ({ server, wb }) => {
    await wb.step('open the Billing Groups view', () => openView(wb, FIVE));
    await wb.page.evaluate(RECORDER);
    // Each create is answered 3 s late: long enough to right-click while it runs, on any machine.
    stack.proxy.addRule({ match: { operation: 'CreateBillingGroup' }, fault: 'delay', delayMs: 3_000, times: Infinity });

    let marks: Array<{ t: number; what: string }> = [];
    let since = Date.now();
    await wb.step(`already exists: create ${FIRST.name} again; right-click ${SECOND.name} while it runs: the result leaves the menu, the focus and the selection alone`, async () => {
      await createFromPalette(wb, marks, FIRST.name, FIRST.description ?? '');
      await rightClickAfter(server, wb, since, marks, { target: SECOND.name, cue: `Creating billing group ${FIRST.name}`, result: unchanged(FIRST.name) });
    });

    const made = 'foxtrot-made';
    marks = [];
    since = Date.now();
    await wb.step(`a new group: create ${made}; right-click ${THIRD.name} while it runs: the new group is selected before the toast, the menu keeps the focus`, async () => {
      await createFromPalette(wb, marks, made, 'made while a menu was open');
      await rightClickAfter(server, wb, since, marks, { target: THIRD.name, cue: `Creating billing group ${made}`, result: `Created billing group ${made}` });
      // Selected in the tree (the focus went back to the tree when the menu closed): a new group is shown.
      await waitUntil(`${made} to be the selected row`, async () => {
        const selected = (await pageRecord(wb)).at(-1)?.selected ?? [];
        return JSON.stringify(selected) === JSON.stringify([made]);
      }, { timeout: 10_000, describe: async () => describeEntry((await pageRecord(wb)).at(-1) as PageEntry) });
    });
  });
});

/** Groups for the other results: one to act on per command, and a never-hovered target per result. */
const MANY: readonly SeedGroup[] = [
  { name: 'act-delete', description: 'to be deleted' },
  { name: 'act-description', description: 'before' },
  { name: 'act-tags', description: 'tagged', tags: { env: 'dev' } },
  { name: 'act-things', description: 'with things', things: ['act-thing-1', 'act-thing-2'] },
  ...['t1-create', 't2-description', 't3-tags', 't4-add', 't5-remove', 't6-delete', 't7-form'].map((name) => ({ name, description: `target ${name}` })),
];

test('every other result that touches the tree before its notification: a right-click right after it opens the menu, and nothing moves afterwards', { timeout: 420_000 }, async () => {
  await seed(MANY);
  await withWorkbench('right-click after every result', options(), async ({ server, wb }) => {
    await wb.step('open the Billing Groups view', () => openView(wb, MANY));
    await wb.page.evaluate(RECORDER);
    const after = async (name: string, run: (marks: Array<{ t: number; what: string }>) => Promise<void>, check: Omit<RightClickCheck, 'cue'>) => {
      const marks: Array<{ t: number; what: string }> = [];
      const since = Date.now();
      await wb.step(`${name}; right-click ${check.target} as soon as "${check.result.slice(0, 40)}" shows`, async () => {
        await run(marks);
        await rightClickAfter(server, wb, since, marks, { ...check, cue: check.result });
      });
      await wb.clearNotifications();
    };

    await after('create (quick pick), a new group', (marks) => createFromPalette(wb, marks, 'golf-new', 'a new one'), {
      target: 't1-create',
      result: 'Created billing group golf-new',
    });

    await after('edit description', async () => {
      await wb.runCommand('AWS IoT: Edit Description');
      await wb.pickQuickInputItem('act-description');
      await wb.waitForQuickInput({ title: 'Edit Description of act-description', timeout: TIMEOUTS.aws });
      await wb.typeInQuickInput('after');
      await wb.pressEnterInQuickInput();
    }, { target: 't2-description', result: 'Updated the description of billing group act-description' });

    await after('edit tags', async () => {
      await wb.runCommand('AWS IoT: Edit Tags');
      await wb.pickQuickInputItem('act-tags');
      await wb.waitForQuickInput({ title: 'Edit Tags of act-tags', timeout: TIMEOUTS.aws });
      await wb.typeInQuickInput('env=prod, owner=ops');
      await wb.pressEnterInQuickInput();
    }, { target: 't3-tags', result: 'Tags of billing group act-tags saved' });

    // Membership changes reload the group's things now and again 3 s later: the watch covers both.
    await after('add thing', async () => {
      await wb.runCommand('AWS IoT: Add Thing to Billing Group');
      await wb.pickQuickInputItem('act-things');
      await wb.waitForQuickInput({ title: 'Add Things to act-things', timeout: TIMEOUTS.aws });
      await checkQuickPickItem(wb, 'loose-thing-1');
      await clickQuickInputOk(wb);
    }, { target: 't4-add', result: 'Added thing loose-thing-1 to billing group act-things', holdMs: 4_000 });

    await after('remove thing', async () => {
      await wb.runCommand('AWS IoT: Remove Thing from Billing Group');
      await wb.pickQuickInputItem('act-things');
      await wb.waitForQuickInput({ timeout: TIMEOUTS.aws });
      await wb.pickQuickInputItem('act-thing-1');
    }, { target: 't5-remove', result: 'Removed thing act-thing-1 from billing group act-things', holdMs: 4_000 });

    await after('delete', async () => {
      await wb.runCommand('AWS IoT: Delete Billing Group');
      await wb.pickQuickInputItem('act-delete');
      await wb.clickDialogButton('Delete');
    }, { target: 't6-delete', result: 'Deleted billing group act-delete' });

    await after('create (form), a new group', async () => {
      await wb.runCommand('AWS IoT: Create Billing Group (Form)');
      const form = await wb.webview('Create Billing Group');
      await form.locator('#name').fill('hotel-form');
      await form.locator('#description').fill('made with the form');
      await form.locator('#description').press('Enter');
    }, { target: 't7-form', result: 'Created billing group hotel-form' });
  });
});
