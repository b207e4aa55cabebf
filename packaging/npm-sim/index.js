'use strict';
// vipps-sim, the offline Vipps MobilePay simulator, shipped inside this package.

const path = require('node:path');
const readline = require('node:readline');
const { spawn } = require('node:child_process');

/** The path of the vipps-sim executable inside this package. */
function binary() {
  return path.join(__dirname, 'native', 'vipps-sim');
}

/**
 * Starts a simulator (a free port unless `port` is given) and resolves to { url, stop() } once
 * it prints its base URL.
 */
function start({ port = 0, args = [] } = {}) {
  const child = spawn(binary(), ['--port', String(port), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`vipps-sim exited (${code}) before printing its URL`)));
    lines.once('line', (line) => {
      if (!line.startsWith('http://')) {
        stop().then(() => reject(new Error(`vipps-sim printed ${line}`)));
        return;
      }
      child.stdout.resume();
      resolve({ url: line.trim(), stop });
    });
  });
}

module.exports = { binary, start };
