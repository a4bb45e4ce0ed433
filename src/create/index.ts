// Create Billing Group: the quick-pick wizard, the webview form and the flow both share.
import type vscode = require('vscode');
import type { Deps } from '../shared/deps';
import { registerCreateCommands } from './createCommands';
import { FormPanelController } from './formPanel';

export function register(deps: Deps): vscode.Disposable[] {
  const form = new FormPanelController(deps);
  return [form, ...registerCreateCommands(deps, form)];
}
