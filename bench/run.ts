// `npm run bench`: sizes, code-load time, activation, listing 5,000 billing groups against moto
// (beside boto3), first page drawn and extension-host memory in the real workbench. Prints a table
// with each budget's pass or miss and writes bench/results.json. A miss is printed, not a failure:
// the exit code is 0 unless the benchmark itself breaks. Everything runs on 127.0.0.1, and every
// server it starts is stopped at the end, on error and on Ctrl+C too.
//
// Run by `npm run bench` after `npm run package`, `npm run build:tests` and `node test/e2e/setup.mjs`.
// Options: --no-workbench (skip measurements 3, 5, 6, 10 and the costs panel), --no-costs (skip 8), --no-manifest (skip 7), --no-connections (skip 10), --things (add 9: issue 12 at fleet scale; seeding takes minutes), --groups N (default 5000; budgets assume 5000).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { makeAwsHome, type AwsHome } from '../test/support/awsFiles';
import { startMoto, type MotoServer } from '../test/support/moto';
import { measureCodeLoad, type LoadResult } from './codeLoad';
import { measureListing, seedGroups, type ListingResult } from './listing';
import { measureManifest, type ManifestBenchResult } from './manifestBench';
import { measureConnections, type ConnectionsBenchResult } from './connectionsBench';
import { measureCosts, type CostsBenchResult } from './costsBench';
import { kb, ms, round, within } from './stats';
import { runThingsBench, type ThingsBenchResult } from './things';
import { thingsMemoryBudget, thingsMemoryRow } from './thingsMemory';
import { artifactsDirFor, measureWorkbench, type WorkbenchResult } from './workbenchBench';

const REPO = path.resolve(__dirname, '..', '..');
const started = Date.now();
const args = process.argv.slice(2);
const withWorkbench = !args.includes('--no-workbench');
const withManifest = !args.includes('--no-manifest');
const groupsArg = args.indexOf('--groups');
const N = groupsArg >= 0 ? Number(args[groupsArg + 1]) : 5000;
const PAGE_SIZE = 250;
/** --things (measurement 9) seeds 20,000 things into moto, which takes minutes: asked for, and given more time. */
const withThings = args.includes('--things');
const HARD_LIMIT_MS = (withThings ? 45 : 25) * 60_000; // the manifest (7) and things (9) measurements pace thousands of calls

const log = (line: string) => console.log(line);
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

// --- cleanup on every way out --------------------------------------------------------------------

const cleanups: Array<() => Promise<void> | void> = [];
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch (e) {
        console.error(`cleanup: ${String(e)}`);
      }
    }
  })();
  return cleaning;
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    console.error(`\nbench: ${sig}, stopping the servers`);
    void cleanup().finally(() => process.exit(130));
  });
}
const watchdog = setTimeout(() => {
  console.error(`\nbench: still running after ${HARD_LIMIT_MS / 60_000} minutes; stopping`);
  void cleanup().finally(() => process.exit(1));
}, HARD_LIMIT_MS);
watchdog.unref();

// --- 1. sizes -------------------------------------------------------------------------------------

const FILES = {
  entry: path.join(REPO, 'dist', 'extension.js'),
  sdk: path.join(REPO, 'dist', 'aws.js'),
  webview: path.join(REPO, 'dist', 'webview', 'form.js'),
  vsix: path.join(REPO, 'aws-iot-billing-groups.vsix'),
  eager: path.join(REPO, 'dist-eager', 'extension.js'),
};

/** Strings only the SDK bundle has (operation names, smithy). */
const SDK_MARKERS = /ListBillingGroupsCommand|@smithy|smithy-client|AWS_SDK_/;

/**
 * Sizes, taken from a snapshot of the packaged files in `tmp`: every later measurement uses the
 * snapshot, so that a build started meanwhile (another terminal, a watch) cannot change them mid-run.
 */
