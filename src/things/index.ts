// The things of a billing group: add, remove (and move by drag and drop, in the tree).
import type vscode = require('vscode');
import type { Deps } from '../shared/deps';
import { registerThingCommands } from './thingCommands';

export function register(deps: Deps): vscode.Disposable[] {
  return registerThingCommands(deps);
}
