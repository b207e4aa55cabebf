'use strict';
// The PUSH_MESSAGE flow in a real browser (Debian's Chromium via playwright-core), against
// vipps-sim: the merchant creates a payment for the customer's phone number through the Node
// binding; the customer opens the app (the simulator's `/sim/app/{phone}` page), sees the
// payment waiting with its amount, approves it there; the binding then reads it AUTHORIZED and
// the app lists it among the approved payments. A second payment is rejected the same way and
// ends aborted. Screenshots: target/e2e-screenshots/push-*.png.

const path = require('node:path');
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSim, until, LIB } = require('../lib/sim');
const { launchBrowser, screenshot } = require('../lib/browser');

process.env.VIPPS_LIB = process.env.VIPPS_LIB || LIB;
const vipps = require(path.join(__dirname, '..', '..', 'bindings', 'node'));

const PHONE = '4798765432';

let sim;
let browser;
let client;

before(async () => {
  sim = await startSim();
  browser = await launchBrowser();
  client = new vipps.Client({
    base_url: sim.url,
    system_name: 'e2e-push',
    system_version: '1.0.0',
    plugin_name: 'e2e-push-test',
    plugin_version: '1.0.0',
  });
});

after(async () => {
  if (client) client.close?.();
  if (browser) await browser.close();
  if (sim) await sim.stop();
});

function pushRequest(reference, value) {
  return {
    reference,
    amount: { value, currency: 'NOK' },
    paymentMethod: { type: 'WALLET' },
    userFlow: 'PUSH_MESSAGE',
    customer: { phoneNumber: PHONE },
    paymentDescription: 'Pay at the counter',
  };
}

test('push: approve in the app page authorizes; reject aborts', async () => {
  const approveRef = `push-e2e-${process.pid}-a`;
  const rejectRef = `push-e2e-${process.pid}-r`;
  const created = await client.createPayment(pushRequest(approveRef, 34900));
  assert.equal(created.redirectUrl, undefined, 'PUSH_MESSAGE has no redirect');
  await client.createPayment(pushRequest(rejectRef, 1000));

  const page = await browser.context.newPage();
  try {
    await page.goto(`${sim.url}/sim/app/${PHONE}`);
    const waiting = page.locator(`li.pending-payment[data-reference="${approveRef}"]`);
    await waiting.waitFor();
    assert.equal(await waiting.getAttribute('data-amount'), '34900');
    assert.equal(await waiting.getAttribute('data-flow'), 'PUSH_MESSAGE');
    assert.match(await waiting.locator('.amount').innerText(), /349/);
    await screenshot(page, 'push-waiting');

    await waiting.locator('button.approve').click();
    await page.locator(`li.payment[data-reference="${approveRef}"]`).waitFor();
    const answer = await until('authorized', async () => {
      const p = await client.getPayment({ reference: approveRef });
      return p.normalized.status === 'authorized' ? p : null;
    });
    assert.equal(answer.state, 'AUTHORIZED');
    assert.equal(answer.normalized.authorized, 34900);
    assert.equal(
      await page.locator(`li.pending-payment[data-reference="${approveRef}"]`).count(),
      0,
      'an approved payment no longer waits',
    );

    await page.locator(`li.pending-payment[data-reference="${rejectRef}"] button.reject`).click();
    await page.locator('#no-pending').waitFor();
    await screenshot(page, 'push-done');
    const rejected = await client.getPayment({ reference: rejectRef });
    assert.equal(rejected.normalized.status, 'aborted');
    assert.equal(rejected.normalized.authorized, 0);
  } catch (e) {
    await screenshot(page, 'push-FAILED').catch(() => {});
    throw e;
  } finally {
    await page.close();
  }
});
