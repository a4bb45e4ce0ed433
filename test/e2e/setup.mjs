// Installs what the end-to-end suite needs: the Debian packages of debian-packages.txt (Chromium,
// ripgrep, a font, the build headers of code-server's native modules) and code-server (real VS Code
// 1.100.3 served to a browser) into test/e2e/node_modules.
// Idempotent: when the install is already there and matches package.json/package-lock.json, it only
// checks `code-server --version` (well under a second).
//
// Run by `npm run test:e2e`, `npm start` and `npm run bench`; by hand: `node test/e2e/setup.mjs [--force]`.
//
// Why it is not a plain `npm install`:
// - code-server's postinstall runs `npm install` inside lib/vscode and lib/vscode/extensions, which
//   build native modules (node-pty, spdlog, kerberos, ...) with node-gyp (fetched through `npx`, so
//   `npm_config_yes=true`), and whose install scripts npm 11 skips without an approval that reaches
//   those nested installs (see npmEnv below).
// - As root, its postinstall refuses to run without `--unsafe-perm`.
// - @vscode/ripgrep downloads ripgrep from GitHub, which this machine cannot reach; it takes a
//   cached archive instead, so we put Debian's /usr/bin/rg there under the expected name.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ensureDebianPackages } from './debianPackages.mjs';

const CODE_SERVER_VERSION = '4.100.3';
const VSCODE_VERSION = '1.100.3';
const RIPGREP_PACKAGE_VERSION = '1.15.11'; // @vscode/ripgrep inside code-server 4.100.3
const RIPGREP_RELEASE = 'v13.0.0-10';
const CHROMIUM = '/usr/bin/chromium';

/** Packages whose install scripts run (code-server's and those of its nested installs). */
const ALLOW_SCRIPTS = [
  'code-server',
  'argon2',
  'esbuild', // in lib/vscode/extensions: its install script only checks its platform binary
  '@parcel/watcher',
  '@vscode/deviceid',
  '@vscode/ripgrep',
  '@vscode/spdlog',
  '@vscode/windows-process-tree',
  '@vscode/windows-registry',
  'kerberos',
  'native-watchdog',
  'node-pty',
];

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeModules = path.join(here, 'node_modules');
const codeServerBin = path.join(nodeModules, '.bin', 'code-server');
const stampFile = path.join(nodeModules, '.e2e-setup.json');
const force = process.argv.includes('--force');
const started = performance.now();

function elapsed() {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}

function fail(message) {
  console.error(`\ne2e setup FAILED: ${message}`);
  process.exit(1);
}

function onPath(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, cmd))) return path.join(dir, cmd);
  }
  return undefined;
}

/** Chromium and ripgrep come from Debian (installed by ensureDebianPackages); check they are there. */
function checkPrerequisites() {
  const missing = [];
  if (!fs.existsSync(CHROMIUM)) missing.push(CHROMIUM);
  const rg = fs.existsSync('/usr/bin/rg') ? '/usr/bin/rg' : onPath('rg');
  if (!rg) missing.push('rg');
  if (missing.length) fail(`missing ${missing.join(' and ')} after the Debian packages were installed.`);
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) fail(`code-server ${CODE_SERVER_VERSION} needs Node 20; this is Node ${process.versions.node}.`);
  return rg;
}

/** The inputs that decide the install: when they change, install again. */
function fingerprint() {
  const h = createHash('sha256');
  for (const f of ['package.json', 'package-lock.json']) {
    const p = path.join(here, f);
    h.update(f).update(fs.existsSync(p) ? fs.readFileSync(p) : '');
  }
  h.update(process.version).update(process.arch);
  return h.digest('hex');
}

