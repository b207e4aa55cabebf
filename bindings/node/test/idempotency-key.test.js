'use strict';
// Derived idempotency keys: the same as every other binding's, within each API's limit.
const test = require('node:test');
const assert = require('node:assert/strict');
const vipps = require('..');

test('same inputs, same key, readable when it fits', () => {
  const key = vipps.idempotencyKey({ reference: 'acme-order-1001', operation: 'capture', attempt: 2 });
  assert.equal(key, 'capture-2-acme-order-1001');
  assert.equal(vipps.idempotencyKey({ reference: 'acme-order-1001', operation: 'capture', attempt: 2 }), key);
});

test('long references fit each header', () => {
  const reference = 'acme-'.repeat(12) + '1001';
  assert.equal(vipps.idempotencyKey({ reference, operation: 'refund' }).length, 50);
  assert.equal(vipps.idempotencyKey({ reference, operation: 'refund', api: 'ecom' }).length, 40);
});

test('bad input is an InvalidInputError', () => {
  assert.throws(() => vipps.idempotencyKey({ reference: 'acme-order-1001', operation: 'steal' }), vipps.InvalidInputError);
});
