// Picks one thing of a billing group, for groups of any size: the group's things are listed 250 at a
// time (ListThingsInBillingGroup's largest page) with "Load more…", never all at once, and a typed
// name that is not listed (yet) can be picked too — the caller checks it with DescribeThing before
// acting. Typing filters the things listed so far; ListThingsInBillingGroup has no name filter.
import vscode = require('vscode');
import { inert } from '../core/displayText';
import type { Page } from '../core/types';
import { validateName } from '../core/validation';
import { runQuickPick } from '../shared/quickPickRun';

interface Item extends vscode.QuickPickItem {
  thing?: string;
  typed?: boolean;
  more?: boolean;
}

export interface GroupThingPickOptions {
  title: string;
  placeholder: string;
  /** The first page, already read (the caller says "no things" when it is empty). */
  first: Page<string>;
  /** The page after `nextToken`. */
  loadPage: (nextToken: string, signal: AbortSignal) => Promise<Page<string>>;
  /** Shown beside a typed name that is not listed. */
  typedDescription: string;
}

/** The picked thing (typed: not listed, so not known to be in the group), or undefined when dismissed. */
export function pickGroupThing(o: GroupThingPickOptions): Promise<{ thing: string; typed: boolean } | undefined> {
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = o.title;
  pick.placeholder = o.placeholder;
  pick.ignoreFocusOut = true;
  const names: string[] = [...o.first.items];
  const known = new Set(names);
  let nextToken = o.first.nextToken;
  let typed = '';
  const abort = new AbortController();
  const render = () => {
    const items: Item[] = names.map((n) => ({ label: inert(n), thing: n }));
    if (typed && !known.has(typed) && !validateName(typed, 'Thing name')) items.unshift({ label: inert(typed), description: o.typedDescription, thing: typed, typed: true, alwaysShow: true });
    if (nextToken) items.push({ label: `$(ellipsis) ${vscode.l10n.t('Load more…')}`, description: vscode.l10n.t('{0} listed so far', names.length.toLocaleString('en-US')), more: true, alwaysShow: true });
    pick.items = items;
  };
  const loadMore = async () => {
    if (!nextToken || pick.busy) return;
    pick.busy = true;
    try {
      const page = await o.loadPage(nextToken, abort.signal);
      for (const n of page.items) {
        if (known.has(n)) continue;
        known.add(n);
        names.push(n);
      }
      nextToken = page.nextToken;
      render();
    } finally {
      pick.busy = false;
    }
  };
  render();
  return runQuickPick<Item, { thing: string; typed: boolean }>(pick, abort, {
    listen: (end) => [
      pick.onDidChangeValue((v) => {
        typed = v.trim();
        render();
      }),
      pick.onDidAccept(() => {
        const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
        if (chosen?.more) loadMore().catch(end.fail);
        else if (chosen?.thing) end.done({ thing: chosen.thing, typed: chosen.typed === true });
      }),
    ],
  });
}
