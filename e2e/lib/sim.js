'use strict';
// vipps-sim: start one on a loopback port and use its test-control API (/_sim/...).

const path = require('node:path');
const procs = require('./procs');

const ROOT = path.resolve(__dirname, '..', '..');
const SIM_BIN = process.env.VIPPS_SIM || path.join(ROOT, 'target', 'debug', 'vipps-sim');
const LIB = process.env.VIPPS_LIB || path.join(ROOT, 'target', 'debug', 'libvipps.so');

async function startSim({ port = 0 } = {}) {
  const proc = procs.start('vipps-sim', SIM_BIN, ['--port', String(port)]);
  const m = await proc.waitFor(/^(http:\/\/127\.0\.0\.1:\d+)/, 15000);
  const url = m[1];
  return new Sim(url, proc);
}

class Sim {
  constructor(url, proc) {
    this.url = url;
    this.proc = proc;
  }

  async control(method, p, body) {
    const res = await fetch(this.url + p, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  approve(reference) {
    return this.control('POST', `/_sim/payments/${encodeURIComponent(reference)}/approve`, {});
  }

  reject(reference) {
    return this.control('POST', `/_sim/payments/${encodeURIComponent(reference)}/reject`, {});
  }

  /** Delivery attempts of callbacks and webhooks, optionally only those about `reference`. */
  async callbacks(reference) {
    const all = await this.control('GET', '/_sim/callbacks');
    if (!reference) return all;
    return all.filter((c) => JSON.stringify(c.body ?? '').includes(reference) || String(c.url).includes(reference));
  }

  async ledgerEntry(reference) {
    const ledger = await this.control('GET', '/_sim/ledger');
    return ledger.payments.find((p) => p.reference === reference) || null;
  }

  setDeliveryPolicy(policy) {
    return this.control('PUT', '/_sim/delivery-policy', policy);
  }

  stop() {
    return this.proc.stop();
  }
}

/** Polls `probe` (async) until it returns a truthy value; throws with `what` after `ms`. */
async function until(what, probe, ms = 15000, everyMs = 100) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${detail})`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

module.exports = { startSim, until, ROOT, LIB, SIM_BIN };
