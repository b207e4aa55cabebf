'use strict';
// Calls run off the event loop: shared tokens, overlapping calls, a timer that keeps ticking,
// and no owned-string leak.

// koffi's async calls run on libuv's thread pool (4 threads unless told otherwise); size it
// before anything uses the pool, as an application serving many payments would.
process.env.UV_THREADPOOL_SIZE = process.env.UV_THREADPOOL_SIZE || '24';

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startSim, reference, paymentRequest } = require('./support/sim');
const vipps = require('..');

test('16 concurrent calls on one client fetch exactly one access token', async () => {
  // A simulator of its own: the token cache is per process and keyed by the base URL.
  const sim = await startSim();
  const client = new vipps.Client(sim.config());
  try {
    assert.equal((await sim.stats()).token_fetches, 0);
    const answers = await Promise.all(Array.from({ length: 16 }, () => client.listWebhooks()));
    assert.equal(answers.length, 16);
    for (const a of answers) assert.ok(Array.isArray(a.webhooks));
    const stats = await sim.stats();
    console.log(`# token fetches for 16 concurrent calls: ${stats.token_fetches}`);
    assert.equal(stats.token_fetches, 1);
    const logged = (await sim.control('GET', '/_sim/requests?path_prefix=/webhooks')).body;
    assert.equal(logged.length, 16);
  } finally {
    await client.close();
    await sim.stop();
  }
});

test('the event loop keeps running while 20 calls wait on 200 ms delays, and they overlap', async () => {
  const sim = await startSim();
  const client = new vipps.Client(sim.config());
  try {
    const ref = reference('node-loop');
    await client.createPayment(paymentRequest(ref, 1000)); // also warms the token
    await sim.fault({ method: 'GET', path: `/epayment/v1/payments/${ref}`, action: 'delay', delay_ms: 200, count: 20 });

    let ticks = 0;
    let last = Date.now();
    let maxGap = 0;
    const timer = setInterval(() => {
      const now = Date.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks += 1;
    }, 10);

    const started = Date.now();
    last = started;
    const calls = Array.from({ length: 20 }, () => client.getPayment({ reference: ref }).then(() => Date.now()));
    assert.equal(client.inFlight, 20, 'all 20 calls were handed to worker threads at once');
    const ticksAtIssue = ticks;
    const finished = await Promise.all(calls);
    const elapsed = Date.now() - started;
    clearInterval(timer);
    const ticksDuring = ticks - ticksAtIssue;

    console.log(
      `# 20 calls with a 200 ms delay each: ${elapsed} ms in all, ${ticksDuring} ticks of a 10 ms timer ` +
        `meanwhile, longest gap between ticks ${maxGap} ms`,
    );
    // Run one after another they would take 20 x 200 ms = 4 s.
    assert.ok(elapsed >= 200, `elapsed ${elapsed}`);
    assert.ok(elapsed < 2000, `the calls overlapped: ${elapsed} ms < 2000 ms`);
    // The timer kept firing while the calls waited. Blocking calls would give no tick at all
    // for 20 x 200 ms; the bounds are loose because a loaded CI machine delays timers too.
    assert.ok(ticksDuring >= 5, `${ticksDuring} ticks in ${elapsed} ms`);
    assert.ok(maxGap < 400, `longest gap ${maxGap} ms (twenty blocking calls would stall 4 s)`);
    // Every call waited the delay.
    for (const at of finished) assert.ok(at - started >= 190);
    // The simulator saw all 20 requests.
    const logged = (await sim.control('GET', `/_sim/requests?path_prefix=/epayment/v1/payments/${ref}`)).body;
    assert.equal(logged.filter((r) => r.method === 'GET').length, 20);
  } finally {
    await sim.control('DELETE', '/_sim/faults');
    await client.close();
    await sim.stop();
  }
});

test('no owned-string leak: RSS grows < 1 MiB over 10,000 synchronous calls', () => {
  const probe = path.join(__dirname, 'support', 'leak-probe.js');
  const out = execFileSync(process.execPath, ['--expose-gc', probe], { encoding: 'utf8', timeout: 120000 });
  const r = JSON.parse(out.trim().split('\n').pop());
  console.log(
    `# RSS growth over ${r.calls} calls: makeOrderId ${r.makeOrderId.growth} B, applyEventSync ` +
      `${r.applyEventSync.growth} B, handleCallbackSync ${r.handleCallbackSync.growth} B; ` +
      `the never-freed control ${r.control_leaking.growth} B`,
  );
  for (const op of ['makeOrderId', 'applyEventSync', 'handleCallbackSync']) {
    assert.ok(r[op].growth < r.MiB, `${op}: ${r[op].growth} bytes`);
    assert.equal(r[op].disposed, r.calls, `${op}: every returned string went through vipps_string_free`);
  }
  // The measurement can see a leak: the same calls without freeing grow by megabytes.
  assert.ok(r.control_leaking.growth > 2 * r.MiB, `control: ${r.control_leaking.growth}`);
});
