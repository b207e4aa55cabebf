'use strict';
// Starts a private vipps-sim for a test file and talks to its /_sim control API.

const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');
const net = require('node:net');

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const SIM_BIN = process.env.VIPPS_SIM || path.join(ROOT, 'target', 'debug', 'vipps-sim');

/** Spawns `vipps-sim --port 0` and resolves once it printed its base URL (its first line). */
function startSim(args = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(SIM_BIN, ['--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = readline.createInterface({ input: child.stdout });
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('vipps-sim did not print its URL within 20 s'));
    }, 20000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${SIM_BIN}: ${e.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vipps-sim exited with ${code} before printing its URL`));
    });
    lines.once('line', (line) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const base = (line.match(/http:\/\/[0-9.:]+/) || [])[0];
      if (!base) {
        child.kill();
        reject(new Error(`unexpected first line from vipps-sim: ${line}`));
        return;
      }
      lines.on('line', () => {}); // keep draining stdout
      resolve(new Sim(child, base));
    });
  });
}

class Sim {
  constructor(child, base) {
    this.child = child;
    this.base = base;
  }

  /** A /_sim control request; resolves with {status, body} (body parsed when JSON). */
  async control(method, urlPath, body) {
    const res = await fetch(this.base + urlPath, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed };
  }

  async approve(reference, body) {
    const r = await this.control('POST', `/_sim/payments/${encodeURIComponent(reference)}/approve`, body || {});
    if (r.status !== 200) throw new Error(`approve ${reference}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async fault(fault) {
    const r = await this.control('POST', '/_sim/faults', fault);
    if (r.status !== 201) throw new Error(`fault: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async stats() {
    return (await this.control('GET', '/_sim/stats')).body;
  }

  /** The client configuration for this simulator, merged with `extra`. */
  config(extra = {}) {
    return {
      base_url: this.base,
      system_name: 'node-tests',
      system_version: '1.0',
      plugin_name: 'vipps-node',
      plugin_version: '0.1.0',
      callback_secret: 'node-binding-callback-secret-0123',
      ...extra,
    };
  }

  stop() {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}

/** A port on loopback that nobody listens on (bound, then closed). */
function closedPort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

let counter = 0;
/** A payment reference unique to this run. */
function reference(prefix) {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

const nok = (value) => ({ value, currency: 'NOK' });

function paymentRequest(ref, value, extra = {}) {
  return {
    amount: nok(value),
    paymentMethod: { type: 'WALLET' },
    reference: ref,
    userFlow: 'WEB_REDIRECT',
    returnUrl: 'https://shop.example/return',
    paymentDescription: 'A warm winter coat',
    ...extra,
  };
}

function sessionRequest(ref, value, callbackUrl = 'https://shop.example/vipps/callback') {
  return {
    merchantInfo: { callbackUrl, returnUrl: 'https://shop.example/return' },
    transaction: { amount: nok(value), reference: ref, paymentDescription: 'Socks and a hat' },
  };
}

module.exports = { startSim, Sim, closedPort, reference, nok, paymentRequest, sessionRequest, ROOT, SIM_BIN };
