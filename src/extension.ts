// Wires the parts together. Activation does no AWS work and loads no SDK code (see awsLoader.ts).
import vscode = require('vscode');
import { warmAws } from './awsLoader';
import { registerConnectionCommands } from './commands/connectionCommands';
import { registerCreateCommands } from './commands/createCommands';
import type { Deps } from './commands/deps';
import { registerGroupCommands } from './commands/groupCommands';
import { registerThingCommands } from './commands/thingCommands';
import { DETAILS_SCHEME, DetailsProvider } from './details/detailsProvider';
import { FormPanelController } from './form/formPanel';
import { Log } from './log';
import { reportError } from './problems';
import { Session } from './session';
import { ConnectionStatusBar } from './statusBar';
import { BillingGroupsProvider } from './tree/billingGroupsProvider';
import { isGroupNode } from './tree/nodes';
import { TreeUi } from './treeUi';
import { resolveGroup } from './commands/pickGroup';

/** Returned by activate() for the extension-host tests (test/vscode); not a public API. */
export interface TestingApi {
  listRoot(): Promise<Array<{ kind: string; name?: string }>>;
}

export function activate(context: vscode.ExtensionContext): TestingApi {
  const log = new Log();
  const session = new Session(log);
  const provider = new BillingGroupsProvider(session, log);
  const tree = new TreeUi(provider);
  const statusBar = new ConnectionStatusBar(session);
  const details = new DetailsProvider(session);
  const deps: Deps = { context, session, log, tree, provider };
  const form = new FormPanelController(deps);
  context.subscriptions.push(log, session, provider, tree, statusBar, details, form);

  context.subscriptions.push(
    session.onDidChange(() => provider.refresh()),
    vscode.workspace.registerTextDocumentContentProvider(DETAILS_SCHEME, details),
    ...registerCreateCommands(deps, form),
    ...registerGroupCommands(deps),
    ...registerThingCommands(deps),
    ...registerConnectionCommands(deps),
    vscode.commands.registerCommand('iotBillingGroups.showDetails', async (arg?: unknown) => {
      try {
        const g = isGroupNode(arg) || typeof arg === 'string' ? (isGroupNode(arg) ? arg : { name: arg }) : await resolveGroup(deps, arg, vscode.l10n.t('Billing group to show'));
        if (g) await details.show(g.name);
      } catch (e) {
        await reportError(log, vscode.l10n.t('Showing details failed'), e);
      }
    }),
    // Load the SDK bundle in the background once the view is visible, and show the status bar.
    tree.view.onDidChangeVisibility((e) => {
      if (e.visible) {
        warmAws();
        void statusBar.update();
      }
    }),
  );
  if (tree.view.visible) {
    warmAws();
    void statusBar.update();
  }
  return { listRoot: () => provider.getChildren() };
}

export function deactivate(): void {}
