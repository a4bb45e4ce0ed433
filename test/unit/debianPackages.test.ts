// ensureDebianPackages (test/e2e/debianPackages.mjs): what it runs as root, with sudo, or not at all.
//
// A stand-in, on purpose: `dpkg-query`, `apt-get` and `sudo` here are shell scripts in a temp dir
// that is the whole PATH. They record their argv and keep a fake "installed" list. No real part can
// serve: the real apt-get would change the shared machine (and needs root and the network). The
// real install is tried by hand in a chroot of a fresh Debian (see the closing note of issue 10).
// The scripts use only shell builtins, so no real tool on the machine is ever reached.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

interface Outcome {
  ok: boolean;
  installed?: string[];
  message?: string;
  note?: string;
}
interface Options {
  env?: NodeJS.ProcessEnv;
  uid?: number;
  interactive?: boolean;
  say?: (line: string) => void;
  ask?: (question: string) => Promise<string>;
  list?: string;
}
interface DebianPackagesModule {
  ensureDebianPackages(opts?: Options): Promise<Outcome>;
  readPackageList(file?: string): { name: string; why: string }[];
}

function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'test', 'e2e', 'debianPackages.mjs'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no test/e2e/debianPackages.mjs above ${__dirname}`);
  }
}
const MODULE = path.join(repoRoot(), 'test', 'e2e', 'debianPackages.mjs');

// tsc's CommonJS output turns `import()` into `require()`; this keeps a real ESM import of the .mjs.
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<DebianPackagesModule>;
const load = () => importEsm(pathToFileURL(MODULE).href);

const SCRIPTS: Record<string, string> = {
  // Prints "<name> ii " for each asked-for package in $STANDIN/installed, as dpkg-query -W -f does.
  // (Its -f argument holds a newline, so only the package names go into the record.)
  'dpkg-query': `#!/bin/sh
printf 'dpkg-query' >> "$STANDIN/calls"
status=0
for arg in "$@"; do
  case "$arg" in -*) continue ;; esac
  printf ' %s' "$arg" >> "$STANDIN/calls"
  found=
  while read -r p; do [ "$p" = "$arg" ] && found=1; done < "$STANDIN/installed"
  if [ -n "$found" ]; then printf '%s ii \\n' "$arg"; else echo "dpkg-query: no packages found matching $arg" >&2; status=1; fi
done
echo >> "$STANDIN/calls"
exit $status
`,
  // Records argv; "install" adds its package arguments to $STANDIN/installed unless told to fail.
  'apt-get': `#!/bin/sh
printf 'apt-get %s\\n' "$*" >> "$STANDIN/calls"
if [ -e "$STANDIN/fail" ]; then echo "E: Unable to locate package (stand-in failure)"; exit 100; fi
echo "stand-in apt-get $1 done"
if [ "$1" = install ]; then
  for arg in "$@"; do
    case "$arg" in install|-*) ;; *) printf '%s\\n' "$arg" >> "$STANDIN/installed" ;; esac
  done
fi
exit 0
`,
  // Records that sudo was used, then runs the command (the stand-in apt-get, found on PATH).
  sudo: `#!/bin/sh
printf 'sudo %s\\n' "$*" >> "$STANDIN/calls"
exec "$@"
`,
};

interface StandIn {
  env: NodeJS.ProcessEnv;
  list: string;
  calls(): string[];
  said: string[];
  say: (line: string) => void;
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A temp dir with the given stand-ins as the whole PATH, a package list and an installed list. */
function standIn(tools: string[], packages: string[], installed: string[]): StandIn {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'debian-packages-test-'));
  dirs.push(dir);
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  for (const t of tools) fs.writeFileSync(path.join(bin, t), SCRIPTS[t], { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'installed'), installed.map((p) => `${p}\n`).join(''));
  fs.writeFileSync(path.join(dir, 'calls'), '');
  const list = path.join(dir, 'packages.txt');
  fs.writeFileSync(list, `# a comment line\n${packages.map((p) => `${p}   # why ${p}`).join('\n')}\n\n`);
  const said: string[] = [];
  return {
    env: { PATH: bin, STANDIN: dir },
    list,
    calls: () => fs.readFileSync(path.join(dir, 'calls'), 'utf8').split('\n').filter(Boolean),
    said,
    say: (line) => said.push(line),
  };
}

