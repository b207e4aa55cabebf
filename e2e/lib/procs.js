'use strict';
// Child processes in their own process groups, so that stopping one stops everything it forked
// (php -S workers). Every group is stopped when this process exits, however it exits (a
// normal end, an exception, SIGINT/SIGTERM), and, when VIPPS_E2E_PGID_FILE names a file, its
// id is written there so that the shell that started us can stop it even after a SIGKILL.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');

const groups = new Set();

function killGroup(pgid, signal = 'SIGTERM') {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

function stopAllSync() {
  for (const pgid of groups) killGroup(pgid, 'SIGTERM');
  groups.clear();
}

let installed = false;
function installExitHandlers() {
  if (installed) return;
  installed = true;
  process.on('exit', stopAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      stopAllSync();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

function recordPgid(pgid) {
  const file = process.env.VIPPS_E2E_PGID_FILE;
  if (file) fs.appendFileSync(file, `${pgid}\n`);
}

/**
 * Starts `command args` in a new process group. Output lines go to `onLine(stream, line)`
 * (and are kept: `proc.output()`); `waitFor(regexp, ms)` resolves with the first match.
 */
function start(name, command, args, { env, cwd, onLine } = {}) {
  installExitHandlers();
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true, // setsid: its own process group
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  groups.add(child.pid);
  recordPgid(child.pid);
  const lines = [];
  const watchers = [];
  let exited = null;
  const onData = (stream) => {
    let rest = '';
    return (chunk) => {
      rest += chunk.toString('utf8');
      const parts = rest.split('\n');
      rest = parts.pop();
      for (const line of parts) {
        lines.push(`${stream}: ${line}`);
        if (onLine) onLine(stream, line);
        for (const w of [...watchers]) {
          const m = line.match(w.re);
          if (m) {
            watchers.splice(watchers.indexOf(w), 1);
            w.resolve(m);
          }
        }
      }
    };
  };
  child.stdout.on('data', onData('stdout'));
  child.stderr.on('data', onData('stderr'));
  const exitedPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      for (const w of watchers.splice(0)) w.reject(new Error(`${name} exited (${signal || code}) before printing ${w.re}:\n${tail()}`));
      resolve(exited);
    });
    child.on('error', (e) => {
      exited = { code: null, signal: null, error: e };
      for (const w of watchers.splice(0)) w.reject(new Error(`${name} could not start: ${e.message}`));
      resolve(exited);
    });
  });
  const tail = (n = 30) => lines.slice(-n).join('\n');

  return {
    name,
    pid: child.pid,
    child,
    output: () => lines.join('\n'),
    tail,
    exited: () => exited,
    waitFor(re, ms = 20000) {
      for (const line of lines) {
        const m = line.replace(/^std(out|err): /, '').match(re);
        if (m) return Promise.resolve(m);
      }
      if (exited) return Promise.reject(new Error(`${name} has exited:\n${tail()}`));
      return new Promise((resolve, reject) => {
        const w = { re, resolve, reject };
        watchers.push(w);
        setTimeout(() => {
          const i = watchers.indexOf(w);
          if (i >= 0) {
            watchers.splice(i, 1);
            reject(new Error(`${name} did not print ${re} within ${ms} ms:\n${tail()}`));
          }
        }, ms).unref();
      });
    },
    /** Stops the whole group: SIGTERM, then SIGKILL after `graceMs`. */
    async stop(graceMs = 3000) {
      if (!groups.has(child.pid)) return;
      killGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
      await exitedPromise;
      // the leader is gone; make sure no member of its group outlives it
      await new Promise((r) => setTimeout(r, 50));
      killGroup(child.pid, 'SIGKILL');
      clearTimeout(timer);
      groups.delete(child.pid);
    },
  };
}

/** A free loopback port (closed again before it is used: a tiny race, fine on one machine). */
function freePort(preferred = 0) {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (e) => {
      if (preferred) freePort(0).then(resolve, reject);
      else reject(e);
    });
    server.listen(preferred, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Whether any process is still in group `pgid` (used by the tests: no orphans). */
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

module.exports = { start, freePort, groupAlive, stopAllSync };
