// The lazily loaded part of the manifest feature (dist/manifest.js): diagnostics on the exact range
// of what the JSON Schema cannot say, the Plan/Apply and cost CodeLens, and the commands.
// Nothing here calls AWS on its own: the accounts and regions it compares with are those already
// known of every connection (from the tree's loaded groups, or the last Plan, Apply or Export of that
// connection) — issue 17: a manifest is for the connection its account and region fit.
import vscode = require('vscode');
import { ownDiagnostics, parseManifest, type ManifestProblem, type ParsedManifest } from '../core/manifest';
import { utcMonth, type CostData } from '../core/costs';
import { connectionWarnings, costConnection } from '../core/manifestConnection';
import { manifestCostLenses, type GroupCostLens } from '../core/manifestCosts';
import { cachedCostsOfConnection } from '../costs/costCache';
import { readCostSettings } from '../costs/costSettings';
import type { Deps } from '../shared/deps';
import { copyAsCode } from './copyAsCode';
import { ManifestCommands } from './manifestCommands';
import { KnownConnections, knownFacts } from './manifestConnections';

export interface ManifestFeature extends vscode.Disposable {
  refreshDiagnostics(doc: vscode.TextDocument): void;
  forget(doc: vscode.TextDocument): void;
  connectionChanged(): void;
  codeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]>;
  exportManifest(arg?: unknown): Promise<void>;
  planManifest(arg?: unknown): Promise<void>;
  applyManifest(arg?: unknown): Promise<void>;
  copyAs(kind: 'cloudFormation' | 'terraform', node?: unknown, nodes?: unknown): Promise<void>;
}

const DIAGNOSTIC_SOURCE = 'AWS IoT Billing Groups';
const DEBOUNCE_MS = 250;

function toRange(doc: vscode.TextDocument, p: { offset: number; length: number }): vscode.Range {
  return new vscode.Range(doc.positionAt(p.offset), doc.positionAt(p.offset + p.length));
}

export function createManifestFeature(deps: Deps, lensesChanged: () => void): ManifestFeature {
  const collection = vscode.languages.createDiagnosticCollection('iotBillingGroups.manifest');
  const timers = new Map<string, NodeJS.Timeout>();
  /** The last parse of each open manifest (for the CodeLens). */
  const parsed = new Map<string, { version: number; parsed: ParsedManifest }>();
  /** What Plan, Apply and Export learned of each connection. */
  const known = new KnownConnections();

  const parse = (doc: vscode.TextDocument): ParsedManifest => {
    const key = doc.uri.toString();
    const hit = parsed.get(key);
    if (hit && hit.version === doc.version) return hit.parsed;
    const p = parseManifest(doc.getText());
    parsed.set(key, { version: doc.version, parsed: p });
    return p;
  };

  /** Every connection as known without a call: the last command's, else the tree's groups' ARNs. */
  const connectionFacts = () => deps.connections.all.map((s) => knownFacts(deps, known, s));

  const update = (doc: vscode.TextDocument) => {
    const p = parse(doc);
    const problems: ManifestProblem[] = [...ownDiagnostics(p), ...connectionWarnings(p, connectionFacts())];
    collection.set(
      doc.uri,
      problems.map((x) => {
        const d = new vscode.Diagnostic(toRange(doc, x), x.message, x.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
        d.source = DIAGNOSTIC_SOURCE;
        return d;
      }),
    );
  };

  const refreshAll = () => {
    for (const doc of vscode.workspace.textDocuments) if (parsed.has(doc.uri.toString())) update(doc);
    lensesChanged();
  };

  const commands = new ManifestCommands(deps, known, refreshAll);

  /**
   * THE ONE PLACE the manifest reads cached cost figures: those of the connection the manifest fits,
   * from the costs cache (no request) — only the figures of the current settings' key (tag key,
   * metric, credits, months, services) and of this UTC month's period, for its account and region,
   * found in whatever query covered the connection (its own, or its payer's across connections).
   */
  const cachedCosts = (where: { account: string; region: string }, now: Date): CostData | undefined =>
    cachedCostsOfConnection(deps.context.globalState, readCostSettings(), where, now)?.data;

  /** Costs per group of the connection the manifest fits, once its account and region are known. */
  const costsFor = async (p: ParsedManifest): Promise<Map<string, GroupCostLens> | undefined> => {
    const fit = costConnection(p.manifest, connectionFacts());
    const session = fit && deps.connections.get(fit.id);
    if (!fit?.account || !fit.region || !session) return undefined;
    const now = new Date();
    const data = cachedCosts({ account: fit.account, region: fit.region }, now);
    return data ? manifestCostLenses(p.manifest, data, now) : undefined;
  };

  // The cost CodeLens follows the costs settings (another key or metric: other figures, or none) and
  // the UTC month (after 00:00 UTC on the 1st, last month's figures are another key): checked each minute.
  let lensMonth = utcMonth(new Date());
  const lensTimer = setInterval(() => {
    if (utcMonth(new Date()) === lensMonth) return;
    lensMonth = utcMonth(new Date());
    lensesChanged();
  }, 60_000);
  const costSettingsWatch = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('iotBillingGroups.costs')) lensesChanged();
  });

  return {
    refreshDiagnostics(doc) {
      const key = doc.uri.toString();
      clearTimeout(timers.get(key));
      if (!parsed.has(key)) {
        update(doc); // the first time at once: diagnostics appear as the file opens
        return;
      }
      timers.set(
        key,
        setTimeout(() => {
          timers.delete(key);
          update(doc);
        }, DEBOUNCE_MS),
      );
    },
    forget(doc) {
      const key = doc.uri.toString();
      clearTimeout(timers.get(key));
      timers.delete(key);
      parsed.delete(key);
      collection.delete(doc.uri);
    },
    connectionChanged() {
      known.prune(deps.connections.all);
      refreshAll();
    },
    async codeLenses(doc) {
      const p = parse(doc);
      const top = new vscode.Range(0, 0, 0, 0);
      const lenses = [
        new vscode.CodeLens(top, { title: vscode.l10n.t('Plan'), command: 'iotBillingGroups.planManifest', arguments: [doc.uri] }),
        new vscode.CodeLens(top, { title: vscode.l10n.t('Apply'), command: 'iotBillingGroups.applyManifest', arguments: [doc.uri] }),
      ];
      let costs: Map<string, GroupCostLens> | undefined;
      try {
        costs = await costsFor(p);
      } catch {
        costs = undefined; // no connection yet: no cost lens, no error while editing
      }
      if (costs)
        for (const [name, range] of p.ranges.groupKeys) {
          const c = costs.get(name);
          if (c) lenses.push(new vscode.CodeLens(toRange(doc, range), { title: c.title, command: '' }));
        }
      return lenses;
    },
    exportManifest: (arg) => commands.exportManifest(arg),
    planManifest: (arg) => commands.plan(arg),
    applyManifest: (arg) => commands.apply(arg),
    copyAs: (kind, node, nodes) => copyAsCode(deps, kind, node, nodes),
    dispose() {
      for (const t of timers.values()) clearTimeout(t);
      clearInterval(lensTimer);
      costSettingsWatch.dispose();
      collection.dispose();
      commands.dispose();
    },
  };
}
