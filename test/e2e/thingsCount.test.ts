// Issue 12 in the real workbench (code-server, VS Code 1.100): the count of "Things without a
// billing group" is cancellable. The extension talks to the fault proxy, which delays every
// ListThings and ListThingsInBillingGroup by DELAY_MS (so a count is surely under way when the person
// acts), in front of the tag layer, which records what reached moto:
//   - collapsing the item while it counts stops the count: after the collapse takes effect the
//     extension sends nothing more, and the scan never finishes;
//   - expanding it again counts anew, in exactly ⌈T/250⌉ + Σ max(1, ⌈n_g/250⌉) calls;
//   - Refresh while it counts cancels that count and counts again: two scans started, one finished.
// The proxy's delay is dumb: a request it holds is forwarded when the delay ends even if the
// extension has aborted it meanwhile, so "reached moto after the collapse" is judged against what the
// extension had sent by then (the proxy's arrivals), not against the moment of the click.
import * as assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { CreateThingCommand, IoTClient } from '@aws-sdk/client-iot';
import { startEmulatorStack, type EmulatorStack } from '../support/emulatorStack';
import type { ProxiedRequest } from '../support/faultProxy';
import { SAMPLE_GROUPS, seedSampleFleet, testClient } from '../support/seed';
import { ScenarioOptions, waitUntil, withWorkbench, Workbench } from '../support/workbench';

const AWS_FILES = {
  config: ['[default]', 'region = us-east-1', ''].join('\n'),
  credentials: ['[default]', 'aws_access_key_id = testing', 'aws_secret_access_key = testing', ''].join('\n'),
};
const UNASSIGNED = 'Things without a billing group';
const COUNTING_OPS = ['ListThings', 'ListThingsInBillingGroup'] as const;
const DELAY_MS = 2_500;
/** The sample fleet's 12 things and 500 more without a group: 3 pages of ListThings, 5 groups of one page each. */
const BULK = 500;
const THINGS = 12 + BULK;
const UNASSIGNED_COUNT = 3 + BULK;
const LIST_THINGS_PAGES = Math.ceil(THINGS / 250);
const FULL_COUNT_CALLS = LIST_THINGS_PAGES + SAMPLE_GROUPS.length;

let stack: EmulatorStack;
let iot: IoTClient;

before(async () => {
  stack = await startEmulatorStack();
  iot = testClient(stack.moto.endpoint);
});

after(async () => {
  iot?.destroy();
  await stack?.stop();
});

function scenarioOptions(): ScenarioOptions {
  return { server: { settings: { 'iotBillingGroups.endpoint': stack.proxy.endpoint, 'iotBillingGroups.region': 'us-east-1' }, aws: AWS_FILES } };
}

const isCounting = (operation: string | undefined) => (COUNTING_OPS as readonly (string | undefined)[]).includes(operation);
/** Counting calls the extension sent (arrived at the proxy), in order of arrival. */
const sentByExtension = (): ProxiedRequest[] => stack.proxy.events().map((e) => e.request).filter((r) => isCounting(r.operation));
/** Counting calls that reached moto (recorded by the tag layer behind the proxy). */
const reachedMoto = () => stack.layer.requests.filter((r) => isCounting(r.operation));
const firstPages = (reqs: readonly ProxiedRequest[]) => reqs.filter((r) => r.operation === 'ListThings' && !r.query.has('nextToken'));

async function unassignedItem(wb: Workbench) {
  return (await wb.treeItems()).find((i) => i.label === UNASSIGNED);
}

async function waitForDescription(wb: Workbench, what: string, ok: (description: string) => boolean, timeout = 90_000): Promise<string> {
  return waitUntil(
    `"${UNASSIGNED}" to say ${what}`,
    async () => {
      const item = await unassignedItem(wb);
      return item && ok(item.description) ? item.description : undefined;
    },
    { timeout, interval: 100, describe: () => wb.describeSidebar() },
  );
}

/** Waits until the extension has sent `n` ListThings pages since `from` (a count is under way). */
async function waitForPagesSent(n: number, from: number): Promise<void> {
  await waitUntil(`${n} ListThings pages sent`, async () => sentByExtension().slice(from).filter((r) => r.operation === 'ListThings').length >= n, {
    timeout: 60_000,
    interval: 50,
  });
}

async function collapse(wb: Workbench, label: string): Promise<void> {
  await wb.moveMouseAway();
  await wb.treeItem(label).locator('.monaco-tl-twistie').click();
  await waitUntil(`tree item "${label}" to collapse`, async () => (await wb.treeItem(label).getAttribute('aria-expanded')) === 'false');
}

