// "Create Billing Group (Form)" in the real workbench (code-server, VS Code 1.100) against moto behind
// the test suite's tag layer (which records every request, so creates are counted where they arrive).
// One scenario per theme, so the screenshots cover light, dark and high contrast:
//   light:          keyboard only: an invalid name blocks submission, fill, Enter creates one group
//                   with its tags, the form closes, the tree reveals the group;
//   dark:           a conflicting re-create keeps every value with the error next to the name; the
//                   values survive hide/show, moving to another group and a window reload; the quick
//                   pick's "Open in Form" fills the one form; Escape cancels;
//   high contrast:  a description `<img src=x onerror=alert(1)>` is text (created as typed, shown as the
//                   input's value, no element, no dialog, no CSP violation), and so is an error quoting
//                   it; a double-click creates once; messages forged into the webview's channel
//                   (unknown, malformed, rule-breaking, a double create) are ignored, logged, and
//                   send nothing (or one create).
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateBillingGroupCommand } from '@aws-sdk/client-iot';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { startEmulatorStack, type EmulatorStack } from '../support/emulatorStack';
import type { MotoServer } from '../support/moto';
import { testClient } from '../support/seed';
import type { FaultProxy } from '../support/faultProxy';
import type { TagLayer } from '../support/tagLayer';
import { EXTENSION_ID, SELECTORS, TIMEOUTS, waitUntil, withWorkbench, Workbench } from '../support/workbench';

const FORM_COMMAND = 'AWS IoT: Create Billing Group (Form)';
const FORM_TITLE = 'Create Billing Group';
const HOSTILE = '<img src=x onerror=alert(1)>';

const THEMES = { light: 'Default Light Modern', dark: 'Default Dark Modern', highContrast: 'Default High Contrast' } as const;

const AWS_FILES = {
  config: ['[default]', 'region = us-east-1', ''].join('\n'),
  credentials: ['[default]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'),
};

let moto: MotoServer;
let layer: TagLayer;
/** In front of the tag layer, to slow a create down where a race must be made certain. */
let proxy: FaultProxy;

let stack: EmulatorStack;

before(async () => {
  stack = await startEmulatorStack();
  ({ moto, layer, proxy } = stack);
});

after(() => stack?.stop());

function freshEmulator(): Promise<void> {
  return stack.fresh();
}

function serverOptions(theme: string) {
  return {
    server: {
      settings: { 'iotBillingGroups.endpoint': proxy.endpoint, 'iotBillingGroups.region': 'us-east-1', 'workbench.colorTheme': theme },
      aws: AWS_FILES,
    },
  };
}

/** The CreateBillingGroup requests that reached the emulator (their bodies), optionally for one name. */
function creates(name?: string): Array<Record<string, unknown>> {
  return layer.requests
    .filter((r) => r.operation === 'CreateBillingGroup' && (name === undefined || r.path.includes(`/billing-groups/${encodeURIComponent(name)}`)))
    .map((r) => (r.body ?? {}) as Record<string, unknown>);
}

/** A group made behind the extension's back (straight into moto: the layer records only the extension's calls). */
async function createDirectly(name: string, description: string): Promise<void> {
  const client = testClient(moto.endpoint);
  try {
    await client.send(new CreateBillingGroupCommand({ billingGroupName: name, billingGroupProperties: { billingGroupDescription: description } }));
  } finally {
    client.destroy();
  }
}

/** Opens the extension's view first: its contributions are then loaded, so the palette lists the form command. */
async function showView(wb: Workbench): Promise<void> {
  await wb.openViewContainer();
  await wb.waitForView();
}

async function openForm(wb: Workbench): Promise<FrameLocator> {
  await wb.runCommand(FORM_COMMAND);
  const form = await wb.webview(FORM_TITLE);
  await form.locator('#name').waitFor({ state: 'visible' });
  return form;
}

interface ShownValues {
  name: string;
  description: string;
  tags: Array<{ key: string; value: string }>;
}

async function shownValues(form: FrameLocator): Promise<ShownValues> {
  const keys = await form.locator('.tag-key').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
  const values = await form.locator('.tag-value').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
  return {
    name: await form.locator('#name').inputValue(),
    description: await form.locator('#description').inputValue(),
    tags: keys.map((key, i) => ({ key, value: values[i] })),
  };
}

