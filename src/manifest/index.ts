// Billing groups as code (issue 13): billing-groups.json manifests with a schema, diagnostics and
// CodeLens; Export, Plan (a diff), Apply; Copy as CloudFormation / Terraform. Only the wiring lives
// in the entry bundle: the parser, the plan and the commands load on first use (manifestLoader.ts).
import vscode = require('vscode');
import { isManifestFileName } from '../core/manifestNames';
import type { Deps } from '../shared/deps';
import { guardWith } from '../shared/problems';
import { loadManifestFeature } from './manifestLoader';
import type { ManifestFeature } from './manifestFeature';

/** Manifests in files and in untitled documents (Export opens one before it is saved). */
export const MANIFEST_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/{billing-groups.json,*.billing-groups.json}' },
  { scheme: 'untitled', pattern: '**/{billing-groups.json,*.billing-groups.json}' },
];

function isManifest(doc: vscode.TextDocument): boolean {
  return (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled') && isManifestFileName(doc.uri.path);
}

export function register(deps: Deps): vscode.Disposable[] {
  const lensesChanged = new vscode.EventEmitter<void>();
  let feature: ManifestFeature | undefined;
  const lazy = () => (feature ??= loadManifestFeature().createManifestFeature(deps, () => lensesChanged.fire()));
  const guard = guardWith(deps.log);
  const check = (doc: vscode.TextDocument) => {
    if (isManifest(doc)) lazy().refreshDiagnostics(doc);
  };
  // Manifests already open when the extension activates (activation by workspaceContains/onLanguage).
  setTimeout(() => vscode.workspace.textDocuments.forEach(check), 0);
  return [
    lensesChanged,
    { dispose: () => feature?.dispose() },
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((e) => check(e.document)),
    vscode.workspace.onDidCloseTextDocument((doc) => isManifest(doc) && feature?.forget(doc)),
    // Any connection changed (its profile, region, the AWS files) or came or went: warnings and costs follow.
    deps.connections.onDidChangeSession(() => feature?.connectionChanged()),
    deps.connections.onDidChangeList(() => feature?.connectionChanged()),
    vscode.languages.registerCodeLensProvider(MANIFEST_SELECTOR, {
      onDidChangeCodeLenses: lensesChanged.event,
      provideCodeLenses: (doc) => (isManifest(doc) ? lazy().codeLenses(doc) : []),
    }),
    vscode.commands.registerCommand('iotBillingGroups.exportManifest', guard(vscode.l10n.t('Exporting the manifest failed'), (arg?: unknown) => lazy().exportManifest(arg))),
    vscode.commands.registerCommand('iotBillingGroups.planManifest', guard(vscode.l10n.t('Planning billing group changes failed'), (arg?: unknown) => lazy().planManifest(arg))),
    vscode.commands.registerCommand('iotBillingGroups.applyManifest', guard(vscode.l10n.t('Applying billing group changes failed'), (arg?: unknown) => lazy().applyManifest(arg))),
    vscode.commands.registerCommand(
      'iotBillingGroups.copyAsCloudFormation',
      guard(vscode.l10n.t('Copying as CloudFormation failed'), (node?: unknown, nodes?: unknown) => lazy().copyAs('cloudFormation', node, nodes)),
    ),
    vscode.commands.registerCommand(
      'iotBillingGroups.copyAsTerraform',
      guard(vscode.l10n.t('Copying as Terraform failed'), (node?: unknown, nodes?: unknown) => lazy().copyAs('terraform', node, nodes)),
    ),
  ];
}