/** No counting call is sent for longer than a delayed call takes; then every one sent has reached moto. */
async function expectQuiet(what: string): Promise<number> {
  const sent = sentByExtension().length;
  await sleep(DELAY_MS * 2 + 1_000);
  assert.equal(sentByExtension().length, sent, `${what}: no counting call after it took effect`);
  assert.equal(reachedMoto().length, sent, `${what}: what reached moto is what was sent before`);
  return sent;
}

test('things count: collapsing cancels the count, expanding counts anew, Refresh while counting cancels and recounts', { timeout: 420_000 }, async () => {
  await stack.fresh();
  await seedSampleFleet(stack.moto.endpoint);
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < BULK) await iot.send(new CreateThingCommand({ thingName: `slow-${String(next++).padStart(3, '0')}` }));
  }));
  stack.layer.requests.length = 0;
  stack.proxy.reset();
  stack.proxy.addRule({ match: { operation: [...COUNTING_OPS] }, fault: 'delay', delayMs: DELAY_MS, times: Infinity });

  await withWorkbench('things count cancel', scenarioOptions(), async ({ wb }) => {
    await wb.step('open the view', async () => {
      await wb.openViewContainer();
      await wb.waitForView();
      await wb.waitForTreeItem(UNASSIGNED);
    });
    assert.equal(sentByExtension().length, 0, 'nothing counted before the item is expanded');

    let collapsedAt = 0;
    await wb.step('expand, then collapse while the second ListThings page is on its way: the count stops', async () => {
      await wb.expandTreeItem(UNASSIGNED);
      await waitForPagesSent(2, 0);
      assert.match((await unassignedItem(wb))?.description ?? '', /^counting…/, 'still counting when collapsed');
      await collapse(wb, UNASSIGNED);
      // The extension cancelled: the description is no longer "counting…" (nor a finished count).
      await waitForDescription(wb, 'nothing (cancelled)', (d) => d === '');
      collapsedAt = await expectQuiet('the collapse');
    });
    const firstRun = sentByExtension();
    assert.equal(firstPages(firstRun).length, 1);
    assert.ok(
      firstRun.filter((r) => r.operation === 'ListThings').length < LIST_THINGS_PAGES,
      `the scan never finished: ${firstRun.map((r) => r.path).join(', ')}`,
    );

    await wb.step('expand again: counted anew, in exactly a full count\'s calls', async () => {
      await wb.expandTreeItem(UNASSIGNED);
      await waitForDescription(wb, `${UNASSIGNED_COUNT} things`, (d) => d === `${UNASSIGNED_COUNT} things`);
      await expectQuiet('the count');
    });
    const secondRun = sentByExtension().slice(collapsedAt);
    assert.equal(secondRun.length, FULL_COUNT_CALLS, secondRun.map((r) => r.path).join(', '));
    assert.equal(secondRun.filter((r) => r.operation === 'ListThings').length, LIST_THINGS_PAGES);
    assert.equal(firstPages(secondRun).length, 1);
    assert.ok(secondRun.every((r) => r.query.get('maxResults') === '250'));

    const beforeRefresh = sentByExtension().length;
    await wb.step('Refresh starts a count; Refresh again while it counts cancels it and counts again', async () => {
      await wb.clickViewTitleAction('Refresh');
      await waitForPagesSent(2, beforeRefresh);
      assert.match((await unassignedItem(wb))?.description ?? '', /^counting…/, 'still counting at the second Refresh');
      await wb.clickViewTitleAction('Refresh');
      await waitUntil('the second count to start', async () => firstPages(sentByExtension().slice(beforeRefresh)).length === 2, { timeout: 60_000, interval: 50 });
      await waitForDescription(wb, `${UNASSIGNED_COUNT} things`, (d) => d === `${UNASSIGNED_COUNT} things`);
      await expectQuiet('the recount');
    });
    const refreshed = sentByExtension().slice(beforeRefresh);
    const cancelledRun = refreshed.length - FULL_COUNT_CALLS;
    // Two scans started; the first stopped (had it gone on, both would be full counts).
    assert.equal(firstPages(refreshed).length, 2);
    assert.ok(cancelledRun >= 2 && cancelledRun < FULL_COUNT_CALLS, `the cancelled count sent ${cancelledRun} calls: ${refreshed.map((r) => r.path).join(', ')}`);
    assert.ok(refreshed.filter((r) => r.operation === 'ListThings').length < 2 * LIST_THINGS_PAGES, refreshed.map((r) => r.path).join(', '));
    assert.equal(stack.layer.requests.filter((r) => isCounting(r.operation) && r.status !== 200).length, 0, 'every call that reached moto was answered');
  });
});
