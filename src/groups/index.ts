// Acting on billing groups: delete, copy, open in the console, edit description and tags.
import type vscode = require('vscode');
import type { Deps } from '../shared/deps';
import { registerGroupCommands } from './groupCommands';

export function register(deps: Deps): vscode.Disposable[] {
  return registerGroupCommands(deps);
}
