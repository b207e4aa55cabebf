#!/usr/bin/env node
'use strict';
// The main job (`make demo`): one vipps-sim, the three example shops (PHP, Python, Node) and
// the C webhook example; one complete order through each: create, approve in the simulator,
// the callback or webhook received and verified by the shop's endpoint (handle_callback),
// capture, partial refund, final status. One line per step; exit 0 only if every step did
// what it should.
//
//   node e2e/demo.js [--serve] [--flow checkout|epayment]
//
// --serve: afterwards leave the simulator and the shops running, print their URLs and wait
// for Ctrl-C. --flow: the shops' flow (default checkout: a Checkout session and its callback;
// epayment: an ePayment payment and its signed webhook). Needs target/debug (cargo build) and
// target/c/webhook_demo (make demo builds both).

const path = require('node:path');
const procs = require('./lib/procs');
const { startSim, until, ROOT } = require('./lib/sim');
const { SHOPS, kr } = require('./lib/shops');

const args = process.argv.slice(2);
const SERVE = args.includes('--serve') || ['1', 'yes', 'true'].includes(process.env.SERVE || '');
const flowArg = args.indexOf('--flow');
const FLOW = (flowArg >= 0 ? args[flowArg + 1] : process.env.DEMO_FLOW) || 'checkout';
const C_PROGRAM = process.env.VIPPS_C_WEBHOOK_DEMO || path.join(ROOT, 'target', 'c', 'webhook_demo');
const REFUND = 5000; // NOK 50.00: a partial refund

const tty = process.stdout.isTTY;
const green = (s) => (tty ? `\x1b[32m${s}\x1b[0m` : s);
const red = (s) => (tty ? `\x1b[31m${s}\x1b[0m` : s);
const bold = (s) => (tty ? `\x1b[1m${s}\x1b[0m` : s);

let passed = 0;
let failed = 0;

/** Runs one step; prints "✓ title" or "✗ title: why". Returns the result or throws on. */
async function step(title, fn) {
  const started = Date.now();
  try {
    const result = await fn();
    const detail = typeof result === 'string' ? result : result && result.detail;
    passed += 1;
    console.log(`  ${green('✓')} ${title}${detail ? ` — ${detail}` : ''} ${dim(`(${Date.now() - started} ms)`)}`);
    return result;
  } catch (e) {
    failed += 1;
    console.log(`  ${red('✗')} ${title}: ${e.message.split('\n').join('\n      ')}`);
    throw e;
  }
}
const dim = (s) => (tty ? `\x1b[2m${s}\x1b[0m` : s);

async function orderThroughShop(sim, adapter, shop) {
  const flowName = FLOW === 'checkout' ? 'Checkout session' : 'ePayment payment';
  const delivery = FLOW === 'checkout' ? 'Checkout session callback' : 'ePayment webhook';
  console.log(bold(`${adapter.title} — ${adapter.binding} — ${shop.url}`));
  const remaining = ['create', 'approve', 'callback', 'capture', 'refund', 'final'];
  const done = (name) => remaining.splice(remaining.indexOf(name), 1);
  try {
    const order = await step(`create an order (${flowName})`, async () => {
      const o = await adapter.createOrder(shop, FLOW);
      if (!o.reference) throw new Error(`the shop made no payment for order ${o.id}`);
      const state = await adapter.order(shop, o.id);
      if (state.status !== 'pending' && state.status !== 'new') throw new Error(`new order is ${state.status}, not pending`);
      return { ...o, detail: `order ${o.id}, reference ${o.reference}, ${kr(adapter.price)}` };
    });
    done('create');

    await step('approve it in the simulator (POST /_sim/payments/{ref}/approve)', async () => {
      const payment = await sim.approve(order.reference);
      const state = payment.state || payment.transactionInfo?.status;
      if (state && state !== 'AUTHORIZED' && state !== 'RESERVE') throw new Error(`simulator says ${state}`);
      return `simulator: ${state || 'approved'}`;
    });
    done('approve');

    await step(`${delivery} received and verified by the shop → authorized`, async () => {
      const state = await until(
        'the shop to fold a verified callback into the order',
        async () => {
          const s = await adapter.order(shop, order.id);
          return s.callbackStatus === 'authorized' ? s : false;
        },
        15000,
      );
      const kind = FLOW === 'checkout' ? 'checkout' : 'webhook';
      // The shop records the order before it answers, and the simulator logs a delivery when it
      // has read the answer: wait for the log too, rather than reading it once.
      let attempts = [];
      const answered = await until(
        `the simulator to log the shop's 2xx answer to a ${kind} delivery`,
        async () => {
          attempts = (await sim.callbacks(order.reference)).filter((c) => c.kind === kind);
          const ok = attempts.filter((c) => c.status >= 200 && c.status < 300);
          return ok.length > 0 ? ok : false;
        },
        5000,
      ).catch(() => {
        throw new Error(`the simulator saw no 2xx answer to a ${kind} delivery: ${JSON.stringify(attempts.map((c) => c.status))}`);
      });
      return `the shop answered ${answered[0].status}; its order record (verified deliveries only) says ${state.callbackStatus}`;
    });
    done('callback');

    await step(`capture ${kr(adapter.price)} (admin action)`, async () => {
      await adapter.capture(shop, order.id, adapter.price);
      const s = await until('the order to be captured', async () => {
        const o = await adapter.order(shop, order.id);
        return o.status === 'captured' ? o : false;
      }, 10000);
      return `shop shows ${s.status}`;
    });
    done('capture');

    await step(`refund ${kr(REFUND)} of it (admin action)`, async () => {
      await adapter.refund(shop, order.id, REFUND);
      const s = await until('the order to be partially refunded', async () => {
        const o = await adapter.order(shop, order.id);
        return o.status === 'partially_refunded' ? o : false;
      }, 10000);
      return `shop shows ${s.status}`;
    });
    done('refund');

    await step('final status', async () => {
      const entry = await sim.ledgerEntry(order.reference);
      if (!entry) throw new Error('the simulator has no such payment');
      const want = { authorized: adapter.price, captured: adapter.price, refunded: REFUND };
      for (const [k, v] of Object.entries(want)) {
        if (entry[k] !== v) throw new Error(`simulator ledger ${k} = ${entry[k]}, expected ${v}`);
      }
      const s = await adapter.order(shop, order.id);
      if (s.status !== 'partially_refunded') throw new Error(`shop shows ${s.status}`);
      return `partially_refunded: captured ${kr(entry.captured)}, refunded ${kr(entry.refunded)} (simulator ledger)`;
    });
    done('final');
  } catch {
    if (remaining.length > 0) console.log(`  ${red('✗')} not reached: ${remaining.join(', ')}`);
    failed += remaining.length;
    const tail = shop.proc.tail(12);
    if (tail) console.log(dim(`    the shop's last output:\n${tail.replace(/^/gm, '      ')}`));
  }
}

