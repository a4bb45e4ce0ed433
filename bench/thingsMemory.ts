// Issue 12's memory budget in the real workbench: the extension host's growth, after full GCs, from
// before "Things without a billing group" is expanded to after its count is shown ("12,000 things"),
// against the seeded fleet (20,000 things in 100 groups, 12,000 assigned). The same machinery as the
// workbench bench's memory figure (workbenchBench.ts: the extension host found under /proc, GCs forced
// through its inspector), so the two are comparable. Judged on RSS growth; heap growth beside it.
import { startCodeServer, type CodeServer } from '../test/support/codeServer';
import { Workbench } from '../test/support/workbench';
import { scrollTreeTo } from '../test/support/workbenchReliability';
import { Inspector } from './inspector';
import { sleep, waitFor } from './stats';
import { extensionHostPids } from './workbenchBench';

const UNASSIGNED = 'Things without a billing group';

export interface ThingsMemoryOptions {
  endpoint: string;
  vsix: string;
  /** The count the item must end up showing (things − assigned). */
  expectedUnassigned: number;
  /** Called with the live server, so that the caller can stop it on a signal. */
  onServer?: (server: CodeServer, close: () => Promise<void>) => void;
  log: (line: string) => void;
}

export interface ThingsMemoryResult {
  pid: number;
  description: string;
  countMs: number;
  gcRssBeforeMb: number;
  gcRssAfterMb: number;
  /** Judged against 40 MB. */
  growthMb: number;
  gcHeapUsedBeforeMb: number;
  gcHeapUsedAfterMb: number;
  heapGrowthMb: number;
}

const mb = (n: number) => Math.round(n * 10) / 10;

/** The row of the item (the last top-level row: the tree is virtual, so scrolled into sight first). */
async function itemDescription(wb: Workbench): Promise<string | undefined> {
  const row = (await scrollTreeTo(wb, 'End')).filter((r) => r.level === 1).pop();
  if (row?.label !== UNASSIGNED) return undefined;
  return (await wb.treeItems()).find((i) => i.label === UNASSIGNED)?.description;
}

export async function measureThingsMemory(options: ThingsMemoryOptions): Promise<ThingsMemoryResult> {
  const server = await startCodeServer({
    vsix: [options.vsix],
    settings: { 'iotBillingGroups.endpoint': options.endpoint, 'iotBillingGroups.profile': 'default', 'iotBillingGroups.region': 'us-east-1' },
    aws: {
      config: '[default]\nregion = us-east-1\n',
      credentials: '[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n',
    },
  });
  let wb: Workbench | undefined;
  const close = async () => {
    await wb?.close();
    await server.stop();
  };
  options.onServer?.(server, close);
  try {
    wb = await Workbench.open(server, { scenario: 'bench-things-memory', viewport: { width: 1280, height: 900 } });
    await wb.openViewContainer();
    await wb.waitForView();
    const open = wb;
    // The groups are listed and the item is after them, not counted yet.
    const idle = await waitFor('the item after the groups', () => itemDescription(open), 120_000, 250);
    if (idle !== '') throw new Error(`the item says "${idle}" before it is expanded`);
    const pid = extensionHostPids(server)[0];
    if (!pid) throw new Error('no extension host process of this code-server found under /proc');
    // The inspector is opened before the first sample, so its own memory is in both.
    const inspector = await Inspector.attach(pid);
    try {
      await sleep(1_000);
      const before = await inspector.memoryAfterGc();
      const started = Date.now();
      await wb.expandTreeItem(UNASSIGNED);
      const expected = `${options.expectedUnassigned.toLocaleString('en-US')} things`;
      const description = await waitFor(
        `the item to say "${expected}"`,
        async () => {
          const d = (await open.treeItems()).find((i) => i.label === UNASSIGNED)?.description ?? (await itemDescription(open));
          if (d === 'count failed') throw new Error('the count failed');
          return d === expected ? d : undefined;
        },
        600_000,
        250,
      );
      const countMs = Date.now() - started;
      await sleep(1_000);
      const after = await inspector.memoryAfterGc();
      if (extensionHostPids(server)[0] !== pid) throw new Error('the extension host changed while memory was measured');
      await wb.screenshot('things counted').catch(() => undefined);
      const result: ThingsMemoryResult = {
        pid,
        description,
        countMs,
        gcRssBeforeMb: mb(before.rssMb),
        gcRssAfterMb: mb(after.rssMb),
        growthMb: mb(after.rssMb - before.rssMb),
        gcHeapUsedBeforeMb: mb(before.heapUsedMb),
        gcHeapUsedAfterMb: mb(after.heapUsedMb),
        heapGrowthMb: mb(after.heapUsedMb - before.heapUsedMb),
      };
      options.log(
        `  extension host ${pid}: "${description}" in ${countMs} ms; after full GC RSS ${result.gcRssBeforeMb} → ${result.gcRssAfterMb} MB (+${result.growthMb}), ` +
          `heap used ${result.gcHeapUsedBeforeMb} → ${result.gcHeapUsedAfterMb} MB (+${result.heapGrowthMb})`,
      );
      return result;
    } finally {
      inspector.close();
    }
  } catch (e) {
    const shot = await wb?.screenshot('things memory failure').catch(() => undefined);
    if (shot) options.log(`  screenshot at the failure: ${shot}`);
    options.log(server.diagnostics().split('\n').slice(-40).join('\n'));
    throw e;
  } finally {
    await close();
  }
}

/** The figure's row in the bench's table (measurement 9). */
export function thingsMemoryRow(m: ThingsMemoryResult | { error: string } | undefined): string[] {
  if (!m) return ['9', 'extension-host memory growth while counting (after full GC)', 'not measured', '--no-workbench'];
  if ('error' in m) return ['9', 'extension-host memory growth while counting (after full GC)', 'not measured', m.error.split('\n')[0]];
  return [
    '9',
    `extension-host memory growth while counting (after full GC), "${m.description}"`,
    `${m.growthMb} MB`,
    `RSS ${m.gcRssBeforeMb} → ${m.gcRssAfterMb} MB, heap used ${m.gcHeapUsedBeforeMb} → ${m.gcHeapUsedAfterMb} MB (+${m.heapGrowthMb}); expand → count shown ${m.countMs} ms`,
  ];
}

/** The budget: ≤ 40 MB of growth after a full GC (undefined pass: not measured). */
export function thingsMemoryBudget(m: ThingsMemoryResult | { error: string } | undefined): { name: string; limit: string; measured: string; pass: boolean | undefined } {
  const measured = m && !('error' in m) ? m : undefined;
  return {
    name: 'extension-host memory growth while counting things',
    limit: '≤ 40 MB',
    measured: measured ? `${measured.growthMb} MB` : 'not measured',
    pass: measured ? measured.growthMb <= 40 : undefined,
  };
}
