// Runs a quick pick that lists pages of an AWS list to its end, whichever end that is: a choice, the
// pick hidden (Escape, focus elsewhere), or a page that could not be read. Each end disposes the
// listeners and the pick and aborts the page in flight, once — a failed page used to reject the
// command while its pick stayed open with live listeners.
import vscode = require('vscode');

export interface QuickPickEnd<R> {
  /** The pick's result (undefined: nothing chosen). */
  done(result: R | undefined): void;
  /** Closes the pick and rejects with `error` (the command's error handling reports it). */
  fail(error: unknown): void;
}

export interface QuickPickRun<R> {
  /** The pick's own listeners; `onDidHide` is added here. */
  listen(end: QuickPickEnd<R>): vscode.Disposable[];
  /** Started once the pick shows (the first page); a rejection ends the pick with `fail`. */
  start?(): Promise<void>;
}

export function runQuickPick<I extends vscode.QuickPickItem, R>(pick: vscode.QuickPick<I>, abort: AbortController, run: QuickPickRun<R>): Promise<R | undefined> {
  return new Promise<R | undefined>((resolve, reject) => {
    let disposables: vscode.Disposable[] = [];
    let ended = false;
    const end = (settle: () => void) => {
      if (ended) return;
      ended = true;
      for (const d of disposables) d.dispose();
      abort.abort();
      pick.dispose();
      settle();
    };
    const finish: QuickPickEnd<R> = {
      done: (result) => end(() => resolve(result)),
      fail: (error) => end(() => reject(error)),
    };
    disposables = [...run.listen(finish), pick.onDidHide(() => finish.done(undefined))];
    pick.show();
    run.start?.().catch(finish.fail);
  });
}
