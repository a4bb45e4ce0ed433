// Create Billing Group behind its lazy boundary (dist/create.js, createLoader.ts): the quick-pick
// wizard, the webview form's host and the flow both share.
import type vscode = require('vscode');
import type { Deps } from '../shared/deps';
import type { CommandHandlers } from '../shared/lazyCommands';
import { createCommandHandlers } from './createCommands';
import { FormPanelController } from './formPanel';

export interface CreateFeature extends vscode.Disposable {
  handlers: CommandHandlers;
  /** A form that was open at reload (the panel serializer, registered at activation). */
  restoreForm(panel: vscode.WebviewPanel, state: unknown): Promise<void>;
}

export function createCreateFeature(deps: Deps): CreateFeature {
  const form = new FormPanelController(deps);
  return {
    handlers: createCommandHandlers(deps, form),
    restoreForm: (panel, state) => form.restore(panel, state),
    dispose: () => form.dispose(),
  };
}