/** `code-server --version`, run with a throwaway config dir (it writes a default config.yaml). */
function codeServerVersion() {
  if (!fs.existsSync(codeServerBin)) return undefined;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-cs-version-'));
  try {
    const r = spawnSync(codeServerBin, ['--version'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, HOME: scratch, XDG_CONFIG_HOME: path.join(scratch, 'config'), XDG_DATA_HOME: path.join(scratch, 'data') },
    });
    // It may print an info line first (about the config file); the version is the line that has it.
    return r.status === 0 ? r.stdout.split('\n').find((l) => / with Code /.test(l))?.trim() : undefined;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function versionIsRight(out) {
  return typeof out === 'string' && out.startsWith(`${CODE_SERVER_VERSION} `) && out.includes(`with Code ${VSCODE_VERSION}`);
}

/** Debian's rg packed as the release archive @vscode/ripgrep looks for in its download cache. */
function seedRipgrepCache(rg) {
  const target = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' }[process.arch];
  if (process.platform !== 'linux' || !target) fail(`unsupported platform ${process.platform}/${process.arch} (Linux x64 or arm64 only).`);
  const cacheDir = path.join(os.tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const archive = path.join(cacheDir, `ripgrep-${RIPGREP_RELEASE}-${target}.tar.gz`);
  fs.mkdirSync(cacheDir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-rg-'));
  try {
    fs.copyFileSync(rg, path.join(staging, 'rg'));
    fs.chmodSync(path.join(staging, 'rg'), 0o755);
    const r = spawnSync('tar', ['-czf', `${archive}.tmp`, '-C', staging, 'rg'], { stdio: 'inherit' });
    if (r.status !== 0) fail(`could not write ${archive}`);
    fs.renameSync(`${archive}.tmp`, archive);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return archive;
}

/** The environment of the npm runs; `npm run` leaves variables that would point npm at the outer project. */
function npmEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^npm_(package_|lifecycle_|command$|config_(local_prefix|prefix|global_prefix|allow_scripts|loglevel)$)/i.test(k)) delete env[k];
  }
  env.npm_config_yes = 'true'; // code-server's nested installs run `npx node-gyp`
  env.npm_config_strict_allow_scripts = 'true'; // an unapproved install script is an error, not a silent skip
  env.npm_config_update_notifier = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_audit = 'false';
  if (process.getuid?.() === 0) env.npm_config_unsafe_perm = 'true'; // code-server's postinstall demands it as root
  // Without a nodedir, node-gyp downloads the headers from nodejs.org (not reachable from every
  // machine, e.g. behind a registry-only proxy); the running Node's own headers need no network.
  if (!env.npm_config_nodedir && !env.NPM_CONFIG_NODEDIR) {
    const prefix = path.resolve(path.dirname(process.execPath), '..');
    if (headersOfThisNode(prefix)) env.npm_config_nodedir = prefix;
  }
  return env;
}

/** Whether `prefix`/include/node holds the headers of this very Node (headers of another one build modules that crash). */
function headersOfThisNode(prefix) {
  try {
    const h = fs.readFileSync(path.join(prefix, 'include', 'node', 'node_version.h'), 'utf8');
    const v = ['MAJOR', 'MINOR', 'PATCH'].map((k) => new RegExp(`#define NODE_${k}_VERSION (\\d+)`).exec(h)?.[1]).join('.');
    return `v${v}` === process.version && fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi'));
  } catch {
    return false;
  }
}

/**
 * code-server's postinstall runs `npm install` in lib/vscode and lib/vscode/extensions. Those are
 * projects of their own: our allowScripts does not reach them, and npm 11 refuses `--allow-scripts`
 * (and its environment form) in a project. So the approvals go into their project .npmrc, written
 * between unpacking (`npm ci --ignore-scripts`) and running the scripts (`npm rebuild`).
 */
function approveNestedScripts() {
  const vscodeDir = path.join(nodeModules, 'code-server', 'lib', 'vscode');
  for (const dir of [vscodeDir, path.join(vscodeDir, 'extensions')]) {
    if (!fs.existsSync(path.join(dir, 'package.json'))) fail(`${dir}/package.json is missing: not the code-server package expected`);
    fs.writeFileSync(path.join(dir, '.npmrc'), `# written by test/e2e/setup.mjs\nallow-scripts=${ALLOW_SCRIPTS.join(',')}\n`);
  }
}

/** Runs npm with its (long: node-gyp) output in a log file; the caller prints its end on failure. */
function runNpm(args, env, logFile) {
  const out = fs.openSync(logFile, 'a');
  console.log(`e2e setup: npm ${args.join(' ')}  (log: ${logFile})`);
  return new Promise((resolve) => {
    const child = spawn('npm', args, { cwd: here, env, stdio: ['ignore', out, out] });
    child.on('exit', (code, signal) => {
      fs.closeSync(out);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

function tail(file, lines) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function main() {
  const apt = await ensureDebianPackages();
  if (!apt.ok) fail(apt.message);
  const rg = checkPrerequisites();
  const want = fingerprint();

  if (!force && fs.existsSync(stampFile)) {
    let stamp;
    try {
      stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
    } catch {
      stamp = undefined;
    }
    if (stamp?.fingerprint === want) {
      const v = codeServerVersion();
      if (versionIsRight(v)) {
        console.log(`e2e setup: code-server ${v} already installed (checked in ${elapsed()})`);
        return;
      }
      console.log(`e2e setup: installed code-server answers ${JSON.stringify(v)}; installing again`);
    }
  }

  const archive = seedRipgrepCache(rg);
  console.log(`e2e setup: ripgrep ${RIPGREP_RELEASE} cache seeded with ${rg}: ${archive}`);
  console.log(`e2e setup: installing code-server ${CODE_SERVER_VERSION} into ${nodeModules} (about 300 MB, 1-2 minutes) ...`);

  fs.rmSync(stampFile, { force: true });
  const logFile = path.join(os.tmpdir(), `e2e-setup-npm-${Date.now()}.log`);
  const env = npmEnv();
  const unpack = [fs.existsSync(path.join(here, 'package-lock.json')) ? 'ci' : 'install', '--ignore-scripts'];
  let args = unpack;
  let code = await runNpm(unpack, env, logFile);
  if (code === 0) {
    approveNestedScripts();
    args = ['rebuild', '--foreground-scripts'];
    if (process.getuid?.() === 0) args.push('--unsafe-perm');
    code = await runNpm(args, env, logFile);
  }
  if (code !== 0) {
    console.error(tail(logFile, 80));
    fail(
      `npm ${args.join(' ')} exited with ${code} (full log: ${logFile}).\n` +
        `If a native module failed to build, check that the packages of test/e2e/debian-packages.txt are installed.`,
    );
  }

  // The nested installs must have built their native modules and placed rg; check, not assume.
  const vscodeModules = path.join(nodeModules, 'code-server', 'lib', 'vscode', 'node_modules');
  const expected = [
    path.join(vscodeModules, '@vscode', 'ripgrep', 'bin', 'rg'),
    path.join(vscodeModules, 'node-pty', 'build', 'Release', 'pty.node'),
    path.join(vscodeModules, '@vscode', 'spdlog', 'build', 'Release', 'spdlog.node'),
  ];
  const absent = expected.filter((f) => !fs.existsSync(f));
  if (absent.length) fail(`the install finished but these are missing (were install scripts skipped?):\n  ${absent.join('\n  ')}\nlog: ${logFile}`);

  const v = codeServerVersion();
  if (!versionIsRight(v)) fail(`${codeServerBin} --version printed ${JSON.stringify(v)}; expected ${CODE_SERVER_VERSION} with Code ${VSCODE_VERSION}`);
  fs.writeFileSync(stampFile, JSON.stringify({ fingerprint: want, version: v, installedAt: new Date().toISOString() }, null, 2));
  console.log(`e2e setup: code-server ${v} installed in ${elapsed()}`);
}

await main();