const aptCalls = (s: StandIn) => s.calls().filter((c) => !c.startsWith('dpkg-query'));
const notAsked = async (): Promise<string> => assert.fail('must not ask');

describe('ensureDebianPackages', () => {
  it('reads the repository list: names, each with why', async () => {
    const { readPackageList } = await load();
    const list = readPackageList();
    assert.ok(list.length > 3);
    for (const p of list) {
      assert.match(p.name, /^[a-z0-9][a-z0-9+.-]+$/);
      assert.notEqual(p.why, '', `${p.name} has no reason in debian-packages.txt`);
    }
    assert.ok(list.some((p) => p.name === 'chromium'));
  });

  it('as root: one apt-get update, then one install of exactly the missing packages', async () => {
    const { ensureDebianPackages } = await load();
    const s = standIn(['dpkg-query', 'apt-get', 'sudo'], ['alpha', 'beta', 'gamma', 'delta'], ['beta', 'delta']);
    const out = await ensureDebianPackages({ env: s.env, list: s.list, uid: 0, interactive: true, say: s.say, ask: notAsked });
    assert.deepEqual(out, { ok: true, installed: ['alpha', 'gamma'] });
    assert.deepEqual(s.calls(), [
      'dpkg-query alpha beta gamma delta',
      'apt-get update -qq',
      'apt-get install -y -qq --no-install-recommends alpha gamma',
      'dpkg-query alpha gamma', // checks that the install really installed them
    ]);
    const said = s.said.join('\n');
    assert.match(said, /alpha +why alpha/);
    assert.match(said, /gamma +why gamma/);
    assert.doesNotMatch(said, /why beta/);
  });

  it('as root with nothing missing: no apt-get at all', async () => {
    const { ensureDebianPackages } = await load();
    const s = standIn(['dpkg-query', 'apt-get', 'sudo'], ['alpha', 'beta'], ['alpha', 'beta']);
    const out = await ensureDebianPackages({ env: s.env, list: s.list, uid: 0, say: s.say, ask: notAsked });
    assert.deepEqual(out, { ok: true, installed: [] });
    assert.deepEqual(aptCalls(s), []);
    assert.deepEqual(s.said, []);
  });

  it('as root, apt-get failing: not ok, with the log path and its end in the message', async () => {
    const { ensureDebianPackages } = await load();
    const s = standIn(['dpkg-query', 'apt-get'], ['alpha'], []);
    fs.writeFileSync(path.join(s.env.STANDIN!, 'fail'), '');
    const out = await ensureDebianPackages({ env: s.env, list: s.list, uid: 0, say: s.say });
    assert.equal(out.ok, false);
    const log = /\(log: (\S+)\)/.exec(out.message ?? '')?.[1];
    assert.ok(log, `no log path in: ${out.message}`);
    assert.ok(fs.existsSync(log), `${log} does not exist`);
    assert.match(fs.readFileSync(log, 'utf8'), /stand-in failure/);
    assert.match(out.message!, /exited with 100/);
    assert.match(out.message!, /stand-in failure/);
    assert.deepEqual(aptCalls(s), ['apt-get update -qq']); // no install after a failed update
    fs.rmSync(log);
  });

  it('not root, sudo and a terminal, answer "y": asks once, then runs apt-get through sudo', async () => {
    const { ensureDebianPackages } = await load();
    const s = standIn(['dpkg-query', 'apt-get', 'sudo'], ['alpha', 'beta'], ['alpha']);
    const questions: string[] = [];
    const ask = async (q: string) => (questions.push(q), 'y');
    const out = await ensureDebianPackages({ env: s.env, list: s.list, uid: 1000, interactive: true, say: s.say, ask });
    assert.deepEqual(out, { ok: true, installed: ['beta'] });
    assert.equal(questions.length, 1);
    assert.match(questions[0], /sudo.*\[y\/N\]/);
    assert.deepEqual(aptCalls(s), [
      'sudo apt-get update -qq',
      'apt-get update -qq',
      'sudo apt-get install -y -qq --no-install-recommends beta',
      'apt-get install -y -qq --no-install-recommends beta',
    ]);
  });

  for (const answer of ['n', '', 'no', 'maybe']) {
    it(`not root, sudo and a terminal, answer ${JSON.stringify(answer)}: runs nothing, gives the exact sudo command`, async () => {
      const { ensureDebianPackages } = await load();
      const s = standIn(['dpkg-query', 'apt-get', 'sudo'], ['alpha', 'beta', 'gamma'], ['beta']);
      const out = await ensureDebianPackages({ env: s.env, list: s.list, uid: 1000, interactive: true, say: s.say, ask: async () => answer });
      assert.equal(out.ok, false);
      assert.deepEqual(aptCalls(s), []);
      assert.ok(
        out.message?.includes('sudo apt-get update && sudo apt-get install -y --no-install-recommends alpha gamma\n') ||
          out.message?.endsWith('sudo apt-get update && sudo apt-get install -y --no-install-recommends alpha gamma'),
        `not the exact command: ${out.message}`,
      );
    });
  }

  // The built-in question reads stdin; a child node with a pipe for stdin stands for the terminal.
  for (const [input, expectRun] of [['y\n', true], ['n\n', false], ['', false]] as const) {
    it(`the built-in y/N question, input ${JSON.stringify(input)}${input === '' ? ' (Ctrl-D)' : ''}: ${expectRun ? 'installs with sudo' : 'runs nothing'}`, async () => {
      const s = standIn(['dpkg-query', 'apt-get', 'sudo'], ['alpha'], []);
      const script =
        `const { ensureDebianPackages } = await import(${JSON.stringify(pathToFileURL(MODULE).href)});\n` +
        `const out = await ensureDebianPackages({ env: ${JSON.stringify(s.env)}, list: ${JSON.stringify(s.list)}, uid: 1000, interactive: true, say: () => {} });\n` +
        `process.stdout.write('\\nRESULT ' + JSON.stringify(out));`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input, encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 0, `node exited with ${r.status}: ${r.stdout}${r.stderr}`);
      const out = JSON.parse(/RESULT (.*)$/m.exec(r.stdout)?.[1] ?? 'null') as Outcome | null;
      assert.match(r.stdout, /\[y\/N\]/);
      if (expectRun) {
        assert.deepEqual(out, { ok: true, installed: ['alpha'] });
        assert.deepEqual(aptCalls(s).filter((c) => c.startsWith('sudo')), ['sudo apt-get update -qq', 'sudo apt-get install -y -qq --no-install-recommends alpha']);
      } else {
        assert.equal(out?.ok, false);
        assert.match(out?.message ?? '', /sudo apt-get update && sudo apt-get install -y --no-install-recommends alpha$/);
        assert.deepEqual(aptCalls(s), []);
      }
    });
  }

  it('not root and no terminal: never asks, runs nothing, gives the exact sudo command', async () => {
    const { ensureDebianPackages } = await load();
    const s = standIn(['dpkg-query', 'apt-get', 'sudo'], ['alpha', 'beta'], []);
    const out = await ensureDebianPackages({ env: s.env, list: s.list, uid: 1000, interactive: false, say: s.say, ask: notAsked });
    assert.equal(out.ok, false);
    assert.deepEqual(aptCalls(s), []);
    assert.match(out.message!, /alpha, beta/);
    assert.ok(out.message!.endsWith('\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends alpha beta'), out.message);
  });

  it('not root, a terminal but no sudo: never asks, gives the command to run as root', async () => {
    const { ensureDebianPackages } = await load();
    const s = standIn(['dpkg-query', 'apt-get'], ['alpha'], []);
    const out = await ensureDebianPackages({ env: s.env, list: s.list, uid: 1000, interactive: true, say: s.say, ask: notAsked });
    assert.equal(out.ok, false);
    assert.deepEqual(aptCalls(s), []);
    assert.match(out.message!, /apt-get update && .*apt-get install -y --no-install-recommends alpha$/);
  });

  it('not Debian (no dpkg-query): ok, nothing checked, nothing run', async () => {
    const { ensureDebianPackages } = await load();
    const s = standIn(['apt-get', 'sudo'], ['alpha'], []);
    const out = await ensureDebianPackages({ env: s.env, list: s.list, uid: 0, say: s.say, ask: notAsked });
    assert.equal(out.ok, true);
    assert.deepEqual(out.installed, []);
    assert.deepEqual(s.calls(), []);
  });
});
