'use strict';
// Without a verified callback or webhook, no shop marks an order authorized.
//
// Each shop runs behind a forwarding proxy that is its public URL (PHP: SHOP_URL, Python and
// Node: PUBLIC_URL), so Vipps' callbacks and webhooks reach it through the proxy. With
// tampering on, the proxy forges the proof of every delivery (the Checkout callback token, the
// webhook's HMAC signature); the payment is approved in the simulator, every delivery attempt
// reaches the shop and is refused (401, the shop's own answer), and the order's record stays
// empty and the order pending. The shop's order endpoints read here (PHP /orders/N.json,
// Python /orders/<id>, Node /api/orders/<id>) never ask the API, and no return page is
// visited, so nothing but a callback could have authorized the order. A control order through
// the same proxy without tampering is authorized by its callback.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSim, until } = require('../lib/sim');
const { SHOPS } = require('../lib/shops');
const { startProxy } = require('../lib/proxy');

let sim;

before(async () => {
  sim = await startSim();
  // fewer, quicker retries: every attempt is refused here
  await sim.setDeliveryPolicy({
    webhook_max_attempts: 3,
    webhook_initial_backoff_ms: 50,
    checkout_max_retries: 2,
    checkout_initial_backoff_ms: 50,
  });
});

after(async () => {
  if (sim) await sim.stop();
});

for (const adapter of Object.values(SHOPS)) {
  describe(`${adapter.title}: verification`, () => {
    let shop;
    let proxy;

    before(async () => {
      proxy = await startProxy();
      shop = await adapter.start({ simUrl: sim.url, publicUrl: proxy.url });
      proxy.state.target = shop.url;
    });

    after(async () => {
      if (shop) await shop.stop();
      if (proxy) await proxy.close();
    });

    for (const flow of ['checkout', 'epayment']) {
      const kind = flow === 'checkout' ? 'checkout' : 'webhook';
      const attempts = 3; // 1 + checkout_max_retries, or webhook_max_attempts
      const endpoint = flow === 'checkout' ? '/vipps/callback' : '/vipps/webhook';

      test(`${flow}: forged ${kind} deliveries are refused and the approved order stays pending`, async () => {
        proxy.state.tamper = true;
        const order = await adapter.createOrder(shop, flow);
        await sim.approve(order.reference);

        // every attempt at delivering the authorization reached the shop and was refused
        const refused = await until(
          `${attempts} refused ${kind} deliveries`,
          async () => {
            // (webhooks registered by the shops of earlier tests, now stopped, are left out)
            const all = (await sim.callbacks(order.reference)).filter((c) => c.kind === kind && c.url.startsWith(proxy.url));
            const authorized = kind === 'webhook' ? all.filter((c) => JSON.stringify(c.body).includes('AUTHORIZED')) : all;
            return authorized.length >= attempts ? authorized : false;
          },
          15000,
        );
        assert.deepEqual(
          refused.map((c) => c.status),
          Array(refused.length).fill(401),
          'the shop answers 401 to every forged delivery',
        );
        const forged = proxy.state.answers.filter((a) => a.forged && a.url.startsWith(endpoint));
        assert.ok(forged.length >= attempts, 'the deliveries went through the proxy, forged');
        assert.ok(forged.every((a) => a.status === 401));

        // the payment IS authorized at Vipps; only the verified callback is missing
        const entry = await sim.ledgerEntry(order.reference);
        assert.equal(entry.state, 'AUTHORIZED');
        assert.equal(entry.authorized, adapter.price);

        // Nothing is still on its way to the shop: every delivery about the order through the
        // proxy has used all its attempts, and if webhooks go there, their queue (one per
        // webhook and payment, in event order) has reached its last event, AUTHORIZED.
        await until(
          'every delivery about the order to be refused for good',
          async () => {
            const all = (await sim.callbacks(order.reference)).filter((c) => c.url.startsWith(proxy.url));
            const tries = new Map();
            for (const c of all) {
              const key = `${c.kind} ${JSON.stringify(c.body)}`;
              tries.set(key, (tries.get(key) || 0) + 1);
            }
            const webhooks = all.filter((c) => c.kind === 'webhook');
            const queueDone = webhooks.length === 0 || webhooks.some((c) => JSON.stringify(c.body).includes('AUTHORIZED'));
            return queueDone && [...tries.values()].every((n) => n >= attempts) ? all : false;
          },
          15000,
        );
        const state = await adapter.order(shop, order.id);
        assert.equal(state.callbackStatus, null, 'no event was folded into the order');
        assert.equal(state.deliveries, 0);
        assert.ok(['pending', 'new'].includes(state.status), `order is ${state.status}, expected pending`);
      });

      test(`${flow}: control — the same proxy without forging, the ${kind} authorizes the order`, async () => {
        proxy.state.tamper = false;
        const order = await adapter.createOrder(shop, flow);
        await sim.approve(order.reference);
        const state = await until(
          'the order to be authorized by its callback',
          async () => {
            const s = await adapter.order(shop, order.id);
            return s.callbackStatus === 'authorized' ? s : false;
          },
          15000,
        );
        assert.equal(state.status, 'authorized');
        assert.ok(state.deliveries >= 1);
      });
    }
  });
}
