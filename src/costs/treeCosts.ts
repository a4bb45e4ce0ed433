// With iotBillingGroups.costs.showInTree on, each group's description starts with its month-to-date
// cost and its tooltip lists the last months — each group's figure under its own connection (issue
// 17). Only the items whose figures changed are redrawn; no IoT call is made for it, and nothing is
// asked of Cost Explorer while the setting is off.
import vscode = require('vscode');
import { buildConnectionsCostTable, currentMonthCostsByConnection, formatAmount, utcMonth } from '../core/costs';
import type { Deps } from '../shared/deps';
import { asProblem } from '../shared/problems';
import type { GroupCostText } from '../tree/billingGroupsProvider';
import type { CostsModel, LoadedCosts } from './costsModel';
import { COSTS_SECTION, readCostSettings } from './costSettings';

/**
 * Each connection's groups' "… this month" and tooltips (connection id → group name → text).
 * Figures whose last month is not the current UTC month (queried before 00:00 UTC on the 1st) say
 * nothing of "this month": those groups get no text.
 */
export function groupCostTexts(loaded: LoadedCosts, now = new Date()): Map<string, Map<string, GroupCostText>> {
  const table = buildConnectionsCostTable(loaded.data, loaded.connections);
  const byConnection = new Map<string, Map<string, GroupCostText>>();
  for (const [id, costs] of currentMonthCostsByConnection(loaded.data, table, now)) {
    const out = new Map<string, GroupCostText>();
    byConnection.set(id, out);
    for (const [name, c] of costs) {
      const months = c.months.map((m, i) => `${m}: ${formatAmount(c.amounts[i], c.currency)}`).reverse();
      out.set(name, {
        description: vscode.l10n.t('{0} this month', formatAmount(c.monthToDate, c.currency)),
        tooltip: [
          vscode.l10n.t('Costs ({0}, by tag {1}), as of {2}:', loaded.data.metric, loaded.data.tagKey, new Date(loaded.data.fetchedAt).toLocaleString()),
          ...months,
          ...(c.sharedWith.length > 0 ? [vscode.l10n.t('Shared with {0}: the figures are theirs together.', c.sharedWith.join(', '))] : []),
        ].join('\n'),
      });
    }
  }
  return byConnection;
}

export function registerTreeCosts(deps: Deps, model: CostsModel): vscode.Disposable[] {
  const { provider, log, connections } = deps;
  /** Each connection's figures from its rows; none for a connection the figures do not cover. */
  const show = (texts: Map<string, Map<string, GroupCostText>> | undefined) => {
    for (const session of connections.all) provider.setGroupCosts(session, texts?.get(session.id));
  };
  let loading = false;
  const update = async () => {
    if (!readCostSettings().showInTree) {
      show(undefined);
      return;
    }
    if (loading || provider.viewState !== 'ready') return;
    loading = true;
    try {
      await model.load(); // shown through onDidChange
    } catch (e) {
      log.warn(`Costs in the tree: ${asProblem(e)?.message ?? String(e)}`);
    } finally {
      loading = false;
    }
  };
  // Loaded while the tree already shows groups: the first figures now.
  void update();
  // At 00:00 UTC on the 1st the figures shown become last month's: redrawn without "this month"
  // (nothing is asked of Cost Explorer for it; the next load uses the new month's key). Checked each
  // minute rather than by one long timer, which a suspended machine or a clock change would defeat.
  let month = utcMonth(new Date());
  const monthTimer = setInterval(() => {
    const now = new Date();
    if (utcMonth(now) === month) return;
    month = utcMonth(now);
    log.info(`Costs in the tree: a new month (${month}) began; last month's figures are no longer shown as this month's`);
    if (readCostSettings().showInTree && model.last) show(groupCostTexts(model.last, now));
  }, 60_000);
  return [
    { dispose: () => clearInterval(monthTimer) },
    model.onDidChange((loaded) => {
      if (readCostSettings().showInTree) show(groupCostTexts(loaded));
    }),
    // Another profile, region or endpoint: the figures shown under that connection are another
    // account's until reloaded. With one connection the tree's reload brings them back (its state
    // goes through "ready"); with several the view stays "ready", so they are asked for again here.
    connections.onDidChangeSession((session) => {
      provider.setGroupCosts(session, undefined);
      if (connections.multiple) void update();
    }),
    // A connection added or removed: the plan changes (one query per payer of the connections now).
    connections.onDidChangeList(() => void update()),
    provider.onDidChangeState((s) => {
      if (s === 'ready') void update();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(COSTS_SECTION)) void update();
    }),
  ];
}