/** Waits for the form (found again: hidden, moved or reloaded, it is a new frame) to show these values. */
async function waitForValues(wb: Workbench, expected: ShownValues): Promise<FrameLocator> {
  let last: ShownValues | undefined;
  return waitUntil(
    `the form to show ${JSON.stringify(expected)}`,
    async () => {
      const form = await wb.webview(FORM_TITLE, { timeout: 5_000 });
      last = await shownValues(form);
      return JSON.stringify(last) === JSON.stringify(expected) ? form : undefined;
    },
    { timeout: TIMEOUTS.ui, describe: async () => JSON.stringify(last) },
  );
}

async function formTabs(wb: Workbench): Promise<string[]> {
  return (await wb.editorTabs()).filter((t) => t === FORM_TITLE || t.startsWith(`${FORM_TITLE},`));
}

async function waitForFormClosed(wb: Workbench): Promise<void> {
  await waitUntil('the form to close', async () => (await formTabs(wb)).length === 0, { describe: async () => JSON.stringify(await wb.editorTabs()) });
}

async function clickTab(wb: Workbench, title: string): Promise<void> {
  await wb.moveMouseAway();
  await wb.page.locator(`${SELECTORS.editorTab}[aria-label^="${title}"]`).first().click();
}

/**
 * The outer frame of the form's webview: VS Code's host page, whose `__vscode_post_message__` is the
 * channel the content's postMessage goes through. Posting there forges a message "from the webview".
 */
async function webviewHostFrame(page: Page): Promise<Frame> {
  return waitUntil('the webview host frame', async () =>
    page.frames().find((f) => f.url().includes(`extensionId=${encodeURIComponent(EXTENSION_ID)}`) || f.url().includes(`extensionId=${EXTENSION_ID}`)),
  );
}

async function forge(page: Page, message: unknown): Promise<void> {
  const frame = await webviewHostFrame(page);
  await frame.evaluate((m) => {
    (globalThis as unknown as { __vscode_post_message__(channel: string, data: unknown): void }).__vscode_post_message__('onmessage', { message: m });
  }, message);
}

