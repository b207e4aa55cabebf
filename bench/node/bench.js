'use strict';
// Node part of the benchmark suite (bench/run.py drives it; one JSON object on stdout).
//
//   node bench.js throughput DIR WINDOW_S REPS   the binding vs @vippsmobilepay/sdk, get_payment and
//                                                capture at concurrency 1 and 16, windows alternating
//   node bench.js nocall DIR ROUNDS PER          makeOrderId, handleCallbackSync, applyEventSync per call
//   node bench.js tokens DIR OPS                 OPS network calls at concurrency 16 (one process)
//   node bench.js rss DIR WARMUP CALLS           RSS growth over CALLS mixed calls
//
// The SDK has no base-URL option: it builds https://apitest.vipps.no (useTestMode) or
// https://api.vipps.no URLs and calls the global fetch(). Node's fetch takes its connections from
// undici's global dispatcher (globalThis[Symbol.for('undici.globalDispatcher.1')], the hook undici
// documents for setGlobalDispatcher), so we wrap that dispatcher and send requests for the Vipps
// origin to the simulator's origin instead. The SDK's own code path (Request building, headers,
// fetch, JSON parsing, keep-alive pool) is untouched, and no extra object is made per request.

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const vipps = require(path.join(ROOT, 'bindings', 'node'));
const { Client: SdkClient } = require('@vippsmobilepay/sdk');

const [mode, dir, ...rest] = process.argv.slice(2);
const read = (name) => fs.readFileSync(path.join(dir, name), 'utf8');
const base = read('base_url').trim();
const config = JSON.parse(read('config.json'));
const reference = read('reference').trim();
const refs = (name) => read(`capture_refs_${name}`).split('\n').filter(Boolean);
const now = () => Number(process.hrtime.bigint()) / 1e9;

const VIPPS_TEST_ORIGIN = 'https://apitest.vipps.no';

