'use strict';
// ensureWebhook through the binding: register once, store, pass back, unchanged.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startSim } = require('./support/sim');
const vipps = require('..');

const EVENTS = ['epayments.payment.authorized.v1', 'epayments.payment.captured.v1'];

test('register once, then unchanged, then replaced', async () => {
  const sim = await startSim();
  const client = new vipps.Client(sim.config());
  try {
    const url = 'https://shop.example/node-ensure';
    const first = await client.ensureWebhook({ url, events: EVENTS });
    assert.equal(first.changed, true);
    assert.ok(first.secret.length >= 32);
    const stored = { id: first.id, secret: first.secret, url: first.url, events: first.events };
    const again = await client.ensureWebhook({ url, events: EVENTS, current: stored });
    assert.equal(again.changed, false);
    assert.equal(again.secret, first.secret);
    const moved = await client.ensureWebhook({ url: `${url}-2`, events: EVENTS, current: stored });
    assert.deepEqual(moved.removed, [first.id]);
    const urls = (await client.listWebhooks()).webhooks.map((h) => h.url);
    assert.deepEqual(urls, [`${url}-2`]);
  } finally {
    await client.close();
    await sim.stop();
  }
});
