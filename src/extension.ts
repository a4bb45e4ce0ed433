// Wires the features together; each feature's folder holds its commands, UI and webview host.
// Activation does no AWS work and loads no SDK code (see shared/awsLoader.ts).
import vscode = require('vscode');
import * as connection from './connection';
import { Connections } from './connection/connections';
import * as costs from './costs';
import * as create from './create';
import * as details from './details';
import * as groups from './groups';
import * as manifest from './manifest';
import { Log } from './shared/log';
import * as things from './things';
import * as tree from './tree';

/** Returned by activate() for the extension-host tests (test/vscode); not a public API. */
export interface TestingApi {
  listRoot(): Promise<Array<{ kind: string; name?: string }>>;
}

export function activate(context: vscode.ExtensionContext): TestingApi {
  const log = new Log();
  const connections = new Connections(log);
  const view = tree.createTree(connections, log);
  const deps = { context, connections, log, tree: view, provider: view.provider };
  context.subscriptions.push(log, ...tree.register(deps), ...connection.register(deps));
  context.subscriptions.push(...create.register(deps), ...details.register(deps), ...groups.register(deps), ...things.register(deps));
  context.subscriptions.push(...costs.register(deps));
  context.subscriptions.push(...manifest.register(deps));
  // Plain copies: the nodes themselves hold the features' state (and cycles).
  return { listRoot: async () => (await view.provider.getChildren()).map((n) => ({ kind: n.kind, name: n.kind === 'connection' ? n.session.label : 'name' in n ? n.name : undefined })) };
}

export function deactivate(): void {}
