// With iotBillingGroups.costs.showInTree on, each group's description starts with its month-to-date
// cost and its tooltip lists the last months. Only the items whose figures changed are redrawn; no
// IoT call is made for it, and nothing is asked of Cost Explorer while the setting is off.
import vscode = require('vscode');
import { buildCostTable, currentMonthCosts, formatAmount, utcMonth } from '../core/costs';
import type { Deps } from '../shared/deps';
import { asProblem } from '../shared/problems';
import type { GroupCostText } from '../tree/billingGroupsProvider';
import type { CostsModel, LoadedCosts } from './costsModel';
import { COSTS_SECTION, readCostSettings } from './costSettings';

/**
 * Each group's "… this month" and its tooltip. Figures whose last month is not the current UTC month
 * (queried before 00:00 UTC on the 1st) say nothing of "this month": those groups get no text.
 */
export function groupCostTexts(loaded: LoadedCosts, now = new Date()): Map<string, GroupCostText> {
  const table = buildCostTable(loaded.data, loaded.groups);
  const out = new Map<string, GroupCostText>();
  for (const [name, c] of currentMonthCosts(loaded.data, table, now)) {
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
  return out;
}

export function registerTreeCosts(deps: Deps, model: CostsModel): vscode.Disposable[] {
  const { provider, log } = deps;
  let loading = false;
  const update = async () => {
    if (!readCostSettings().showInTree) {
      provider.setGroupCosts(model.session, undefined);
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
    if (readCostSettings().showInTree && model.last) provider.setGroupCosts(model.session, groupCostTexts(model.last, now));
  }, 60_000);
  return [
    { dispose: () => clearInterval(monthTimer) },
    model.onDidChange((loaded) => {
      if (readCostSettings().showInTree) provider.setGroupCosts(model.session, groupCostTexts(loaded));
    }),
    // Another profile, region or endpoint: the figures shown are another account's until reloaded.
    model.session.onDidChange(() => provider.setGroupCosts(model.session, undefined)),
    provider.onDidChangeState((s) => {
      if (s === 'ready') void update();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(COSTS_SECTION)) void update();
    }),
  ];
}
