// A command that acts on a billing group, run from the palette without one, asks for it.
import vscode = require('vscode');
import { inert } from '../core/displayText';
import type { GroupNode } from '../tree/nodes';
import { isGroupNode } from '../tree/nodes';
import type { Deps } from './deps';

interface GroupItem extends vscode.QuickPickItem {
  group?: GroupNode;
  more?: boolean;
}

/** The group a command was invoked on: a tree node, a name (from a notification button), or asked for. */
export async function resolveGroup(deps: Deps, arg: unknown, placeholder: string): Promise<GroupNode | undefined> {
  if (isGroupNode(arg)) return arg;
  if (typeof arg === 'string' && arg) {
    const known = deps.provider.loadedGroups.find((g) => g.name === arg);
    if (known) return known;
    const { service } = await deps.session.connect();
    const d = await service.describeBillingGroup(arg);
    return { kind: 'group', name: d.name, arn: d.arn, description: d.description, creationDate: d.creationDate };
  }
  return pickGroup(deps, placeholder);
}

async function pickGroup(deps: Deps, placeholder: string): Promise<GroupNode | undefined> {
  const { service } = await deps.session.connect();
  const pick = vscode.window.createQuickPick<GroupItem>();
  pick.placeholder = placeholder;
  pick.matchOnDescription = true;
  pick.busy = true;
  const groups: GroupNode[] = [];
  let nextToken: string | undefined;
  const abort = new AbortController();
  const loadPage = async () => {
    pick.busy = true;
    try {
      const page = await service.listBillingGroups({ nextToken }, abort.signal);
      groups.push(...page.items.map((g): GroupNode => ({ kind: 'group', name: g.name, arn: g.arn })));
      nextToken = page.nextToken;
      pick.items = [
        ...groups.map((g) => ({ label: inert(g.name), group: g })),
        ...(nextToken ? [{ label: `$(ellipsis) ${vscode.l10n.t('Load more…')}`, more: true, alwaysShow: true }] : []),
      ];
    } finally {
      pick.busy = false;
    }
  };
  return new Promise<GroupNode | undefined>((resolve, reject) => {
    const disposables: vscode.Disposable[] = [];
    const finish = (g: GroupNode | undefined) => {
      for (const d of disposables) d.dispose();
      abort.abort();
      pick.dispose();
      resolve(g);
    };
    disposables.push(
      pick.onDidAccept(() => {
        const item = pick.selectedItems[0];
        if (item?.more) loadPage().catch(reject);
        else finish(item?.group);
      }),
      pick.onDidHide(() => finish(undefined)),
    );
    pick.show();
    loadPage().catch((e) => {
      finish(undefined);
      reject(e);
    });
  });
}
