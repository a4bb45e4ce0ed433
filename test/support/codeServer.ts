// Starts code-server (real VS Code 1.100.3, installed by test/e2e/setup.mjs) for one end-to-end run:
// a temporary HOME, user-data-dir, extensions-dir and workspace folder, the extension under test
// installed from its .vsix, user settings written before the server starts (edits made while it runs
// are not picked up), and an environment with no real AWS credentials in it.
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './moto';

/** The repository root: the folder that holds test/e2e/setup.mjs (works from src or out/). */
export const REPO_ROOT: string = (() => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'test', 'e2e', 'setup.mjs')) && fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no repository root (with test/e2e/setup.mjs) above ${__dirname}`);
  }
})();

/** The packaged extension `npm run package` writes ($E2E_VSIX overrides it). */
export const DEFAULT_VSIX = process.env.E2E_VSIX ? path.resolve(process.env.E2E_VSIX) : path.join(REPO_ROOT, 'aws-iot-billing-groups.vsix');

export const CODE_SERVER_BIN = path.join(REPO_ROOT, 'test', 'e2e', 'node_modules', '.bin', 'code-server');

/** The extension's LogOutputChannel name (its log file is named after it). */
export const EXTENSION_LOG_NAME = 'AWS IoT Billing Groups';

/**
 * Settings that keep the workbench quiet and the same on every run: no welcome page or walkthrough,
 * no telemetry, no recommendation or update checks, no workspace-trust prompt, nothing restored.
 * The caller's settings are laid over these.
 */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.settings.enableNaturalLanguageSearch': false,
  'workbench.localHistory.enabled': false,
  'workbench.editor.untitled.hint': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'extensions.ignoreRecommendations': true,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'security.workspace.trust.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'git.openRepositoryInParentFolders': 'never',
  'npm.fetchOnlinePackageInfo': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'chat.commandCenter.enabled': false,
  'editor.accessibilitySupport': 'off',
  'accessibility.verbosity.panelChat': false,
  'accessibility.signalOptions.volume': 0,
  'workbench.accessibilitySignals.enabled': false,
  'terminal.integrated.enablePersistentSessions': false,
};

export interface CodeServerOptions {
  /** User settings (User/settings.json), laid over QUIET_SETTINGS. Written before the server starts. */
  settings?: Record<string, unknown>;
  /** Writes HOME/.aws/config and HOME/.aws/credentials (files left out are not written). */
  aws?: { config?: string; credentials?: string };
  /** More files under the temporary HOME, by path relative to it. */
  homeFiles?: Record<string, string>;
  /** .vsix files to install before the server starts; default: the repository's aws-iot-billing-groups.vsix. [] installs none. */
  vsix?: string[];
  /** Added to the server's environment (which has no AWS_* of the caller's). */
  env?: NodeJS.ProcessEnv;
  /** Files to create in the workspace folder, by relative path. */
  workspaceFiles?: Record<string, string>;
  /** Keep the temporary directory after stop() (for debugging). Default: $E2E_KEEP_TMP is set. */
  keepTemp?: boolean;
  /** How long to wait for the server to answer HTTP. Default 60 s. */
  readyTimeoutMs?: number;
  /** Workspace trust on, the folder not trusted: the window opens in Restricted Mode. Default: trust off. */
  restrictedMode?: boolean;
  /** The server's and extensions' log level (`--log`), e.g. "debug" to see the extension's debug lines. */
  logLevel?: 'trace' | 'debug' | 'info';
}

export interface CodeServer {
  /** http://127.0.0.1:PORT/ */
  readonly url: string;
  readonly port: number;
  /** The temporary directory that holds everything below. */
  readonly root: string;
  /** The temporary HOME (holds .aws/). */
  readonly home: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** An empty folder to open as the workspace. */
  readonly workspaceDir: string;
  /** The workbench URL: with the workspace folder (default), another folder, or an empty window (null). */
  workbenchUrl(folder?: string | null): string;
  /** The extension host logs under user-data-dir/logs/**\/exthost*\/** (newest session last). */
  extensionHostLogFiles(): string[];
  /** The text of the extension's "AWS IoT Billing Groups" log, or '' when it has written none yet. */
  extensionLog(): string;
  /** The text of the extension host's own log (activation errors show up here). */
  extensionHostLog(): string;
  /** code-server's stdout and stderr so far. */
  output(): string;
  /** A failure report: code-server's output tail, the extension host log and the extension's log. */
  diagnostics(): string;
  /** Kills code-server's whole process group and removes the temporary directory. */
  stop(): Promise<void>;
}

/** Throws with the fix when test/e2e/setup.mjs has not installed code-server. */
export function assertCodeServerInstalled(): void {
  if (!fs.existsSync(CODE_SERVER_BIN)) {
    throw new Error(`code-server is not installed at ${CODE_SERVER_BIN}. Run: node test/e2e/setup.mjs`);
  }
}

/** An environment for code-server: the caller's, less real AWS settings and npm's leftovers. */
function serverEnv(dirs: { home: string; root: string }, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('AWS_') || k.startsWith('npm_') || k.startsWith('VSCODE_') || k.startsWith('XDG_')) continue;
    if (k === 'ELECTRON_RUN_AS_NODE' || k === 'NODE_OPTIONS' || k === 'PASSWORD' || k === 'HASHED_PASSWORD' || k === 'PORT') continue;
    env[k] = v;
  }
  return {
    ...env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: path.join(dirs.home, '.config'),
    XDG_DATA_HOME: path.join(dirs.home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(dirs.home, '.cache'),
    TMPDIR: path.join(dirs.root, 'tmp'),
    ...extra,
  };
}

function writeFiles(base: string, files: Record<string, string> | undefined): void {
  for (const [rel, text] of Object.entries(files ?? {})) {
    const file = path.join(base, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function tail(text: string, max: number): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitForHttp(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before it answered:\n${tail(output(), 4000)}`);
    }
    try {
      // /healthz answers once the HTTP server is up; the workbench page once VS Code's server is loaded.
      const health = await fetch(new URL('healthz', url), { signal: AbortSignal.timeout(5000) });
      if (health.ok) {
        const page = await fetch(url, { signal: AbortSignal.timeout(20_000) });
        if (page.ok && (await page.text()).includes('workbench')) return;
        last = `GET / answered ${page.status}`;
      } else {
        last = `GET /healthz answered ${health.status}`;
      }
    } catch (e) {
      last = String(e);
    }
    await sleep(200);
  }
  throw new Error(`code-server did not serve the workbench at ${url} within ${timeoutMs} ms (${last}):\n${tail(output(), 4000)}`);
}

