// Acting on billing groups: delete, copy, open in the console, edit description and tags. The entry
// registers the command ids; the handlers load with the first of them (dist/groups.js).
import type vscode = require('vscode');
import type { Deps } from '../shared/deps';
import { registerLazyCommands } from '../shared/lazyCommands';
import { loadGroupsFeature } from './groupsLoader';

const COMMANDS = ['delete', 'copyName', 'copyArn', 'openInConsole', 'editDescription', 'editTags'].map((c) => `iotBillingGroups.${c}`);

export function register(deps: Deps): vscode.Disposable[] {
  return registerLazyCommands(COMMANDS, () => loadGroupsFeature().groupCommandHandlers(deps));
}
