'use strict';
// The example shop against vipps-sim: the simulator delivers Checkout callbacks and signed
// ePayment webhooks into the shop, which verifies them with handleCallback and folds them
// with applyEvent; admin actions capture and refund; the redirect flow and the return page.

process.env.UV_THREADPOOL_SIZE = process.env.UV_THREADPOOL_SIZE || '16';

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { startSim } = require('./support/sim');

const { createShop } = require(path.join(__dirname, '..', '..', '..', 'examples', 'node-shop', 'shop.js'));

let sim;
let shop;

test.before(async () => {
  sim = await startSim();
  shop = await createShop({ baseUrl: sim.base, port: 0 });
});

test.after(async () => {
  if (shop) await shop.close();
  if (sim) await sim.stop();
});

async function post(urlPath, form) {
  return fetch(shop.url + urlPath, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form || {}).toString(),
  });
}

async function order(id) {
  const res = await fetch(`${shop.url}/api/orders/${encodeURIComponent(id)}`);
  assert.equal(res.status, 200);
  return res.json();
}

/** Polls the shop's order until `check` holds (deliveries are asynchronous). */
async function waitForOrder(id, check, what) {
  const deadline = Date.now() + 10000;
  let last;
  while (Date.now() < deadline) {
    last = await order(id);
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`order ${id} never ${what}: ${JSON.stringify({ status: last.status, events: last.events })}`);
}

test('Checkout: page with the SDK, callback and webhooks verified into the order, capture and refund', async () => {
  const home = await (await fetch(shop.url + '/')).text();
  assert.match(home, /Wool socks/);

  const started = await post('/checkout', { product: 'socks' });
  assert.equal(started.status, 303);
  const location = started.headers.get('location');
  const id = decodeURIComponent(location.split('/').pop());

  const html = await (await fetch(shop.url + location)).text();
  assert.ok(html.includes(`<script src="${sim.base}/sim/vippsCheckoutSDK.js"></script>`));
  assert.ok(html.includes('id="vipps-checkout-frame-container"'));
  assert.ok(html.includes("iFrameContainerId: 'vipps-checkout-frame-container'"));
  assert.ok(html.includes('VippsCheckout({'));

  const session = await (await fetch(`${shop.url}/api/orders/${id}/session`, { method: 'POST' })).json();
  assert.ok(session.token);
  assert.equal(session.checkoutFrontendUrl, `${sim.base}/sim/checkout/`);

  await sim.approve(id);
  const authorized = await waitForOrder(
    id,
    (o) =>
      o.status === 'authorized' &&
      o.events.some((e) => e.kind === 'checkout_callback') &&
      o.events.some((e) => e.kind === 'epayment_webhook' && e.name === 'AUTHORIZED'),
    'got the Checkout callback and the AUTHORIZED webhook',
  );
  for (const e of authorized.events) assert.equal(e.verified, true);
  // Whichever of the two came first was applied; the other one added nothing new.
  assert.ok(authorized.events.some((e) => e.applied && e.status === 'authorized'));
  assert.equal(authorized.amounts.capturable, 19900);

  // The simulator saw 2xx answers from the shop for its deliveries.
  const deliveries = (await sim.control('GET', '/_sim/callbacks')).body.filter((d) => JSON.stringify(d.body || '').includes(id));
  assert.ok(deliveries.some((d) => d.kind.includes('checkout') && d.status === 200), JSON.stringify(deliveries.map((d) => [d.kind, d.status])));
  assert.ok(deliveries.some((d) => d.kind.includes('webhook') && d.status === 200));
  assert.ok(deliveries.every((d) => d.status === 200));

  // Admin: capture everything, refund a part; the webhooks move the order.
  let res = await post(`/admin/orders/${id}/capture`, { amount: '19900', idempotency_key: `cap-${id}` });
  assert.equal(res.status, 303);
  // A double submit of the same form is a replay, not a second capture.
  res = await post(`/admin/orders/${id}/capture`, { amount: '19900', idempotency_key: `cap-${id}` });
  assert.equal(res.status, 303);
  await waitForOrder(id, (o) => o.status === 'captured', 'was captured');
  res = await post(`/admin/orders/${id}/refund`, { amount: '5000', idempotency_key: `ref-${id}` });
  assert.equal(res.status, 303);
  const refunded = await waitForOrder(id, (o) => o.status === 'partially_refunded', 'was refunded');
  assert.equal(refunded.amounts.captured, 19900);
  assert.equal(refunded.amounts.refunded, 5000);
  assert.equal(refunded.amounts.refundable, 14900);
  const ledger = (await sim.control('GET', '/_sim/ledger')).body.payments.find((p) => p.reference === id);
  assert.equal(ledger.captured, 19900, 'captured once');

  const admin = await (await fetch(shop.url + '/admin')).text();
  assert.ok(admin.includes(id));
  assert.ok(admin.includes('partially_refunded'));
});

test('ePayment redirect flow: createPayment WEB_REDIRECT, redirect, return page', async () => {
  const res = await post('/pay', { product: 'hat' });
  assert.equal(res.status, 303);
  const redirectUrl = res.headers.get('location');
  assert.ok(redirectUrl.startsWith(sim.base), redirectUrl);
  const id = [...shop.orders.values()].find((o) => o.redirectUrl === redirectUrl).id;

  await sim.approve(id);
  const html = await (await fetch(`${shop.url}/return?order=${encodeURIComponent(id)}`)).text();
  assert.match(html, /id="status">authorized</);
  await waitForOrder(id, (o) => o.events.some((e) => e.name === 'AUTHORIZED'), 'got the AUTHORIZED webhook');
});

test('return page of a payment nobody approved: waits, then polls', async () => {
  const res = await post('/pay', { product: 'coat' });
  const redirectUrl = res.headers.get('location');
  const id = [...shop.orders.values()].find((o) => o.redirectUrl === redirectUrl).id;
  const started = Date.now();
  const html = await (await fetch(`${shop.url}/return?order=${encodeURIComponent(id)}`)).text();
  assert.ok(Date.now() - started >= 2500, 'waitForFinalStatus waited for the customer');
  assert.match(html, /id="status">pending</);
  assert.match(html, /setInterval/);
});

test('forged and duplicate deliveries change nothing', async () => {
  const started = await post('/checkout', { product: 'hat' });
  const id = decodeURIComponent(started.headers.get('location').split('/').pop());
  await fetch(`${shop.url}/api/orders/${id}/session`, { method: 'POST' });

  // A forged Checkout callback claiming payment: 401, and the order stays pending.
  const forged = await fetch(`${shop.url}/vipps/callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'not-the-token' },
    body: JSON.stringify({ sessionId: 'x', reference: id, sessionState: 'PaymentSuccessful' }),
  });
  assert.equal(forged.status, 401);
  assert.equal((await order(id)).status, 'pending');
  assert.ok(shop.unmatched.some((u) => u.reference === id && u.verified === false));

  // Every delivery sent twice: the second copy is recognized by its id.
  await sim.control('POST', '/_sim/callback-faults', { target: '*', action: 'duplicate', count: 10 });
  try {
    await sim.approve(id);
    const o = await waitForOrder(
      id,
      (x) => x.status === 'authorized' && x.events.filter((e) => !e.applied && e.reason && e.reason.includes('duplicate')).length >= 1,
      'saw a duplicate',
    );
    const applied = o.events.filter((e) => e.applied).map((e) => e.id);
    assert.equal(new Set(applied).size, applied.length, 'no event applied twice');
  } finally {
    await sim.control('DELETE', '/_sim/callback-faults');
  }
});
