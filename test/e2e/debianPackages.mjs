// The Debian packages of debian-packages.txt, installed when missing: as root with apt-get (one
// `apt-get update`, then one install, each logged to a file); not root, with sudo after a y/N
// question on a terminal; otherwise it prints the exact command. Used by setup.mjs (so `npm start`,
// `npm test` and `npm run bench` need no other step) and by CI through them.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline/promises';
import { fileURLToPath } from 'node:url';

const LIST = path.join(path.dirname(fileURLToPath(import.meta.url)), 'debian-packages.txt');

/** `[{ name, why }]` from the list: one package a line, `# why` after it. */
export function readPackageList(file = LIST) {
  const out = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([a-z0-9][a-z0-9+.-]*)\s*(?:#\s*(.*))?$/.exec(line);
    if (m) out.push({ name: m[1], why: (m[2] ?? '').trim() });
  }
  return out;
}

function which(cmd, env) {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const p = dir && path.join(dir, cmd);
    if (p && fs.existsSync(p)) return p;
  }
  return undefined;
}

/** The names that dpkg does not report as installed ("ii"). */
function missingPackages(names, env) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Abbrev}\n', ...names], { encoding: 'utf8', env });
  const installed = new Set(
    (r.stdout ?? '')
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([, status]) => status === 'ii')
      .map(([name]) => name.replace(/:.*$/, '')),
  );
  return names.filter((n) => !installed.has(n));
}

/** Runs a command with its output appended to `log`; resolves to its exit code. */
function run(cmd, args, { env, log, inherit }) {
  return new Promise((resolve) => {
    const fd = inherit ? undefined : fs.openSync(log, 'a');
    if (fd !== undefined) fs.writeSync(fd, `\n$ ${cmd} ${args.join(' ')}\n`);
    const child = spawn(cmd, args, { env, stdio: inherit ? 'inherit' : ['ignore', fd, fd] });
    const done = (code) => {
      if (fd !== undefined) fs.closeSync(fd);
      resolve(code);
    };
    child.on('error', () => done(127));
    child.on('exit', (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
}

function tail(file, lines) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Makes sure every package of the list is installed. Options exist for the tests (a stand-in
 * apt-get on PATH, a non-root user, a terminal); by default they are this process's own.
 * Resolves to `{ ok: true, installed: [...] }` or `{ ok: false, message }`; never throws.
 */
export async function ensureDebianPackages(opts = {}) {
  const env = { ...(opts.env ?? process.env), DEBIAN_FRONTEND: 'noninteractive' };
  const uid = opts.uid ?? process.getuid?.();
  const interactive = opts.interactive ?? (process.stdin.isTTY && process.stdout.isTTY);
  const say = opts.say ?? ((s) => console.log(s));
  const list = readPackageList(opts.list);
  if (!which('dpkg-query', env)) {
    return { ok: true, installed: [], note: 'not a Debian system: packages not checked' };
  }
  const missing = missingPackages(
    list.map((p) => p.name),
    env,
  );
  if (missing.length === 0) return { ok: true, installed: [] };

  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  say(`e2e setup: ${missing.length} Debian package(s) missing:`);
  for (const p of list.filter((x) => missing.includes(x.name))) say(`  ${p.name.padEnd(18)} ${p.why}`);

  const aptGet = which('apt-get', env);
  let prefix;
  if (aptGet && uid === 0) prefix = [];
  else if (aptGet && which('sudo', env) && interactive) {
    const ask = opts.ask ?? (async (q) => {
      const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
      // End of input (Ctrl-D) leaves question() pending and node exits silently with 13: count it as "no".
      const closed = new Promise((resolve) => rl.once('close', () => resolve('')));
      try {
        return await Promise.race([rl.question(q), closed]);
      } finally {
        rl.close();
      }
    });
    const answer = await ask(`Install them with sudo (apt-get update, then apt-get install)? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) return { ok: false, message: `not installed. Install them with:\n  sudo ${command.replace(' && ', ' && sudo ')}` };
    prefix = ['sudo'];
  } else {
    const how = uid === 0 || !aptGet ? command : `sudo ${command.replace(' && ', ' && sudo ')}`;
    return { ok: false, message: `missing Debian packages ${missing.join(', ')}. Install them with:\n  ${how}` };
  }

  const log = path.join(os.tmpdir(), `e2e-setup-apt-${Date.now()}.log`);
  const inherit = prefix.length > 0; // sudo may ask for a password on the terminal
  const exec = (args) => (prefix.length ? run(prefix[0], ['apt-get', ...args], { env, log, inherit }) : run(aptGet, args, { env, log, inherit }));
  say(`e2e setup: apt-get update${inherit ? '' : `  (log: ${log})`}`);
  let code = await exec(['update', '-qq']);
  if (code === 0) {
    say(`e2e setup: apt-get install ${missing.join(' ')}  (a few minutes the first time)`);
    code = await exec(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
  }
  if (code !== 0) {
    return { ok: false, message: `apt-get exited with ${code}${inherit ? '' : ` (log: ${log})\n${tail(log, 30)}`}\nThe command was:\n  ${command}` };
  }
  const still = missingPackages(missing, env);
  if (still.length) return { ok: false, message: `apt-get finished but ${still.join(', ')} is still not installed${inherit ? '' : ` (log: ${log})`}` };
  say(`e2e setup: installed ${missing.join(' ')}`);
  return { ok: true, installed: missing };
}
