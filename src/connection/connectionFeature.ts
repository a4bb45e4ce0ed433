// The connection feature's commands behind their lazy boundary (dist/connection.js, connectionLoader.ts).
export { connectionCommandHandlers } from './connectionCommands';
