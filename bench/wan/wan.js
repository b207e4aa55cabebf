'use strict';
// Node contender of bench/wan (run.py drives it): N sequential calls over HTTPS.
//
//   node wan.js FIXTURES RTT lib|sdk get|capture N   -> {"first_ms": x, "ms": [...]}
//
// lib: the binding (one vipps.Client, keep-alive). sdk: @vippsmobilepay/sdk, whose fetch() goes
// to https://apitest.vipps.no; as in bench/node/bench.js, undici's global dispatcher is wrapped
// so that origin is sent to the delay proxy instead (the SDK's own code path is untouched). The
// simulator's CA reaches fetch through NODE_EXTRA_CA_CERTS (run.py sets it). The SDK's access
// token is fetched before timing. The first call is reported apart.

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const [dir, rtt, mode, op, nText] = process.argv.slice(2);
const n = Number(nText);
const read = (name) => fs.readFileSync(path.join(dir, name), 'utf8').trim();
const base = read(`base_${rtt}`);
const readRef = read('ref_get');
const capRef = read(`ref_${mode}_${rtt}`);
const one = { value: 1, currency: 'NOK' };
const VIPPS_TEST_ORIGIN = 'https://apitest.vipps.no';

async function redirectFetchToProxy() {
  // Makes Node create its global dispatcher; the body is read so that its connection goes back
  // to the pool (and the SDK reuses it instead of opening another).
  await (await fetch(`${base}/_sim/stats`)).text();
  const key = Symbol.for('undici.globalDispatcher.1');
  const inner = globalThis[key];
  if (!inner || typeof inner.dispatch !== 'function') throw new Error('no undici global dispatcher to wrap');
  globalThis[key] = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'dispatch') {
        return (opts, handler) => target.dispatch(
          String(opts.origin) === VIPPS_TEST_ORIGIN ? { ...opts, origin: base } : opts, handler);
      }
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function contender() {
  if (mode === 'lib') {
    const vipps = require(path.join(ROOT, 'bindings', 'node'));
    const client = new vipps.Client({
      base_url: base, tls: { ca_file: path.join(dir, 'ca.pem') },
      system_name: 'bench', system_version: '1.0', plugin_name: 'vipps-wan', plugin_version: '1.0',
    });
    return {
      call: op === 'get'
        ? () => client.getPayment({ reference: readRef })
        : () => client.capture({ reference: capRef, amount: one }),
      close: () => client.close(),
    };
  }
  const { Client } = require('@vippsmobilepay/sdk');
  await redirectFetchToProxy();
  const sdk = Client({
    merchantSerialNumber: '123456', subscriptionKey: 'sim-subscription-key', useTestMode: true,
    retryRequests: true, systemName: 'bench', systemVersion: '1.0', pluginName: 'vipps-wan', pluginVersion: '1.0',
  });
  const token = read('token');
  const ok = (answer) => {
    if (!answer.ok) throw new Error('SDK call failed: ' + JSON.stringify(answer.error));
    return answer.data;
  };
  return {
    call: op === 'get'
      ? async () => ok(await sdk.payment.info(token, readRef))
      : async () => ok(await sdk.payment.capture(token, capRef, { modificationAmount: one })),
    close: async () => {},
  };
}

async function main() {
  const { call, close } = await contender();
  const timed = async () => {
    const t0 = process.hrtime.bigint();
    await call();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const first = await timed();
  const ms = [];
  for (let i = 0; i < n; i++) ms.push(await timed());
  await close();
  process.stdout.write(JSON.stringify({ first_ms: first, ms }) + '\n');
  process.exit(0);
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
