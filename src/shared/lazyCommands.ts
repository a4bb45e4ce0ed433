// Commands whose code loads on first use: the entry registers each id with a stub, the feature's
// bundle (loaded by `load`, once) holds the handlers. Activation pays for a list of ids only.
import vscode = require('vscode');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers take whatever VS Code passes a command
export type CommandHandlers = Readonly<Record<string, (...args: any[]) => unknown>>;

export function registerLazyCommands(ids: readonly string[], load: () => CommandHandlers): vscode.Disposable[] {
  let handlers: CommandHandlers | undefined;
  return ids.map((id) =>
    vscode.commands.registerCommand(id, (...args: unknown[]) => {
      handlers ??= load();
      const handler = handlers[id];
      if (!handler) throw new Error(`No handler for ${id}`);
      return handler(...args);
    }),
  );
}
