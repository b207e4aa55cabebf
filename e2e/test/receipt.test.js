'use strict';
// The receipt a shop posts at capture is extra: when Order Management refuses it, the capture
// stands. For each shop: an ePayment order approved in the simulator, the receipts endpoint
// answering 400, then the admin capture. The whole amount is captured, the shop shows the order
// captured and has recorded the failed receipt, and the simulator stored nothing for the order.
// (The receipt that does arrive is checked in the customer's app by browser.test.js.)

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSim, until } = require('../lib/sim');
const { SHOPS } = require('../lib/shops');

let sim;
const shops = {};

before(async () => {
  sim = await startSim();
  for (const adapter of Object.values(SHOPS)) shops[adapter.key] = await adapter.start({ simUrl: sim.url });
});

after(async () => {
  for (const shop of Object.values(shops)) await shop.stop();
  if (sim) await sim.stop();
});

for (const adapter of Object.values(SHOPS)) {
  test(`${adapter.title}: a refused receipt leaves the capture standing and is recorded`, async () => {
    const shop = shops[adapter.key];
    const order = await adapter.createOrder(shop, 'epayment');
    await sim.approve(order.reference);
    await until('the shop to see the order authorized', async () => (await adapter.order(shop, order.id)).callbackStatus === 'authorized');
    await sim.control('POST', '/_sim/faults', {
      method: 'POST',
      path: `/order-management/v2/ECOM/receipts/${order.reference}`,
      count: 3,
      action: 'respond',
      status: 400,
    });
    try {
      await adapter.capture(shop, order.id, adapter.price);
    } finally {
      await sim.control('DELETE', '/_sim/faults');
    }
    assert.equal((await sim.ledgerEntry(order.reference)).captured, adapter.price, 'the capture went through');
    const after = await adapter.order(shop, order.id);
    assert.equal(after.status, 'captured');
    assert.ok(adapter.receiptProblem(after.raw), `the shop recorded the failed receipt: ${JSON.stringify(after.raw).slice(0, 600)}`);
    const stored = await fetch(`${sim.url}/_sim/order-management/${encodeURIComponent(order.reference)}`);
    assert.equal(stored.status, 404, 'no receipt and no category stored');
  });
}