function sizes(tmp: string) {
  const snapshot = path.join(tmp, 'snapshot');
  const copy = (f: string) => {
    if (!fs.existsSync(f)) throw new Error(`${path.relative(REPO, f)} is missing: run \`npm run package\` first (npm run bench does)`);
    const to = path.join(snapshot, path.relative(REPO, f));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(f, to);
    return to;
  };
  const snap = { entry: copy(FILES.entry), sdk: copy(FILES.sdk), webview: copy(FILES.webview), vsix: copy(FILES.vsix) };
  const size = (f: string) => fs.statSync(f).size;
  const entryText = fs.readFileSync(snap.entry, 'utf8');
  // `npm run package` empties dist/ and writes minified bundles without source maps; a development
  // build (`npm run build`, `npm run watch`) since then would be measured instead of what ships.
  if (fs.existsSync(`${FILES.entry}.map`) || entryText.split('\n').length > 300) {
    throw new Error('dist/ holds a development build (source maps, unminified), not the packaged one: run `npm run package` (npm run bench does), and no watch build meanwhile');
  }
  return {
    snap,
    entryBytes: size(snap.entry),
    sdkBytes: size(snap.sdk),
    webviewBytes: size(snap.webview),
    vsixBytes: size(snap.vsix),
    entryHasSdk: SDK_MARKERS.test(entryText),
    entryRequiresSdkBundle: /require\(["']\.\/aws\.js["']\)/.test(entryText),
  };
}

// --- 2. the eager builds --------------------------------------------------------------------------

/**
 * `node esbuild.mjs --eager-sdk` links src/aws (and the SDK) into the entry. esbuild keeps the
 * module bodies of what `require('./aws')` reaches behind a lazy initializer, so that build pays
 * for parsing the SDK at load but runs its module code only at the first AWS call. A build that
 * really imports the SDK eagerly (a static import at the top, as a naive extension has it) is built
 * here too, with the same options, into a temporary folder.
 */
async function eagerBuilds(tmp: string): Promise<{ eager: string; eagerImport: string; eagerHasSdk: boolean }> {
  const r = spawnSync(process.execPath, ['esbuild.mjs', '--eager-sdk'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`node esbuild.mjs --eager-sdk failed:\n${r.stdout}${r.stderr}`);
  const eager = path.join(tmp, 'snapshot', 'dist-eager', 'extension.js');
  fs.mkdirSync(path.dirname(eager), { recursive: true });
  fs.copyFileSync(FILES.eager, eager);
  const text = fs.readFileSync(eager, 'utf8');
  const eagerHasSdk = SDK_MARKERS.test(text) && !/require\(["']\.\/aws(\.js)?["']\)/.test(text);
  if (!eagerHasSdk) throw new Error(`${FILES.eager} does not link the SDK statically (it should: it is the comparison build)`);
  const eagerImport = path.join(tmp, 'eager-import', 'extension.js');
  await esbuild.build({
    stdin: {
      contents: "import './src/aws';\nexport * from './src/extension';\n",
      resolveDir: REPO,
      sourcefile: 'bench-eager-import-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    minify: true,
    legalComments: 'none',
    outfile: eagerImport,
    logLevel: 'silent',
  });
  return { eager, eagerImport, eagerHasSdk };
}

// --- the report ------------------------------------------------------------------------------------

interface Budget {
  name: string;
  limit: string;
  measured: string;
  pass: boolean | undefined;
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGb: round(os.totalmem() / 1024 ** 3, 1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString(),
    loadAverageAtStart: os.loadavg().map((l) => round(l, 2)),
  };
}

async function main(): Promise<void> {
  const mach = machine();
  log(`bench: ${mach.cpu}, ${mach.cores} cores, Node ${mach.node}, load average ${mach.loadAverageAtStart.join(' ')}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iotbg-bench-'));
  // Removed at exit, not with the servers: the costs and things measurements after the mid-run
  // cleanup still install the snapshot's .vsix.
  process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

  log(`[${elapsed()}] 1. sizes`);
  const sz = sizes(tmp);

  log(`[${elapsed()}] 2. code-load time: building the eager comparison builds`);
  const eager = await eagerBuilds(tmp);
  log(`[${elapsed()}] 2. code-load time: 20 fresh node processes per bundle, interleaved`);
  const loads = measureCodeLoad(
    [
      { key: 'entry', label: 'entry bundle (dist/extension.js)', file: sz.snap.entry },
      { key: 'eagerSdk', label: 'eager build (esbuild.mjs --eager-sdk)', file: eager.eager },
      { key: 'eagerImport', label: 'eager build, SDK imported at the top', file: eager.eagerImport },
      { key: 'sdkBundle', label: 'lazy SDK bundle (dist/aws.js), first AWS call', file: sz.snap.sdk },
    ],
    REPO,
    20,
  );
  const load = (key: string) => loads.find((l) => l.key === key) as LoadResult;
  for (const l of loads) log(`  ${l.label}: median ${ms(l.medianMs)} (${kb(l.bytes)})`);

  log(`[${elapsed()}] 4. listing: moto_server, seeding ${N} billing groups`);
  const moto: MotoServer = await startMoto();
  cleanups.push(() => moto.stop());
  const seedMs = await within('seeding moto', 240_000, seedGroups(moto.endpoint, N));
  log(`  seeded in ${(seedMs / 1000).toFixed(1)} s`);
  const awsHome: AwsHome = makeAwsHome();
  cleanups.push(() => awsHome.remove());
  log(`[${elapsed()}] 4. listing ${N} groups: src/aws beside boto3's paginator (1 warm-up + 5 runs each, interleaved)`);
  const listing: ListingResult = await within('the listing benchmark', 180_000, measureListing(moto.endpoint, awsHome, N, REPO, 5));
  log(
    `  src/aws: median ${ms(listing.extension.medianMs)}, ListBillingGroups calls per listing ${JSON.stringify(listing.extension.listBillingGroupsCalls)}; ` +
      `boto3 paginator: ${ms(listing.boto3Default.medianMs)} (${listing.boto3Default.calls} calls), with PageSize=${PAGE_SIZE}: ${ms(listing.boto3SamePageSize.medianMs)} (${listing.boto3SamePageSize.calls} calls)`,
  );

  let wbResult: WorkbenchResult | undefined;
  let wbError: string | undefined;
  if (withWorkbench) {
    log(`[${elapsed()}] 3, 5, 6. the workbench: code-server + Chromium, 5 window loads, then Load more… to ${N}`);
    const artifactsDir = artifactsDirFor(REPO);
    try {
      wbResult = await within(
        'the workbench measurements',
        300_000,
        measureWorkbench({
          endpoint: moto.endpoint,
          vsix: sz.snap.vsix,
          windows: 5,
          totalGroups: N,
          artifactsDir,
          log,
          onServer: (_server, close) => cleanups.push(close),
        }),
      );
    } catch (e) {
      // The other figures still stand: report them, with this one not measured, and fail the run.
      wbError = e instanceof Error ? (e.stack ?? e.message) : String(e);
      console.error(`bench: the workbench measurements failed: ${wbError}\n(screenshots: ${artifactsDir})`);
    }
  }

  let manifest: ManifestBenchResult | undefined;
  if (withManifest) {
    log(`[${elapsed()}] 7. manifest: plan of 1,000 groups (calls beside a boto3 script), apply of 500 creates under throttling and a lost response`);
    manifest = await within('the manifest benchmark', 600_000, measureManifest({ repo: REPO, log }));
  }

  await cleanup();

  let costs: CostsBenchResult | undefined;
  if (!args.includes('--no-costs')) {
    log(`[${elapsed()}] 8. costs: bundle sizes, Cost Explorer requests per refresh (3 pages queued in moto), the panel cold and from the cache`);
    costs = await within('the costs benchmark', 300_000, measureCosts({ repo: REPO, vsix: sz.snap.vsix, withWorkbench, log }));
  }

  let connections: ConnectionsBenchResult | undefined;
  let connectionsError: string | undefined;
  if (withWorkbench && !args.includes('--no-connections')) {
    log(`[${elapsed()}] 10. several connections: 10 connections of 500 groups each in the workbench, expanded in turn; calls per region; one region never answering`);
    try {
      connections = await within('the connections benchmark', 600_000, measureConnections({ log }));
    } catch (e) {
      connectionsError = String(e);
      console.error(`bench: the connections measurement failed: ${connectionsError}`);
    }
  }

  let things: ThingsBenchResult | undefined;
  if (withThings) {
    log(`[${elapsed()}] 9. things without a billing group: 20,000 things in 100 groups (12,000 assigned), counted beside boto3; 1,000 paced assignments through the fault proxy`);
    things = await within('the things benchmark', 25 * 60_000, runThingsBench(REPO, log, withWorkbench ? { vsix: sz.snap.vsix } : undefined));
  }

  // --- the report ---
  const entryLoad = load('entry');
  const eagerLoad = load('eagerSdk');
  const eagerImportLoad = load('eagerImport');
  const sdkLoad = load('sdkBundle');
  const callsPerListing = listing.extension.listBillingGroupsCalls;
  const expectedCalls = Math.ceil(N / PAGE_SIZE);

  const rows: string[][] = [
    ['1', 'entry bundle `dist/extension.js`', kb(sz.entryBytes), sz.entryHasSdk ? 'contains SDK code!' : 'no SDK code; loads `./aws.js` on the first AWS call'],
    ['1', 'lazy SDK bundle `dist/aws.js`', kb(sz.sdkBytes), ''],
    ['1', 'webview bundle `dist/webview/form.js`', kb(sz.webviewBytes), ''],
    ['1', '`.vsix`', kb(sz.vsixBytes), ''],
    ['2', 'entry code-load, fresh Node, median of 20', ms(entryLoad.medianMs), ''],
    ['2', 'eager build `esbuild.mjs --eager-sdk`', ms(eagerLoad.medianMs), `${round(eagerLoad.medianMs / entryLoad.medianMs, 1)}× the entry (${kb(eagerLoad.bytes)}; SDK linked, its module code run lazily by esbuild)`],
    ['2', 'eager build, SDK imported at the top', ms(eagerImportLoad.medianMs), `${round(eagerImportLoad.medianMs / entryLoad.medianMs, 1)}× the entry (${kb(eagerImportLoad.bytes)})`],
    ['2', 'lazy SDK bundle load (first AWS call)', ms(sdkLoad.medianMs), 'paid once, off activation'],
  ];
  if (wbResult) {
    rows.push([
      '3',
      'activation (Running Extensions), median of 5 window loads',
      ms(wbResult.activationMedianMs),
      `each: ${wbResult.windows.map((w) => w.activationMs).join(', ')} ms`,
    ]);
  } else {
    rows.push(['3', 'activation (Running Extensions)', 'not measured', wbError ? 'workbench failed' : '--no-workbench']);
  }
  rows.push(
    ['4', `list ${N} groups via src/aws: ListBillingGroups calls`, String(callsPerListing[0]), `every run: ${JSON.stringify(callsPerListing)} (page size ${PAGE_SIZE})`],
    ['4', `list ${N} groups via src/aws, median of 5`, ms(listing.extension.medianMs), ''],
    ['4', "boto3 paginator (defaults), median of 5", ms(listing.boto3Default.medianMs), `${listing.boto3Default.calls} calls; ratio src/aws ÷ boto3 = ${round(listing.ratio, 2)}`],
    ['4', `boto3 paginator, PageSize=${PAGE_SIZE}, median of 5`, ms(listing.boto3SamePageSize.medianMs), `${listing.boto3SamePageSize.calls} calls; ratio src/aws ÷ boto3 = ${round(listing.ratioSamePageSize, 2)}`],
  );
  if (wbResult) {
    rows.push(
      ['5', 'Refresh → first page drawn (warm client), median of 5', ms(wbResult.warmRefreshMedianMs), `each: ${wbResult.windows.map((w) => Math.round(w.warmRefreshMs)).join(', ')} ms`],
      ['5', 'open view → first page drawn (new window, cold), median of 5', ms(wbResult.coldFirstPageMedianMs), `each: ${wbResult.windows.map((w) => Math.round(w.coldFirstPageMs)).join(', ')} ms; includes activation and SDK load`],
      [
        '6',
        `extension-host memory growth (RSS after a full GC), ${wbResult.memory.groupsBefore} → ${wbResult.memory.groupsAfter} groups`,
        `${round(wbResult.memory.growthMb, 1)} MB`,
        `${round(wbResult.memory.gcRssBeforeMb, 1)} → ${round(wbResult.memory.gcRssAfterMb, 1)} MB; JS heap +${round(wbResult.memory.heapGrowthMb, 1)} MB; ` +
          `right after the work, before GC: RSS +${round(wbResult.memory.rssGrowthMb, 1)} MB; ${wbResult.memory.loadMoreClicks} × Load more… in ${(wbResult.memory.loadAllMs / 1000).toFixed(1)} s`,
      ],
    );
  } else {
    rows.push(['5', 'first page drawn', 'not measured', ''], ['6', 'extension-host memory growth', 'not measured', '']);
  }

  if (manifest) {
    const m = manifest;
    rows.push(
      ['7', `plan of a ${m.plan.groups}-group manifest (${m.plan.changed} changed): calls`, String(m.plan.totalCalls), `${JSON.stringify(m.plan.calls)}; expected ⌈G/250⌉ + 2G = ${m.plan.expectedCalls}; boto3 script, same reads: ${m.plan.boto3.totalCalls} ${JSON.stringify(m.plan.boto3.calls)}`],
      ['7', 'plan time at the read pace (10/s)', `${m.plan.atReadPaceS} s`, `unpaced against moto: ${ms(m.plan.unpacedMs)}; boto3 script, unpaced: ${ms(m.plan.boto3.ms)}`],
      ['7', `apply of ${m.apply.creates} creates, paced, throttled, one response lost`, `${(m.apply.ms / 1000).toFixed(1)} s`, `${JSON.stringify(m.apply.outcomes)}; ${m.apply.createRequestsForwarded} creates reached moto, ${m.apply.throttled} throttled; ${m.apply.groupsAfter} groups after; second plan empty: ${m.apply.secondPlanEmpty}`],
    );
  } else rows.push(['7', 'manifest plan and apply', 'not measured', '--no-manifest']);

  const cp = costs?.panel;
  if (costs) {
    rows.push(
      ['8', 'costs feature `dist/costs.js` (loaded when costs are asked for)', kb(costs.sizes.featureBytes), ''],
      ['8', 'Cost Explorer client `dist/costs-aws.js` (loaded with it)', kb(costs.sizes.clientBytes), 'default credential chain left out: it signs with the IoT client\'s credentials'],
      ['8', 'costs panel script `dist/webview/costs.js`', kb(costs.sizes.webviewBytes), 'plain SVG chart, no charting library'],
      ['8', 'Cost Explorer requests per refresh', String(costs.requestsPerRefresh), `= pages of the one query (${costs.pages} queued)`],
      ['8', 'costs panel cold (new server, emulator): panel script start → table drawn, median', cp ? ms(cp.coldInPanelMedianMs) : 'not measured', cp ? `each: ${cp.coldInPanelMs.map(Math.round).join(', ')} ms; with VS Code creating the webview (command → drawn): ${cp.coldMs.map(Math.round).join(', ')} ms; requests per cold open ${JSON.stringify(cp.coldRequests)}` : (costs.panelError ?? '--no-workbench').split('\n')[0]],
      ['8', 'costs panel reopened (cache): panel script start → table drawn, median', cp ? ms(cp.warmInPanelMedianMs) : 'not measured', cp ? `each: ${cp.warmInPanelMs.map(Math.round).join(', ')} ms; with VS Code creating the webview: median ${ms(cp.warmMedianMs)}; requests per reopen ${JSON.stringify(cp.warmRequests)}` : ''],
    );
  } else rows.push(['8', 'costs', 'not measured', '--no-costs']);

  if (things) {
    const c = things.counting;
    const a = things.assigning;
    rows.push(
      ['9', `count things without a group (${c.things} things, ${c.unassigned} without): calls`, String(c.extension.calls[0]), `every run: ${JSON.stringify(c.extension.calls)}; expected ⌈T/250⌉ + Σ max(1, ⌈n_g/250⌉) = ${c.expectedCalls}; + ${c.extension.listBillingGroupsCalls} ListBillingGroups; seeded in ${round(things.seedMs / 1000, 1)} s`],
      ['9', 'count via src/aws, median', ms(c.extension.medianMs), `boto3 paginators (defaults, ${c.boto3Default.calls} calls) ${ms(c.boto3Default.medianMs)}: ratio ${round(c.ratio, 2)}; same page size ${ms(c.boto3SamePageSize.medianMs)}: ratio ${round(c.ratioSamePageSize, 2)}`],
      ['9', 'heap kept by the count after a full GC (bench process)', `${c.heapGrowthMb} MB`, 'the same src/aws code as the extension host'],
      thingsMemoryRow(things.memory),
      ['9', `assign ${a.things} things, paced, throttled and losing responses`, `${a.seconds} s`, `${a.perSecond}/s = ${round(a.ofPace * 100, 1)} % of the pace; ${a.reachedEmulator} adds reached moto (expected ${a.expectedAtEmulator}); ${a.throttled} throttled, ${a.lostResponses} lost; failed ${a.failed}; each in the group once: ${a.inGroupOnce}`],
    );
  } else rows.push(['9', 'things without a billing group at fleet scale', 'not measured', 'asked for with --things']);

  if (connections) {
    const h = connections.healthy;
    const o = connections.oneHanging;
    const each = (byRegion: Record<string, number>) => Object.values(byRegion).map(Math.round).join(', ');
    rows.push(
      ['10', `${connections.connections} connections × ${connections.groupsPerConnection} groups: expanding a connection → its first page drawn, median`, ms(h.medianMs), `slowest ${ms(h.maxMs)}; each (in order): ${each(h.byRegion)} ms`],
      ['10', `the same with ${o.hangingRegion} never answering (expanded first): the other nine, median`, ms(o.medianMs), `slowest ${ms(o.maxMs)}; ratio to the healthy median ${round(o.medianMs / h.medianMs, 2)}; each: ${each(o.byRegion)} ms`],
      ['10', 'ListBillingGroups calls to list every group of every connection', String(connections.calls), `expected Σ ⌈G_c/250⌉ = ${connections.expectedCalls}; per region ${JSON.stringify(Object.values(connections.callsByRegion))}`],
    );
  } else rows.push(['10', 'several connections', 'not measured', connectionsError ? connectionsError.split('\n')[0] : withWorkbench ? '--no-connections' : '--no-workbench']);

  const budgets: Budget[] = [
    { name: 'entry bundle', limit: '≤ 60 KB', measured: kb(sz.entryBytes), pass: sz.entryBytes <= 60 * 1024 && !sz.entryHasSdk },
    { name: 'entry code-load, median', limit: '≤ 10 ms', measured: ms(entryLoad.medianMs), pass: entryLoad.medianMs <= 10 },
    { name: '.vsix', limit: '≤ 400 KB', measured: kb(sz.vsixBytes), pass: sz.vsixBytes <= 400 * 1024 },
    {
      name: `ListBillingGroups calls for ${N} groups`,
      limit: `exactly ${expectedCalls}`,
      measured: callsPerListing.every((c) => c === callsPerListing[0]) ? String(callsPerListing[0]) : JSON.stringify(callsPerListing),
      pass: callsPerListing.every((c) => c === expectedCalls),
    },
    { name: 'list time ÷ boto3 paginator', limit: '≤ 0.8', measured: String(round(listing.ratio, 2)), pass: listing.ratio <= 0.8 },
    {
      name: 'first page drawn (warm client)',
      limit: '≤ 1.5 s',
      measured: wbResult ? ms(wbResult.warmRefreshMedianMs) : 'not measured',
      pass: wbResult ? wbResult.warmRefreshMedianMs <= 1500 : undefined,
    },
    {
      name: 'extension-host memory growth',
      limit: '≤ 30 MB',
      measured: wbResult ? `${round(wbResult.memory.growthMb, 1)} MB` : 'not measured',
      pass: wbResult ? wbResult.memory.growthMb <= 30 : undefined,
    },
    {
      name: 'manifest plan calls (1,000 groups)',
      limit: '⌈G/250⌉ + 2G, no more than boto3',
      measured: manifest ? `${manifest.plan.totalCalls} (boto3 ${manifest.plan.boto3.totalCalls})` : 'not measured',
      pass: manifest ? manifest.plan.totalCalls === manifest.plan.expectedCalls && manifest.plan.totalCalls <= manifest.plan.boto3.totalCalls : undefined,
    },
    {
      name: 'manifest apply: each create once, none failed',
      limit: `${manifest?.apply.creates ?? 500} created`,
      measured: manifest ? `${manifest.apply.groupsAfter} groups, ${manifest.apply.outcomes.failed ?? 0} failed` : 'not measured',
      pass: manifest ? manifest.apply.groupsAfter === manifest.apply.creates && (manifest.apply.outcomes.done ?? 0) === manifest.apply.creates && manifest.apply.secondPlanEmpty : undefined,
    },
  ];

  budgets.push(
    { name: 'costs panel from the cache (in the panel)', limit: '≤ 300 ms', measured: cp ? ms(cp.warmInPanelMedianMs) : 'not measured', pass: cp ? cp.warmInPanelMedianMs <= 300 : undefined },
    { name: 'costs panel cold, emulator (in the panel)', limit: '≤ 1.5 s', measured: cp ? ms(cp.coldInPanelMedianMs) : 'not measured', pass: cp ? cp.coldInPanelMedianMs <= 1500 : undefined },
    { name: 'Cost Explorer requests per refresh', limit: '= pages', measured: costs ? `${costs.requestsPerRefresh} (${costs.pages} pages)` : 'not measured', pass: costs ? costs.requestsPerRefresh === costs.pages : undefined },
    { name: 'Cost Explorer requests, open within the cache window', limit: '0', measured: cp ? JSON.stringify(cp.warmRequests) : 'not measured', pass: cp ? cp.warmRequests.every((n) => n === 0) : undefined },
  );

  console.log(
    `\n## Benchmark (${mach.cpu}, ${mach.cores} cores, ${mach.memoryGb} GB, Node ${mach.node}, ${mach.date.slice(0, 10)}; ` +
      `load average ${mach.loadAverageAtStart[0]} at the start, ${round(os.loadavg()[0], 2)} at the end)\n`,
  );
  budgets.push(
    {
      name: 'first page of each expanded connection (10 × 500 groups)',
      limit: '≤ 1.5 s',
      measured: connections ? `slowest ${ms(connections.healthy.maxMs)}` : 'not measured',
      pass: connections ? connections.healthy.maxMs <= 1500 : undefined,
    },
    {
      name: 'first page of each other connection, one never answering',
      limit: '≤ 1.5 s',
      measured: connections ? `slowest ${ms(connections.oneHanging.maxMs)}` : 'not measured',
      pass: connections ? connections.oneHanging.maxMs <= 1500 : undefined,
    },
    {
      name: 'ListBillingGroups calls, 10 connections × 500 groups',
      limit: 'exactly Σ ⌈G_c/250⌉',
      measured: connections ? `${connections.calls} (expected ${connections.expectedCalls})` : 'not measured',
      pass: connections ? connections.calls === connections.expectedCalls && Object.values(connections.callsByRegion).every((c) => c === Math.ceil(connections!.groupsPerConnection / 250)) : undefined,
    },
  );
  if (things) {
    const c = things.counting;
    const a = things.assigning;
    budgets.push(
      { name: 'calls to count things without a group', limit: `exactly ${c.expectedCalls}`, measured: JSON.stringify(c.extension.calls), pass: c.extension.calls.every((n) => n === c.expectedCalls) },
      { name: 'count time ÷ boto3 paginators', limit: '≤ 0.8', measured: String(round(c.ratio, 2)), pass: c.ratio <= 0.8 },
      { name: 'heap kept by the count (bench process)', limit: '≤ 40 MB', measured: `${c.heapGrowthMb} MB`, pass: c.heapGrowthMb <= 40 },
      thingsMemoryBudget(things.memory),
      { name: '1,000 assignments: adds reaching moto', limit: `= ${a.expectedAtEmulator}, none failed, each once`, measured: `${a.reachedEmulator}, ${a.failed} failed`, pass: a.reachedEmulator === a.expectedAtEmulator && a.failed === 0 && a.inGroupOnce },
      { name: '1,000 assignments: throughput of the pace', limit: '≥ 90 %', measured: `${round(a.ofPace * 100, 1)} %`, pass: a.ofPace >= 0.9 },
    );
  }
  console.log(table(['#', 'measurement', 'value', 'beside'], rows));
  console.log('\n### Budgets\n');
  console.log(table(['budget', 'limit', 'measured', 'result'], budgets.map((b) => [b.name, b.limit, b.measured, b.pass === undefined ? 'not measured' : b.pass ? 'pass' : 'MISS'])));

  const results = {
    machine: { ...mach, loadAverageAtEnd: os.loadavg().map((l) => round(l, 2)) },
    groups: N,
    pageSize: PAGE_SIZE,
    durationS: round((Date.now() - started) / 1000, 1),
    sizes: {
      entryBytes: sz.entryBytes,
      sdkBundleBytes: sz.sdkBytes,
      webviewBytes: sz.webviewBytes,
      vsixBytes: sz.vsixBytes,
      entryContainsSdk: sz.entryHasSdk,
      entryRequiresSdkBundle: sz.entryRequiresSdkBundle,
    },
    codeLoad: {
      method: 'each run a fresh `node -e` that stubs `vscode` through Module._load and times only require(bundle); 20 runs per bundle, interleaved; median',
      bundles: Object.fromEntries(loads.map((l) => [l.key, { label: l.label, file: l.key === 'eagerImport' ? '(built by the bench)' : path.relative(path.join(tmp, 'snapshot'), l.file), bytes: l.bytes, medianMs: round(l.medianMs, 2), runsMs: l.runsMs.map((v) => round(v, 2)) }])),
      ratioEagerSdkToEntry: round(eagerLoad.medianMs / entryLoad.medianMs, 2),
      ratioEagerImportToEntry: round(eagerImportLoad.medianMs / entryLoad.medianMs, 2),
    },
    listing: {
      ...listing,
      seedMs,
      expectedCalls,
      method: 'createAwsLayer with a temporary HOME (static fake keys), endpoint = moto; listAllBillingGroups; calls counted from the CallLog; boto3 get_paginator("list_billing_groups") in a Python process over the same moto; 1 warm-up + 5 runs each, interleaved; medians',
    },
    workbench: wbResult
      ? {
          ...wbResult,
          method: {
            activation: 'code-server 4.100.3 (VS Code 1.100.3), headless Chromium; per window load (a new browser profile loads the workbench: a new extension host, the view closed), the view opened from the activity bar 2 s after the workbench came up, then "Developer: Show Running Extensions": "Activation: N ms" (codeLoadingTime + activateCallTime); median of 5',
            firstPageWarm: 'in the same window, after the first page was drawn once (SDK bundle loaded): mousedown on the view\'s Refresh button → first animation frame after the tree rows were re-rendered with the fetched page (MutationObserver on the rows, after the progress bar ended); median of 5 windows. The extension\'s Refresh also drops its cached client (Session.reset), so this includes re-reading the AWS files, a new IoTClient and a new connection: an upper bound for a warm client',
            firstPageCold: 'mousedown on the activity-bar icon of a newly loaded window → first animation frame with the first group\'s row (includes activation, loading the SDK bundle, credentials, the first call); median of 5',
            memory: 'this window\'s extension-host process (/proc, a descendant of this code-server), its inspector opened with SIGUSR1: with the first page shown, then after Load more… (End, Enter in the tree) until all groups are in the tree. Judged: RSS (process.memoryUsage) after two full GCs forced through the inspector (HeapProfiler.collectGarbage). Also shown: JS heap used after those GCs, and VmRSS right after the work without a GC (median of 5 samples 200 ms apart, 1 s after the last change)',
          },
        }
      : { error: wbError ?? 'skipped (--no-workbench)' },
    manifest: manifest ?? 'skipped (--no-manifest)',
    costs: costs ?? 'skipped (--no-costs)',
    connections: connections ?? connectionsError ?? 'skipped',
    things: things ?? 'skipped (without --things)',
    budgets: budgets.map((b) => ({ ...b, result: b.pass === undefined ? 'not measured' : b.pass ? 'pass' : 'miss' })),
  };
  const out = path.join(REPO, 'bench', 'results.json');
  fs.writeFileSync(`${out}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
  fs.renameSync(`${out}.tmp`, out);
  console.log(`\nbench: results written to ${path.relative(REPO, out)} in ${elapsed()}`);
  if (wbError) process.exitCode = 1;
}

main()
  .catch(async (e) => {
    console.error(`bench FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanup();
    clearTimeout(watchdog);
    // Nothing of ours is left; a stray keep-alive socket must not hold the process open.
    setTimeout(() => process.exit(), 3_000).unref();
  });
