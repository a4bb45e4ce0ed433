// Create Billing Group: the quick-pick wizard, the webview form and the flow both share. The entry
// registers the commands and the form's panel serializer; the code loads with the first of them
// (dist/create.js).
import vscode = require('vscode');
import type { Deps } from '../shared/deps';
import { registerLazyCommands } from '../shared/lazyCommands';
import type { CreateFeature } from './createFeature';
import { loadCreateFeature } from './createLoader';

/** The form's viewType (also in formPanel.ts, behind the lazy boundary). */
const FORM_VIEW_TYPE = 'iotBillingGroups.createForm';

export function register(deps: Deps): vscode.Disposable[] {
  let feature: CreateFeature | undefined;
  const lazy = () => (feature ??= loadCreateFeature().createCreateFeature(deps));
  return [
    { dispose: () => feature?.dispose() },
    // Registered during activation, so a form open at reload comes back with what was typed.
    vscode.window.registerWebviewPanelSerializer(FORM_VIEW_TYPE, { deserializeWebviewPanel: (panel, state) => lazy().restoreForm(panel, state) }),
    ...registerLazyCommands(['iotBillingGroups.create', 'iotBillingGroups.createWithForm'], () => lazy().handlers),
  ];
}