/** WCAG contrast ratio of two computed CSS colours (rgb/rgba; alpha over the backdrop ignored). */
function contrast(fg: string, bg: string): number {
  const lum = (c: string) => {
    const [r, g, b] = (c.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}

/** The form follows the theme: its text, inputs, buttons and error message are readable on their backgrounds. */
async function assertReadable(form: FrameLocator, theme: string, min: number): Promise<void> {
  const style = (sel: string) =>
    form.locator(sel).first().evaluate((e) => {
      const s = (globalThis as unknown as { getComputedStyle(e: unknown): { color: string; backgroundColor: string } }).getComputedStyle(e);
      return { color: s.color, background: s.backgroundColor };
    });
  const body = await style('body');
  const pairs: Array<[string, string, string]> = [['body text', body.color, body.background]];
  const input = await style('#name');
  pairs.push(['input text', input.color, input.background]);
  const create = await style('#create');
  pairs.push(['Create button', create.color, create.background]);
  const error = await style('#name-error');
  pairs.push(['error message', error.color, body.background]);
  for (const [what, fg, bg] of pairs) {
    const ratio = contrast(fg, bg);
    assert.ok(ratio >= min, `${theme}: ${what} ${fg} on ${bg} has contrast ${ratio.toFixed(2)}, below ${min}`);
  }
}

test('form (light theme): keyboard only; an invalid name blocks submission; Enter creates one group with its tags', { timeout: 300_000 }, async () => {
  await freshEmulator();
  await withWorkbench('form light: fill and create', serverOptions(THEMES.light), async ({ wb }) => {
    await wb.step('open the view', () => showView(wb));
    const form = await wb.step('the form opens with the keyboard in Name', () => openForm(wb));
    await waitUntil('Name to have the focus', async () => (await form.locator('#name:focus').count()) > 0);

    await wb.step('an invalid name: its message, aria-invalid, Create disabled, Enter sends nothing', async () => {
      await wb.page.keyboard.type('bad name!');
      await waitUntil('the name message', async () => (await form.locator('#name-error').isVisible()) && Boolean(await form.locator('#name-error').textContent()));
      assert.match((await form.locator('#name-error').textContent()) ?? '', /may contain only letters/);
      assert.equal(await form.locator('#name').getAttribute('aria-invalid'), 'true');
      assert.match((await form.locator('#name').getAttribute('aria-describedby')) ?? '', /\bname-error\b/);
      assert.equal(await form.locator('#create').isDisabled(), true);
      await wb.page.keyboard.press('Enter');
    });
    await assertReadable(form, 'light', 4.5);

    await wb.step('fix the name, Tab to the description, Tab to Add Tag, add a tag and remove an empty one', async () => {
      await form.locator('#name').fill('');
      await wb.page.keyboard.type('fleet-form');
      await waitUntil('the name message to go', async () => !(await form.locator('#name-error').isVisible()));
      assert.equal(await form.locator('#name').getAttribute('aria-invalid'), null);
      await wb.page.keyboard.press('Tab');
      await waitUntil('Description to have the focus', async () => (await form.locator('#description:focus').count()) > 0);
      await wb.page.keyboard.type('Made with the form');
      await wb.page.keyboard.press('Tab');
      await waitUntil('Add Tag to have the focus', async () => (await form.locator('#add-tag:focus').count()) > 0);
      await wb.page.keyboard.press('Enter');
      await waitUntil('the new key to have the focus', async () => (await form.locator('.tag-key:focus').count()) > 0);
      assert.equal(await form.locator('#create').isDisabled(), true, 'an empty tag key keeps Create disabled');
      await wb.page.keyboard.type('team');
      await wb.page.keyboard.press('Tab');
      await wb.page.keyboard.type('ops');
      await form.locator('#add-tag').click();
      assert.equal(await form.locator('.tag-key').count(), 2);
      await form.locator('.remove-tag').nth(1).click();
      assert.equal(await form.locator('.tag-key').count(), 1);
      // Every input has a label.
      for (const id of ['name', 'description']) assert.equal(await form.locator(`label[for="${id}"]`).count(), 1, id);
      const keyId = await form.locator('.tag-key').first().getAttribute('id');
      assert.equal(await form.locator(`label[for="${keyId}"]`).textContent(), 'Tag 1 key');
      assert.deepEqual(await shownValues(form), { name: 'fleet-form', description: 'Made with the form', tags: [{ key: 'team', value: 'ops' }] });
      assert.equal(await form.locator('#create').isDisabled(), false);
    });

    await wb.step('Enter in a field creates: a notification, the form closes, the tree reveals the group', async () => {
      await form.locator('.tag-value').first().press('Enter');
      await wb.waitForNotification('Created billing group fleet-form');
      await waitForFormClosed(wb);
      await wb.waitForTreeItem('fleet-form');
    });

    const sent = creates();
    assert.equal(sent.length, 1, `one create, and none for the invalid name: ${JSON.stringify(sent)}`);
    assert.deepEqual(sent[0], {
      billingGroupProperties: { billingGroupDescription: 'Made with the form' },
      tags: [{ Key: 'team', Value: 'ops' }],
    });
    assert.deepEqual(layer.requests.find((r) => r.operation === 'CreateBillingGroup')?.path, '/billing-groups/fleet-form');
  });
});

test('form (dark theme): an error keeps the values; hide/show, move and reload keep them; Open in Form; one form; Escape cancels', { timeout: 420_000 }, async () => {
  await freshEmulator();
  await createDirectly('fleet-taken', 'the original');
  await withWorkbench('form dark: errors and persistence', serverOptions(THEMES.dark), async ({ wb }) => {
    const expected = { name: 'fleet-taken', description: 'another description', tags: [{ key: 'team', value: 'ops' }] };
    await wb.step('open the view', () => showView(wb));
    let form = await wb.step('open the form and fill it with a name that exists', async () => {
      const f = await openForm(wb);
      await f.locator('#name').fill(expected.name);
      await f.locator('#description').fill(expected.description);
      await f.locator('#add-tag').click();
      await f.locator('.tag-key').fill('team');
      await f.locator('.tag-value').fill('ops');
      return f;
    });

    await wb.step('Enter: the conflict is shown next to the name, with "Show Existing", and every value stays', async () => {
      await form.locator('#description').press('Enter');
      await waitUntil('the conflict next to the name', async () => (await form.locator('#name-error').isVisible()) && /already exists/.test((await form.locator('#name-error').textContent()) ?? ''), {
        timeout: TIMEOUTS.aws,
      });
      const message = (await form.locator('#name-error').textContent()) ?? '';
      assert.match(message, /already exists with another configuration/);
      assert.match(message, /the original/);
      assert.equal(await form.locator('#name').getAttribute('aria-invalid'), 'true');
      assert.equal(await form.locator('#name-error button').textContent(), 'Show Existing');
      assert.deepEqual(await shownValues(form), expected);
      await waitUntil('Create to be enabled again', async () => !(await form.locator('#create').isDisabled()));
    });
    await assertReadable(form, 'dark', 4.5);
    assert.equal(creates().length, 1);

    await wb.step('hide the form behind another editor and show it again: values and error are there', async () => {
      await wb.runCommand('File: New Untitled Text File');
      await wb.waitForEditorTab(/^Untitled-1/);
      await clickTab(wb, FORM_TITLE);
      form = await waitForValues(wb, expected);
      assert.match((await form.locator('#name-error').textContent()) ?? '', /already exists/);
    });

    await wb.step('move the form to another editor group: values are there', async () => {
      await wb.runCommand('View: Move Editor into Right Group');
      form = await waitForValues(wb, expected);
    });

    await wb.step('reload the window: the form is restored with its values', async () => {
      await wb.reloadWindow();
      form = await waitForValues(wb, expected);
    });

    await wb.step('the quick pick\'s "Open in Form" moves what was typed into the one form', async () => {
      await wb.runCommand('AWS IoT: Create Billing Group');
      await wb.waitForQuickInput({ title: /Create Billing Group/ });
      await wb.typeInQuickInput('from-quick-pick');
      await wb.page.locator(`${SELECTORS.quickInput} .action-label[aria-label="Open in Form"]`).filter({ visible: true }).first().click();
      await wb.waitForQuickInputClosed();
      form = await waitForValues(wb, { name: 'from-quick-pick', description: '', tags: [] });
      assert.equal((await formTabs(wb)).length, 1, `one form per window: ${JSON.stringify(await wb.editorTabs())}`);
    });

    await wb.step('hidden again, the form command shows the same form, values kept', async () => {
      await wb.runCommand('File: New Untitled Text File');
      await waitUntil('the form to be hidden', async () => (await wb.page.locator(`${SELECTORS.webviewOuter}[src*="extensionId=${EXTENSION_ID}"]`).filter({ visible: true }).count()) === 0);
      await wb.runCommand(FORM_COMMAND);
      form = await waitForValues(wb, { name: 'from-quick-pick', description: '', tags: [] });
      assert.equal((await formTabs(wb)).length, 1);
    });

    await wb.step('Escape cancels: the form closes, nothing is sent', async () => {
      await form.locator('#name').press('Escape');
      await waitForFormClosed(wb);
    });
    assert.equal(creates().length, 1, 'only the conflicting attempt reached the emulator');
  });
});

test('form (high contrast): hostile text stays text; a double-click creates once; forged messages are ignored and logged', { timeout: 300_000 }, async () => {
  await freshEmulator();
  await withWorkbench('form high contrast: hostile input', serverOptions(THEMES.highContrast), async ({ wb, server }) => {
    const dialogs: string[] = [];
    const violations: string[] = [];
    wb.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    wb.page.on('console', (m) => {
      if (/Refused to|Content Security Policy|onerror/i.test(m.text())) violations.push(m.text());
    });

    await wb.step('open the view', () => showView(wb));
    let form = await wb.step(`the description ${HOSTILE} is the input's value, not markup`, async () => {
      const f = await openForm(wb);
      await f.locator('#name').fill('hostile-desc');
      await f.locator('#description').fill(HOSTILE);
      assert.equal(await f.locator('#description').inputValue(), HOSTILE);
      assert.equal(await f.locator('img').count(), 0, 'no element was made from the text');
      assert.match((await f.locator('#description-count').textContent()) ?? '', /^28 of 2028/);
      return f;
    });
    await assertReadable(form, 'high contrast', 7);

    await wb.step('a double-click on Create sends one create, with the text as typed', async () => {
      await form.locator('#create').dblclick();
      await wb.waitForNotification('Created billing group hostile-desc');
      await waitForFormClosed(wb);
    });
    assert.deepEqual(
      creates('hostile-desc').map((b) => b.billingGroupProperties),
      [{ billingGroupDescription: HOSTILE }],
    );

    form = await wb.step('a conflicting re-create: the error quoting the hostile description is text too', async () => {
      const f = await openForm(wb);
      await f.locator('#name').fill('hostile-desc');
      await f.locator('#description').fill('plain');
      await f.locator('#name').press('Enter');
      await waitUntil('the conflict next to the name', async () => /already exists/.test((await f.locator('#name-error').textContent()) ?? ''), { timeout: TIMEOUTS.aws });
      assert.ok(((await f.locator('#name-error').textContent()) ?? '').includes(HOSTILE), (await f.locator('#name-error').textContent()) ?? '');
      assert.equal(await f.locator('img').count(), 0);
      return f;
    });

    await wb.step('messages forged into the webview channel are ignored and logged; they send nothing', async () => {
      const before = creates().length;
      const forged: unknown[] = [
        { type: 'runCommand', command: 'workbench.action.closeWindow' },
        { type: 'create', values: { name: 5, description: '', tags: [] } },
        { type: 'create', values: { name: 'x', description: 'y'.repeat(1_000_000), tags: [] } },
        { type: 'create', values: { name: 'x', description: '', tags: [{ key: 'k' }] } },
        { type: 'create', values: { name: 'not valid!', description: '', tags: [] } },
        { type: 'create', values: { name: 'tagged', description: '', tags: [{ key: 'aws:reserved', value: 'v' }] } },
        null,
        'create',
      ];
      for (const m of forged) await forge(wb.page, m);
      await waitUntil(
        'the log to record every forged message',
        async () => {
          const log = server.extensionLog();
          return (log.match(/Create form: ignored a message from the webview/g) ?? []).length >= 6 && (log.match(/Create form: refused values/g) ?? []).length >= 2;
        },
        { describe: async () => server.extensionLog().split('\n').filter((l) => l.includes('Create form')).join('\n') },
      );
      const log = server.extensionLog();
      assert.match(log, /unknown message type "runCommand"/);
      assert.match(log, /values\.name is a number/);
      assert.match(log, /values\.description is 1000000 characters long/);
      assert.match(log, /values\.tags\[0\]\.value is missing/);
      assert.equal(creates().length, before, 'no forged message reached the emulator');
      // The form is still there and working, with its values.
      assert.deepEqual(await shownValues(form), { name: 'hostile-desc', description: 'plain', tags: [] });
    });

    await wb.step('two creates forged back to back (the webview\'s own lock bypassed) make one call', async () => {
      // Different values, so that it is the form's one-create-at-a-time rule that holds, not
      // runCreate's de-duplication of identical creates. The first create is held 2 s on its way,
      // so the second surely arrives while it is under way (else it might find the form closed).
      proxy.addRule({ match: { operation: 'CreateBillingGroup', path: /\/double-forged-1$/ }, fault: 'delay', delayMs: 2_000 });
      await forge(wb.page, { type: 'create', values: { name: 'double-forged-1', description: '', tags: [] } });
      await forge(wb.page, { type: 'create', values: { name: 'double-forged-2', description: '', tags: [] } });
      await wb.waitForNotification('Created billing group double-forged-1');
      await waitForFormClosed(wb);
      assert.equal(creates('double-forged-1').length, 1);
      assert.equal(creates('double-forged-2').length, 0);
      assert.match(server.extensionLog(), /Create form: ignored a second create while one is under way/);
    });

    assert.deepEqual(dialogs, [], 'no dialog was opened');
    assert.deepEqual(violations, [], 'nothing tried to load or run (no CSP violation)');
  });
});