/** Installs each .vsix with code-server's own CLI, into the given dirs. */
function installExtensions(vsixFiles: string[], dirs: { userDataDir: string; extensionsDir: string }, env: NodeJS.ProcessEnv): void {
  for (const vsix of vsixFiles) {
    if (!fs.existsSync(vsix)) throw new Error(`${vsix} does not exist. Build it with: npm run package`);
    const r = spawnSync(
      CODE_SERVER_BIN,
      ['--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir, '--force', '--install-extension', vsix],
      { env, encoding: 'utf8', timeout: 120_000 },
    );
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    if (r.status !== 0 || !/successfully installed/i.test(out)) {
      throw new Error(`installing ${vsix} into code-server failed (exit ${r.status ?? r.signal}):\n${out}`);
    }
  }
}

/** Every live server, so that a test process that dies still takes its servers with it. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const child of live) killGroup(child, 'SIGKILL');
  };
  process.on('exit', killAll);
  // A test run stopped with Ctrl+C or by the runner must not leave servers behind.
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      killAll();
      // Exit as the signal would have, unless someone else handles it (and exits when done).
      if (process.listenerCount(signal) === 0) process.exit(code);
    });
  }
}

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  assertCodeServerInstalled();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'iotbg-e2e-'));
  const home = path.join(root, 'home');
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  const workspaceDir = path.join(root, 'workspace');
  for (const d of [home, userDataDir, extensionsDir, workspaceDir, path.join(root, 'tmp'), path.join(userDataDir, 'User')]) {
    fs.mkdirSync(d, { recursive: true });
  }
  const keepTemp = options.keepTemp ?? Boolean(process.env.E2E_KEEP_TMP);
  const removeRoot = () => {
    if (!keepTemp) fs.rmSync(root, { recursive: true, force: true });
  };

  try {
    if (options.aws?.config !== undefined) writeFiles(home, { '.aws/config': options.aws.config });
    if (options.aws?.credentials !== undefined) writeFiles(home, { '.aws/credentials': options.aws.credentials });
    writeFiles(home, options.homeFiles);
    writeFiles(workspaceDir, options.workspaceFiles);
    fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...(options.restrictedMode ? { 'security.workspace.trust.enabled': true } : {}), ...options.settings }, null, 2));
    const configFile = path.join(root, 'code-server.yaml');
    fs.writeFileSync(configFile, 'auth: none\ncert: false\n');

    const env = serverEnv({ home, root }, options.env);
    installExtensions(options.vsix ?? [DEFAULT_VSIX], { userDataDir, extensionsDir }, env);

    const port = await freePort();
    const args = [
      '--config', configFile,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.restrictedMode ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--ignore-last-opened',
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      ...(options.logLevel ? ['--log', options.logLevel] : []),
    ];
    // Its own process group (detached), so that stop() takes the VS Code server and extension hosts too.
    const child = spawn(CODE_SERVER_BIN, args, { env, cwd: workspaceDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    installExitHook();
    let out = '';
    const keep = (b: Buffer) => {
      out = (out + b.toString()).slice(-200_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', () => live.delete(child));
    const url = `http://127.0.0.1:${port}/`;

    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      killGroup(child, 'SIGKILL'); // stragglers of the group (extension hosts, watchers)
      live.delete(child);
      removeRoot();
    };

    try {
      await waitForHttp(url, child, () => out, options.readyTimeoutMs ?? 60_000);
    } catch (e) {
      await stop();
      throw e;
    }

    const logsDir = path.join(userDataDir, 'logs');
    const extensionHostLogFiles = () =>
      listFiles(logsDir)
        .filter((f) => path.relative(logsDir, f).split(path.sep).some((part) => /^exthost\d*$/.test(part)))
        .sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs);
    const extensionLog = () =>
      extensionHostLogFiles()
        .filter((f) => path.basename(f).includes(EXTENSION_LOG_NAME))
        .map(readText)
        .join('\n');
    const extensionHostLog = () =>
      extensionHostLogFiles()
        .filter((f) => /exthost\.log$/i.test(path.basename(f)))
        .map(readText)
        .join('\n');

    return {
      url,
      port,
      root,
      home,
      userDataDir,
      extensionsDir,
      workspaceDir,
      workbenchUrl(folder?: string | null) {
        if (folder === null) return `${url}?ew=true`;
        return `${url}?folder=${encodeURIComponent(folder ?? workspaceDir)}`;
      },
      extensionHostLogFiles,
      extensionLog,
      extensionHostLog,
      output: () => out,
      diagnostics() {
        return [
          `--- code-server output (tail) ---\n${tail(out, 4000)}`,
          `--- extension host log (tail) ---\n${tail(extensionHostLog(), 6000) || '(none)'}`,
          `--- "${EXTENSION_LOG_NAME}" log ---\n${tail(extensionLog(), 20_000) || '(none written)'}`,
        ].join('\n');
      },
      stop,
    };
  } catch (e) {
    removeRoot();
    throw e;
  }
}
