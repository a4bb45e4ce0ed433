// The groups feature's commands behind their lazy boundary (dist/groups.js, groupsLoader.ts).
export { groupCommandHandlers } from './groupCommands';