async function cExample(sim) {
  console.log(bold(`C example — examples/c/webhook_demo.c (include/vipps.h), a loopback socket for webhooks`));
  const proc = procs.start('webhook_demo', C_PROGRAM, [sim.url], {
    onLine: (stream, line) => {
      if (stream !== 'stdout') return console.log(`    ${line}`);
      if (line.startsWith('✓')) {
        passed += 1;
        console.log(`  ${green('✓')}${line.slice(1)}`);
      } else if (line.startsWith('✗')) {
        failed += 1;
        console.log(`  ${red('✗')}${line.slice(1)}`);
      } else {
        console.log(`    ${line}`);
      }
    },
  });
  const timer = setTimeout(() => proc.stop(), 60000);
  await new Promise((resolve) => proc.child.on('exit', resolve));
  clearTimeout(timer);
  await proc.stop();
  const { code, signal } = proc.exited();
  if (code !== 0) {
    failed += 1;
    console.log(`  ${red('✗')} webhook_demo exited with ${signal || code}`);
  }
}

async function main() {
  const t0 = Date.now();
  const sim = await startSim({ port: SERVE ? await procs.freePort(7878) : 0 });
  console.log(bold(`vipps-sim on ${sim.url}`));

  const ports = { php: 8000, python: 8001, node: 3000 };
  const started = {};
  await Promise.all(
    Object.values(SHOPS).map(async (adapter) => {
      try {
        started[adapter.key] = await adapter.start({ simUrl: sim.url, port: SERVE ? await procs.freePort(ports[adapter.key]) : 0 });
      } catch (e) {
        started[adapter.key] = { error: e };
      }
    }),
  );
  for (const adapter of Object.values(SHOPS)) {
    const shop = started[adapter.key];
    if (shop.error) {
      console.log(bold(`${adapter.title} — ${adapter.binding}`));
      console.log(`  ${red('✗')} start the shop: ${shop.error.message.split('\n').join('\n      ')}`);
      failed += 1;
      continue;
    }
    await orderThroughShop(sim, adapter, shop);
  }
  await cExample(sim);

  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (failed === 0) console.log(green(bold(`demo passed: ${passed} steps, ${seconds} s`)));
  else console.log(red(bold(`demo FAILED: ${failed} of ${passed + failed} steps did not do what they should (${seconds} s)`)));

  if (SERVE) {
    console.log('');
    console.log(bold('Serving until Ctrl-C:'));
    console.log(`  vipps-sim     ${sim.url}   (control API: ${sim.url}/_sim/ledger)`);
    for (const adapter of Object.values(SHOPS)) {
      const shop = started[adapter.key];
      if (!shop.error) console.log(`  ${adapter.title.padEnd(12)}  ${shop.url}/   (admin: ${shop.url}/admin)`);
    }
    console.log('Buy something with Vipps Checkout (the embedded iframe) or the redirect flow, approve it, then capture or refund in the admin page.');
    setInterval(() => {}, 1 << 30); // until SIGINT/SIGTERM, which stop everything (lib/procs.js)
    return;
  }

  for (const shop of Object.values(started)) if (shop.stop) await shop.stop();
  await sim.stop();
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((e) => {
  console.error(red(`demo failed: ${e.stack || e.message}`));
  procs.stopAllSync();
  process.exit(1);
});
