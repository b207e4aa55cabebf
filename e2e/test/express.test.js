'use strict';
// ePayment Express in a real browser (Debian's Chromium via playwright-core), against one
// vipps-sim and the Node shop: "Buy now with Vipps" → the simulator's Express landing page
// (consent, address) → the delivery options, which the simulator gets from the shop's dynamic
// shipping callback (verified and answered by the library) → Approve → the shop's return page
// shows the order authorized by a verified webhook, with the delivery and the customer the
// payment carries → admin capture of the total including shipping. A second purchase with a
// Bergen address is offered no Porterbuddy (the shop's callback decides per address).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSim, until } = require('../lib/sim');
const { SHOPS } = require('../lib/shops');
const { launchBrowser, screenshot } = require('../lib/browser');

const adapter = SHOPS.node;
const PORTERBUDDY = 9900;
let sim;
let browser;
let shop;

before(async () => {
  sim = await startSim();
  [browser, shop] = await Promise.all([launchBrowser(), adapter.start({ simUrl: sim.url })]);
});

after(async () => {
  if (browser) await browser.close();
  if (shop) await shop.stop();
  if (sim) await sim.stop();
});

async function buyNow(page) {
  await page.goto(`${shop.url}/`);
  await page.locator('.product', { hasText: adapter.productName }).getByRole('button', { name: 'Buy now with Vipps' }).click();
  await page.waitForURL(/\/sim\/landing\//);
  await page.locator('#consent').waitFor();
  return decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
}

async function shippingCalls(reference) {
  return (await sim.callbacks(reference)).filter((c) => c.kind === 'epayment_shipping');
}

test('express with a dynamic shipping callback, from the product page to capture', async () => {
  const page = await browser.context.newPage();
  const name = 'node-express';
  try {
    const reference = await buyNow(page);
    await screenshot(page, `${name}-address`);
    await page.locator('#address-0').check(); // Oslo, 0154
    await page.locator('#express-next').click();
    await page.locator('#option-porterbuddy-evening').waitFor();
    // The shop's callback was called with the address and answered 200 with its groups.
    const calls = await until('the shipping callback to be logged', async () => {
      const c = await shippingCalls(reference);
      return c.length ? c : false;
    });
    assert.equal(calls[0].status, 200, JSON.stringify(calls[0]));
    await page.locator('#option-porterbuddy-evening').check();
    await screenshot(page, `${name}-delivery`);
    await page.locator('#approve').click();
    await page.waitForURL(/\/return\?order=/);
    await page.locator('#status', { hasText: /^\s*authorized\b/ }).waitFor();
    const id = new URL(page.url()).searchParams.get('order');
    const order = await until('a verified delivery to authorize the order', async () => {
      const o = await adapter.order(shop, id);
      return o.callbackStatus === 'authorized' ? o : false;
    });
    assert.equal((await page.locator('#shipping').textContent()).trim(), 'Porterbuddy this evening');
    assert.match(await page.locator('#shipping-address').textContent(), /Robert Levins gate 5, 0154 Oslo/);
    assert.equal((await page.locator('#customer').textContent()).trim(), 'Ada Lovelace');
    await screenshot(page, `${name}-return`);

    const total = adapter.price + PORTERBUDDY;
    assert.equal((await sim.ledgerEntry(order.reference)).authorized, total);
    await page.goto(`${shop.url}/admin`);
    await adapter.captureButton(adapter.adminRow(page, order)).click();
    await page.waitForURL(/\/admin$/);
    await adapter.statusCell(adapter.adminRow(page, order)).filter({ hasText: /^\s*captured\s*$/ }).waitFor();
    assert.equal((await sim.ledgerEntry(order.reference)).captured, total, 'the total including shipping was captured');
    await screenshot(page, `${name}-admin`);
  } catch (e) {
    await screenshot(page, `${name}-FAILED`).catch(() => {});
    throw e;
  } finally {
    await page.close();
  }
});

test('express: the shop offers per address (no Porterbuddy to Bergen)', async () => {
  const page = await browser.context.newPage();
  try {
    const reference = await buyNow(page);
    await page.locator('#address-1').check(); // Bergen, 5013
    await page.locator('#express-next').click();
    await page.locator('#option-postnord-pickup').waitFor();
    assert.equal(await page.locator('#option-porterbuddy-evening').count(), 0);
    assert.equal((await shippingCalls(reference)).length, 1);
    await page.locator('#reject').click();
    await page.waitForURL(/\/return\?order=/);
    await page.locator('#status', { hasText: /^\s*aborted\b/ }).waitFor();
  } catch (e) {
    await screenshot(page, 'node-express-bergen-FAILED').catch(() => {});
    throw e;
  } finally {
    await page.close();
  }
});
