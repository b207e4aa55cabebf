'use strict';
// Run with --expose-gc: measures the RSS growth of 10,000 synchronous no-I/O calls per
// operation after a warm-up, and prints one JSON line. A deliberately leaking declaration of
// vipps_apply_event (plain `const char *`, never freed) is the control that shows the
// measurement would see a leak.

const vipps = require('../..');
const { native } = require('../../lib/native');

const N = Number(process.env.LEAK_CALLS || 10000);
const MiB = 1024 * 1024;

function settle() {
  for (let i = 0; i < 4; i++) global.gc();
}

function measure(fn) {
  // Warm-up: one full round, so that JIT, V8 heap sizing, allocator arenas and koffi pools
  // reach their steady state before the measured round.
  for (let i = 0; i < N; i++) fn(i);
  settle();
  const before = process.memoryUsage().rss;
  const disposedBefore = native().koffi.stats().disposed;
  for (let i = 0; i < N; i++) fn(i);
  settle();
  const after = process.memoryUsage().rss;
  return { growth: after - before, disposed: native().koffi.stats().disposed - disposedBefore };
}

const client = new vipps.Client({
  base_url: 'http://127.0.0.1:9',
  system_name: 'leak-probe',
  system_version: '1',
  plugin_name: 'vipps-node',
  plugin_version: '1',
});

const sessionBody = Buffer.from(
  JSON.stringify({
    sessionId: 'leak-session',
    reference: 'leak-1',
    sessionState: 'PaymentSuccessful',
    paymentMethod: 'Wallet',
    paymentDetails: {
      amount: { value: 10000, currency: 'NOK' },
      state: 'AUTHORIZED',
      aggregate: {
        authorizedAmount: { value: 10000, currency: 'NOK' },
        cancelledAmount: { value: 0, currency: 'NOK' },
        capturedAmount: { value: 0, currency: 'NOK' },
        refundedAmount: { value: 0, currency: 'NOK' },
      },
    },
  }),
);
const callbackRequest = {
  method: 'POST',
  url: '/vipps/callback',
  headers: { Authorization: 'leak-probe-token' },
  kind: 'checkout_callback',
  expected_token: 'leak-probe-token',
  reference: 'leak-1',
};
const { event } = client.handleCallbackSync(callbackRequest, sessionBody);
if (!event.verified) throw new Error(`probe event not verified: ${event.rejection}`);
const applyRequest = JSON.stringify({ record: null, event });

const results = {
  makeOrderId: measure((i) => vipps.makeOrderId({ prefix: 'leak', order_number: i })),
  applyEventSync: measure(() => client.applyEventSync(applyRequest)),
  handleCallbackSync: measure(() => client.handleCallbackSync(callbackRequest, sessionBody)),
};

// The control: the same calls with the returned strings never freed.
const koffi = native().koffi;
const lib = koffi.load(native().file);
const leakyApply = lib.func('vipps_apply_event', 'const char *', ['vipps_client_ptr', 'const char *']);
// A second, raw client handle for the leaky declaration.
const rawHandle = native().clientNew(
  JSON.stringify({ base_url: 'http://127.0.0.1:9', system_name: 'a', system_version: '1', plugin_name: 'b', plugin_version: '1' }),
  [null],
);
results.control_leaking = measure(() => leakyApply(rawHandle, applyRequest));
native().clientFree(rawHandle);
results.calls = N;
results.MiB = MiB;
client.close().then(() => console.log(JSON.stringify(results)));
