'use strict';
// The provider's pure translations (lib/mapping.js), without Medusa running: scripts/test-medusa.sh
// runs this with MEDUSA_APP, whose node_modules has Medusa and the binding.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const APP = process.env.MEDUSA_APP;
const m = require(path.join(APP, 'node_modules', 'unofficial-vipps-medusa', 'lib', 'mapping.js'));

test('a return page is allowed only under the configured one (parsed, not a text prefix)', () => {
  assert.equal(m.isUnder('https://shop.example/return?cart=1', 'https://shop.example/return'), true);
  assert.equal(m.isUnder('https://shop.example/return/vipps', 'https://shop.example/return'), true);
  // A text prefix would let these through.
  assert.equal(m.isUnder('https://shop.example.evil.com/return', 'https://shop.example'), false);
  assert.equal(m.isUnder('https://shop.example@evil.com/', 'https://shop.example'), false);
  assert.equal(m.isUnder('http://shop.example/return', 'https://shop.example/return'), false);
  assert.equal(m.isUnder('https://shop.example/other', 'https://shop.example/return'), false);
  assert.equal(m.isUnder('not a url', 'https://shop.example'), false);
});

test('references lead back to their payment session', () => {
  const session = 'payses_01KB2Z4Q7ZC8X9Y0ABCDEFGHJK';
  const first = m.referenceFor('shop-', session);
  assert.equal(first, 'shop-payses-01KB2Z4Q7ZC8X9Y0ABCDEFGHJK');
  assert.ok(/^[A-Za-z0-9-]{8,64}$/.test(first));
  assert.equal(m.sessionIdOf('shop-', first), session);
  assert.equal(m.sessionIdOf('shop-', m.referenceFor('shop-', session, 3)), session);
  assert.equal(m.sessionIdOf('shop-', 'other-payses-01KB2Z4Q7ZC8X9Y0ABCDEFGHJK'), null);
  assert.equal(m.sessionIdOf('shop-', 'shop-order-1001'), null);
  assert.throws(() => m.referenceFor('shop-', 'cart_01'), /payment session id/);
});

test('amounts become minor units through their decimal text', () => {
  assert.equal(m.toMinor(499, 'NOK'), 49900);
  assert.equal(m.toMinor('100.5', 'NOK'), 10050);
  assert.equal(m.toMinor(0.29, 'EUR'), 29); // 0.29 * 100 is 28.999999999999996 as a float
  assert.throws(() => m.toMinor('1.005', 'NOK'));
  assert.equal(m.toMajor(10050, 'NOK'), '100.50');
  assert.throws(() => m.currencyOf('usd'), /NOK, DKK or EUR/);
  assert.equal(m.currencyOf('dkk'), 'DKK');
});

test('statuses and webhook events map to Medusa', () => {
  assert.equal(m.sessionStatusOf('authorized'), 'authorized');
  assert.equal(m.sessionStatusOf('partially_refunded'), 'captured');
  assert.equal(m.sessionStatusOf('aborted'), 'canceled');
  assert.equal(m.sessionStatusOf('pending'), 'pending');
  const session = 'payses_01KB2Z4Q7ZC8X9Y0ABCDEFGHJK';
  const authorized = m.actionOf({ status: 'authorized', amount: 49900, amounts: { basis: 'operation', authorized: 49900 } }, session, 'NOK');
  assert.deepEqual(authorized, { action: 'authorized', data: { session_id: session, amount: '499.00' } });
  const captured = m.actionOf({ status: 'partially_captured', amount: 10000, amounts: { basis: 'operation', captured: 10000 } }, session, 'NOK');
  assert.deepEqual(captured.data, { session_id: session, amount: '100.00' });
  assert.equal(captured.action, 'captured');
  assert.equal(m.actionOf({ status: 'refunded', amount: 100 }, session, 'NOK').action, 'not_supported');
  assert.equal(m.actionOf({ status: 'authorized', amount: 100 }, null, 'NOK').action, 'not_supported');
});

test('Medusa\'s idempotency key is used when the API takes it, else one is derived', () => {
  assert.equal(m.keyFor({ idempotency_key: 'payses_01KB2Z4Q7ZC8X9Y0ABCDEFGHJK' }, 'shop-x-1', 'create'), 'payses_01KB2Z4Q7ZC8X9Y0ABCDEFGHJK');
  const derived = m.keyFor({ idempotency_key: 'x'.repeat(51) }, 'shop-payses-01', 'cancel');
  assert.equal(derived, m.keyFor({}, 'shop-payses-01', 'cancel'));
  assert.ok(derived.length <= 50);
});