async function redirectSdkToSimulator() {
  await fetch(`${base}/_sim/stats`); // makes Node create its global dispatcher
  const key = Symbol.for('undici.globalDispatcher.1');
  const inner = globalThis[key];
  if (!inner || typeof inner.dispatch !== 'function') throw new Error('no undici global dispatcher to wrap');
  globalThis[key] = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'dispatch') {
        return (opts, handler) => {
          const origin = String(opts.origin);
          return target.dispatch(origin === VIPPS_TEST_ORIGIN ? { ...opts, origin: base } : opts, handler);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function contenders() {
  await redirectSdkToSimulator();
  const lib = new vipps.Client(config);
  const sdk = SdkClient({
    merchantSerialNumber: '123456', subscriptionKey: 'sim-subscription-key', useTestMode: true,
    retryRequests: true, systemName: 'bench', systemVersion: '1.0', pluginName: 'vipps-bench', pluginVersion: '1.0',
  });
  const tokenAnswer = await sdk.auth.getToken('sim-client-id', 'sim-client-secret');
  if (!tokenAnswer.ok) throw new Error('SDK token: ' + JSON.stringify(tokenAnswer.error));
  const token = tokenAnswer.data.access_token;
  const sdkOk = (answer) => {
    if (!answer.ok) throw new Error('SDK call failed: ' + String(answer.error && (answer.error.message || JSON.stringify(answer.error))));
    return answer.data;
  };
  const libCaps = refs('node');
  const sdkCaps = refs('sdk');
  let li = 0;
  let si = 0;
  const one = { value: 1, currency: 'NOK' };
  return {
    lib,
    ops: {
      lib: {
        get: async () => {
          const p = await lib.getPayment({ reference });
          if (p.state !== 'AUTHORIZED') throw new Error('unexpected state ' + p.state);
        },
        capture: async () => {
          await lib.capture({ reference: libCaps[li++ % libCaps.length], amount: one });
        },
      },
      sdk: {
        get: async () => {
          const p = sdkOk(await sdk.payment.info(token, reference));
          if (p.state !== 'AUTHORIZED') throw new Error('unexpected state ' + p.state);
        },
        capture: async () => {
          sdkOk(await sdk.payment.capture(token, sdkCaps[si++ % sdkCaps.length], { modificationAmount: one }));
        },
      },
    },
  };
}

/** Runs `fn` from `conc` loops until `seconds` pass; returns operations per second. */
async function window(fn, conc, seconds) {
  let count = 0;
  const t0 = now();
  const end = t0 + seconds;
  const loop = async () => {
    while (now() < end) {
      await fn();
      count++;
    }
  };
  await Promise.all(Array.from({ length: conc }, loop));
  return count / (now() - t0);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function throughput(windowS, reps) {
  const { lib, ops } = await contenders();
  const out = {};
  for (const op of ['get', 'capture']) {
    for (const conc of [1, 16]) {
      const key = `${op}_c${conc}`;
      const runs = { lib: [], sdk: [] };
      await window(ops.lib[op], conc, 0.3); // warm-up, not counted
      await window(ops.sdk[op], conc, 0.3);
      for (let r = 0; r < reps; r++) {
        const order = r % 2 === 0 ? ['lib', 'sdk'] : ['sdk', 'lib'];
        for (const who of order) runs[who].push(await window(ops[who][op], conc, windowS));
      }
      const libM = median(runs.lib);
      const sdkM = median(runs.sdk);
      out[key] = { binding: libM, plain: sdkM, ratio: libM / sdkM, binding_runs: runs.lib, plain_runs: runs.sdk };
      process.stderr.write(`node ${key}: binding ${libM.toFixed(0)}/s, SDK ${sdkM.toFixed(0)}/s\n`);
    }
  }
  await lib.close();
  const sdkPackage = path.join(__dirname, 'node_modules', '@vippsmobilepay', 'sdk', 'package.json');
  return { plain: '@vippsmobilepay/sdk ' + JSON.parse(fs.readFileSync(sdkPackage, 'utf8')).version,
    uv_threadpool_size: process.env.UV_THREADPOOL_SIZE || '4', results: out };
}

function nocalls(lib) {
  const request = JSON.parse(read('webhook_request.json'));
  const body = fs.readFileSync(path.join(dir, 'webhook_body.bin'));
  const applyRequest = JSON.parse(read('apply_event_request.json'));
  const order = { prefix: 'acme', order_number: 1001, msn: '123456', attempt: 2 };
  const first = lib.handleCallbackSync(request, body);
  if (!first.event.verified) throw new Error('webhook fixture does not verify');
  return {
    make_order_id: () => vipps.makeOrderId(order),
    handle_callback: () => lib.handleCallbackSync(request, body),
    apply_event: () => lib.applyEventSync(applyRequest),
  };
}

function nocall(rounds, per) {
  const lib = new vipps.Client(config);
  const fns = nocalls(lib);
  const out = {};
  for (const [name, fn] of Object.entries(fns)) {
    for (let i = 0; i < per; i++) fn();
    const perCall = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < per; i++) fn();
      perCall.push(Number(process.hrtime.bigint() - t0) / per);
    }
    out[`${name}_ns`] = Math.round(median(perCall));
  }
  return out;
}

async function tokens(ops) {
  const lib = new vipps.Client(config);
  const caps = refs('node');
  let next = 0;
  let ci = 0;
  const t0 = now();
  const loop = async () => {
    for (let i = next++; i < ops; i = next++) {
      if (i % 2 === 0) await lib.getPayment({ reference });
      else await lib.capture({ reference: caps[ci++ % caps.length], amount: { value: 1, currency: 'NOK' } });
    }
  };
  await Promise.all(Array.from({ length: 16 }, loop));
  const seconds = now() - t0;
  await lib.close();
  return { ops, concurrency: 16, seconds };
}

function rssKib() {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return Number(m[1]);
}

async function rss(warmup, calls) {
  const lib = new vipps.Client(config);
  const fns = nocalls(lib);
  const mix = [() => lib.getPayment({ reference }), fns.handle_callback, fns.apply_event, fns.make_order_id];
  const run = async (i) => {
    const r = mix[i % 4]();
    if (i % 4 === 0) await r;
  };
  for (let i = 0; i < warmup; i++) await run(i);
  global.gc && global.gc();
  const before = rssKib();
  const heapBefore = process.memoryUsage().heapTotal >> 10;
  const samples = [];
  for (let i = 0; i < calls; i++) {
    await run(i);
    if ((i + 1) % 10000 === 0) {
      global.gc && global.gc();
      samples.push(rssKib());
    }
  }
  global.gc && global.gc();
  const after = rssKib();
  const heapAfter = process.memoryUsage().heapTotal >> 10;
  await lib.close();
  // V8 sizes its own heap up under a long mixed workload (a pure-JS loop of JSON.parse/stringify
  // grows RSS by ~2 MiB too), so the V8 heap's own growth is reported apart.
  return { warmup, calls, rss_kib_before: before, samples_kib: samples, rss_kib_after: after, growth_kib: after - before,
    v8_heap_total_kib_before: heapBefore, v8_heap_total_kib_after: heapAfter,
    growth_outside_v8_heap_kib: (after - before) - (heapAfter - heapBefore), note: 'global.gc() before each sample' };
}

async function main() {
  const nums = rest.map(Number);
  let out;
  if (mode === 'throughput') out = await throughput(nums[0], nums[1]);
  else if (mode === 'nocall') out = nocall(nums[0], nums[1]);
  else if (mode === 'tokens') out = await tokens(nums[0]);
  else if (mode === 'rss') out = await rss(nums[0], nums[1]);
  else throw new Error('unknown mode ' + mode);
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack || e) + '\n');
  process.exit(1);
});
