'use strict';
// Full payment flows through the binding against a private vipps-sim.

const test = require('node:test');
const assert = require('node:assert/strict');
const { startSim, reference, nok, paymentRequest, sessionRequest } = require('./support/sim');
const vipps = require('..');

let sim;
let client;

test.before(async () => {
  sim = await startSim();
  client = new vipps.Client(sim.config());
});

test.after(async () => {
  if (client) await client.close();
  if (sim) await sim.stop();
});

test('the library is loaded and its ABI checked', () => {
  assert.equal(vipps.abiVersion(), vipps.ABI_VERSION);
  assert.match(vipps.version(), /^\d+\.\d+\.\d+/);
  assert.equal(vipps.Client.version(), vipps.version());
  assert.match(vipps.findLibrary(), /libvipps\.so$/);
});

test('Checkout: session, approve via /_sim, capture, refund', async () => {
  const ref = reference('node-session');
  const created = await client.createSession(sessionRequest(ref, 49900));
  assert.equal(created.reference, ref);
  assert.ok(created.token);
  assert.match(created.checkoutFrontendUrl, /^http:\/\/127\.0\.0\.1:\d+\//);
  assert.ok(created.callback_authorization_token);
  assert.ok(created.idempotency_key);

  let session = await client.getSession({ reference: ref });
  assert.equal(session.normalized.status, 'pending');
  assert.equal(session.normalized.final, false);

  const updated = await client.updateSession({ reference: ref, transaction: { amount: nok(39900) } });
  assert.equal(updated.reference, ref);
  session = await client.getSession({ reference: ref });
  assert.equal(session.normalized.amount, 39900);

  await sim.approve(ref);
  session = await client.getSession({ reference: ref });
  assert.equal(session.sessionState, 'PaymentSuccessful');
  assert.equal(session.normalized.status, 'authorized');
  assert.equal(session.normalized.capturable, 39900);

  const captured = await client.capture({ reference: ref, amount: nok(39900), idempotency_key: `cap-${ref}` });
  assert.equal(captured.idempotency_key, `cap-${ref}`);
  assert.equal(captured.normalized.status, 'captured');
  // The same key and body again is a replay, not a second capture.
  const replay = await client.capture({ reference: ref, amount: nok(39900), idempotency_key: `cap-${ref}` });
  assert.equal(replay.normalized.captured, 39900);

  const refunded = await client.refund({ reference: ref, amount: nok(10000) });
  assert.equal(refunded.normalized.status, 'partially_refunded');
  assert.equal(refunded.normalized.refundable, 29900);

  const reconciled = await client.reconcile({ reference: ref });
  assert.equal(reconciled.status, 'partially_refunded');
  assert.equal(reconciled.refunded, 10000);

  const ledger = (await sim.control('GET', '/_sim/ledger')).body.payments.find((p) => p.reference === ref);
  assert.equal(ledger.captured, 39900);
  assert.equal(ledger.refunded, 10000);
});

test('Checkout: an unpaid session can be expired', async () => {
  const ref = reference('node-expire');
  await client.createSession(sessionRequest(ref, 1000));
  const expired = await client.expireSession({ reference: ref });
  assert.equal(expired.reference, ref);
  const session = await client.getSession({ reference: ref });
  assert.equal(session.normalized.status, 'expired');
});

test('ePayment: create, forceApprove, capture, refund, events, wait', async () => {
  const ref = reference('node-epay');
  const created = await client.createPayment(paymentRequest(ref, 100000, { idempotency_key: `create-${ref}` }));
  assert.equal(created.reference, ref);
  assert.equal(created.idempotency_key, `create-${ref}`);
  assert.ok(created.redirectUrl);

  assert.equal((await client.getPayment({ reference: ref })).normalized.status, 'pending');
  const pending = await client.waitForFinalStatus({ reference: ref, timeout_ms: 300, initial_delay_ms: 0, interval_ms: 100 });
  assert.equal(pending.timed_out, true);
  assert.equal(pending.status, 'pending');

  await client.forceApprove({ reference: ref, customer: { phoneNumber: '4791234567' } });
  const waited = await client.waitForFinalStatus({ reference: ref, timeout_ms: 5000, initial_delay_ms: 0 });
  assert.equal(waited.status, 'authorized');
  assert.equal(waited.timed_out, false);

  const first = await client.capture({ reference: ref, amount: nok(60000) });
  assert.equal(first.normalized.status, 'partially_captured');
  const second = await client.capture({ reference: ref, amount: nok(40000) });
  assert.equal(second.normalized.status, 'captured');
  const refund = await client.refund({ reference: ref, amount: nok(25000) });
  assert.equal(refund.normalized.refundable, 75000);

  const events = await client.getPaymentEvents({ reference: ref });
  const names = events.events.map((e) => e.name);
  assert.deepEqual(names, ['CREATED', 'AUTHORIZED', 'CAPTURED', 'CAPTURED', 'REFUNDED']);
});

test('ePayment: cancel before and after approval', async () => {
  const before = reference('node-cancel-a');
  await client.createPayment(paymentRequest(before, 5000));
  const terminated = await client.cancel({ reference: before });
  assert.equal(terminated.normalized.status, 'cancelled');

  const after = reference('node-cancel-b');
  await client.createPayment(paymentRequest(after, 5000));
  await client.forceApprove({ reference: after });
  const cancelled = await client.cancel({ reference: after });
  assert.equal(cancelled.normalized.status, 'cancelled');
  assert.equal(cancelled.normalized.cancelled, 5000);
});

test('Webhooks API: register, list, delete', async () => {
  const registered = await client.registerWebhook({
    url: 'http://127.0.0.1:9/hook',
    events: ['epayments.payment.captured.v1'],
  });
  assert.ok(registered.id);
  assert.ok(registered.secret);
  let listed = await client.listWebhooks();
  assert.ok(listed.webhooks.some((w) => w.id === registered.id));
  const deleted = await client.deleteWebhook({ id: registered.id });
  assert.equal(deleted.deleted, true);
  listed = await client.listWebhooks({});
  assert.ok(!listed.webhooks.some((w) => w.id === registered.id));
});

test('eCom v2: initiate, approve, status, capture with api=ecom', async () => {
  const orderId = client.makeOrderId({ prefix: 'nodeecom', order_number: Date.now() % 1e9 });
  const initiated = await client.ecomInitiate({
    merchantInfo: {
      merchantSerialNumber: '123456',
      callbackPrefix: 'https://shop.example/vipps',
      fallBack: 'https://shop.example/return',
    },
    customerInfo: {},
    transaction: { orderId, amount: 2000, transactionText: 'One hat' },
  });
  assert.equal(initiated.orderId, orderId);
  assert.ok(initiated.auth_token);
  await client.forceApprove({ reference: orderId, api: 'ecom' });
  const status = await client.ecomStatus({ reference: orderId });
  assert.equal(status.normalized_status, 'authorized');
  const captured = await client.capture({ reference: orderId, api: 'ecom', amount: nok(2000) });
  assert.equal(captured.normalized.status, 'captured');
});

test('makeOrderId is synchronous and needs no client', () => {
  assert.equal(vipps.makeOrderId({ prefix: 'shop', order_number: 42 }), 'shop-42');
  assert.equal(client.makeOrderId(JSON.stringify({ prefix: 'shop', order_number: 43 })), 'shop-43');
});

test('shipping options answers, sync and async', async () => {
  const request = {
    kind: 'checkout_shipping',
    options: [{ id: 'pickup', brand: 'POSTEN', amount: nok(4900), priority: 0, isDefault: true, type: 'PICKUP_POINT' }],
  };
  const sync = client.shippingOptionsResponseSync(request);
  assert.equal(sync.status, 200);
  const body = JSON.parse(sync.body);
  assert.ok(JSON.stringify(body).includes('pickup'));
  assert.deepEqual(await client.shippingOptionsResponse(request), sync);
});

test('close(): later calls reject with ClientClosedError; close is idempotent', async () => {
  const c = new vipps.Client(sim.config());
  await c.listWebhooks();
  await c.close();
  await c.close();
  assert.equal(c.closed, true);
  await assert.rejects(c.getPayment({ reference: 'x' }), (e) => {
    assert.ok(e instanceof vipps.ClientClosedError);
    assert.ok(e instanceof vipps.InvalidInputError);
    assert.equal(e.kind, 'invalid_input');
    assert.match(e.message, /closed client/);
    return true;
  });
  assert.throws(() => c.applyEventSync({ record: null, event: {} }), vipps.ClientClosedError);
});

test('close() with calls in flight frees the client only after they settle', async () => {
  const c = new vipps.Client(sim.config());
  await sim.fault({ method: 'GET', path: '/epayment/v1/payments/*', action: 'delay', delay_ms: 300, count: 3 });
  const ref = reference('node-inflight');
  await client.createPayment(paymentRequest(ref, 1000));
  const calls = [1, 2, 3].map(() => c.getPayment({ reference: ref }));
  assert.equal(c.inFlight, 3);
  let closedAt = null;
  const closing = c.close().then(() => {
    closedAt = Date.now();
  });
  const settled = await Promise.all(calls.map((p) => p.then((v) => ({ v, at: Date.now() }))));
  await closing;
  for (const s of settled) {
    assert.equal(s.v.normalized.status, 'pending');
    assert.ok(closedAt >= s.at);
  }
  assert.equal(c.inFlight, 0);
});

test('every envelope of an async call is freed through vipps_string_free', async () => {
  const { native } = require('../lib/native');
  const before = native().koffi.stats().disposed;
  const ok = await Promise.all(Array.from({ length: 25 }, () => client.listWebhooks()));
  const failed = await Promise.allSettled(Array.from({ length: 25 }, () => client.getPayment({ reference: 'no-such-payment' })));
  assert.equal(ok.length, 25);
  assert.ok(failed.every((r) => r.status === 'rejected' && r.reason instanceof vipps.NotFoundError));
  assert.equal(native().koffi.stats().disposed - before, 50);
});
