// Extension-host tests: the extension activates, registers the contract's commands, and lists and
// creates billing groups through the real vscode API against moto (started by runTests.ts).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { runQuickPick, type QuickPickEnd } from '../../../src/shared/quickPickRun';

const EXTENSION_ID = 'iot-fleet-tools.aws-iot-billing-groups';
const CONTRACT = [
  'iotBillingGroups.create',
  'iotBillingGroups.createWithForm',
  'iotBillingGroups.refresh',
  'iotBillingGroups.delete',
  'iotBillingGroups.copyName',
  'iotBillingGroups.copyArn',
  'iotBillingGroups.selectProfile',
  'iotBillingGroups.selectRegion',
  'iotBillingGroups.showLog',
  'iotBillingGroups.showDetails',
  'iotBillingGroups.editDescription',
  'iotBillingGroups.addThing',
  'iotBillingGroups.removeThing',
  'iotBillingGroups.editTags',
  'iotBillingGroups.filter',
  'iotBillingGroups.clearFilter',
  'iotBillingGroups.openInConsole',
  // costs (issue 11)
  'iotBillingGroups.showCosts',
  'iotBillingGroups.refreshCosts',
  'iotBillingGroups.exportCosts',
  'iotBillingGroups.setUpCostAllocation',
  // things without a billing group (issue 12)
  'iotBillingGroups.assignThings',
  'iotBillingGroups.checkAttribution',
  // billing groups as code (issue 13)
  'iotBillingGroups.exportManifest',
  'iotBillingGroups.planManifest',
  'iotBillingGroups.applyManifest',
  'iotBillingGroups.copyAsCloudFormation',
  'iotBillingGroups.copyAsTerraform',
  // several connections (issue 17)
  'iotBillingGroups.addConnection',
  'iotBillingGroups.removeConnection',
  'iotBillingGroups.addOrganizationAccounts',
];

/** Polls `check` until it holds (the tree reloads asynchronously after a settings change). */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface TestingApi {
  listRoot(): Promise<Array<{ kind: string; name?: string }>>;
}

describe('AWS IoT Billing Groups in the extension host', () => {
  let api: TestingApi;

  before(async () => {
    const ext = vscode.extensions.getExtension<TestingApi>(EXTENSION_ID);
    assert.ok(ext, 'extension is installed');
    api = await ext.activate();
  });

  it('registers every command of the contract', async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const c of CONTRACT) assert.ok(commands.has(c), `${c} is registered`);
  });

  it('lists the billing groups of the emulator', async () => {
    const endpoint = process.env.IOTBG_TEST_MOTO;
    assert.ok(endpoint);
    const res = await fetch(`${endpoint}/billing-groups/from-vscode-suite`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iot/aws4_request' },
      body: '{}',
    });
    assert.equal(res.status, 200);
    await vscode.commands.executeCommand('iotBillingGroups.refresh');
    const nodes = await api.listRoot();
    assert.ok(nodes.some((n) => n.kind === 'group' && n.name === 'from-vscode-suite'), JSON.stringify(nodes));
  });

  it('with iotBillingGroups.connections set, each connection is a root item; cleared, the groups are the root again', async () => {
    const endpoint = process.env.IOTBG_TEST_MOTO;
    const config = vscode.workspace.getConfiguration('iotBillingGroups');
    await config.update('connections', [{ profile: 'default', region: 'eu-west-1', endpoint }], vscode.ConfigurationTarget.Global);
    try {
      const roots = await eventually('two connection roots', async () => {
        const nodes = await api.listRoot();
        return nodes.length === 2 && nodes.every((n) => n.kind === 'connection') ? nodes : undefined;
      });
      assert.deepEqual(roots.map((n) => n.name), ['default @ us-east-1', 'default @ eu-west-1']);
      // A bad entry is left out (and said in the log), the others stay.
      await config.update('connections', [{ profile: 'default', region: 'Ireland' }, { profile: 'default', region: 'eu-west-1', endpoint }], vscode.ConfigurationTarget.Global);
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual((await api.listRoot()).map((n) => n.name), ['default @ us-east-1', 'default @ eu-west-1']);
    } finally {
      await config.update('connections', undefined, vscode.ConfigurationTarget.Global);
    }
    await eventually('the groups at the root again', async () => {
      const nodes = await api.listRoot();
      return nodes.some((n) => n.kind === 'group' && n.name === 'from-vscode-suite') ? nodes : undefined;
    });
  });
});

// The quick picks that list AWS pages (Add Thing, Remove Thing, a group asked for from the palette)
// end through runQuickPick; here with a real QuickPick of this extension host.

describe('runQuickPick with a real QuickPick', () => {
  /** A listener whose disposal is seen. */
  const watched = () => {
    const seen = { disposed: false };
    return { seen, disposable: new vscode.Disposable(() => (seen.disposed = true)) };
  };

  it('a page that cannot be read closes the pick, rejects once, disposes the listeners and aborts', async () => {
    const pick = vscode.window.createQuickPick();
    const abort = new AbortController();
    const listener = watched();
    let hidden = 0;
    pick.onDidHide(() => hidden++);
    const failure = new Error('page 2 could not be read');
    const result = runQuickPick(pick, abort, { listen: () => [listener.disposable], start: () => Promise.reject(failure) });
    await assert.rejects(result, failure);
    assert.equal(listener.seen.disposed, true);
    assert.equal(abort.signal.aborted, true);
    assert.equal(hidden, 1, 'the pick was closed');
  });

  it('resolves with what a listener chose, once: the hide that disposing causes and a later failure change nothing', async () => {
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem>();
    const abort = new AbortController();
    let end: QuickPickEnd<string> | undefined;
    const result = runQuickPick<vscode.QuickPickItem, string>(pick, abort, {
      listen: (e) => {
        end = e;
        return [];
      },
    });
    assert.ok(end);
    end.done('chosen');
    end.fail(new Error('a page that answered after the choice'));
    assert.equal(await result, 'chosen');
    assert.equal(abort.signal.aborted, true);
  });

  it('hidden without a choice: undefined', async () => {
    const pick = vscode.window.createQuickPick();
    const abort = new AbortController();
    const result = runQuickPick(pick, abort, { listen: () => [] });
    pick.hide();
    assert.equal(await result, undefined);
  });
});
