// Placeholder until the webview form lands (issue 4): the form command opens the quick pick.
import * as vscode from 'vscode';
import type { FormOpener } from '../commands/createCommands';
import type { Deps } from '../commands/deps';

export class FormPanelController implements FormOpener, vscode.Disposable {
  constructor(readonly deps: Deps) {}

  open(): void {
    void vscode.commands.executeCommand('iotBillingGroups.create');
  }

  dispose(): void {}
}
