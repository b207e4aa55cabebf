'use strict';
// The Medusa provider end to end (scripts/test-medusa.sh prepares the app, PostgreSQL, the
// migrations and the shop's data; MEDUSA_APP names the app, SEED_OUT its data). Here: the
// simulator from its npm package, the webhook registered by the provider's own command, Medusa's
// server, a minimal storefront page, and Debian's Chromium.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFile } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');

const APP = process.env.MEDUSA_APP;
const ROOT = path.resolve(__dirname, '../../..');
const fromApp = (name) => require(require.resolve(name, { paths: [APP] }));
const vipps = fromApp('unofficial-vipps');
const simulator = fromApp('unofficial-vipps-sim');
const { launchBrowser, screenshot } = require(path.join(ROOT, 'e2e/lib/browser.js'));
const seed = JSON.parse(fs.readFileSync(process.env.SEED_OUT, 'utf8'));
const LOGS = path.join(ROOT, 'target', 'medusa');
const PROVIDER = 'pp_vipps_vipps';

let sim;
let client; // the binding against the simulator: the customer's side (forceApprove)
let medusa;
let medusaUrl;
let storefront;
let storeUrl;
let adminToken;
let work;

// ---------------------------------------------------------------------------------------------
// Helpers

async function waitFor(what, probe, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function call(base, method, urlPath, body, headers = {}) {
  const response = await fetch(base + urlPath, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { text };
  }
  return { status: response.status, json };
}

async function store(method, urlPath, body) {
  const answer = await call(medusaUrl, method, urlPath, body, { 'x-publishable-api-key': seed.publishable_key });
  assert.ok(answer.status < 300, `${method} ${urlPath}: ${answer.status} ${JSON.stringify(answer.json)}`);
  return answer.json;
}

async function admin(method, urlPath, body, expected = 200) {
  const answer = await call(medusaUrl, method, urlPath, body, { authorization: `Bearer ${adminToken}` });
  assert.equal(answer.status, expected, `${method} ${urlPath}: ${answer.status} ${JSON.stringify(answer.json)}`);
  return answer.json;
}

async function simCall(method, urlPath, body) {
  const answer = await call(sim.url, method, urlPath, body);
  assert.ok(answer.status < 300, `${method} ${urlPath}: ${answer.status}`);
  return answer.json;
}

async function ledger(reference) {
  return (await simCall('GET', '/_sim/ledger')).payments.find((p) => p.reference === reference);
}

async function webhooksFor(reference) {
  return (await simCall('GET', '/_sim/callbacks')).filter((c) => c.kind === 'webhook' && JSON.parse(c.body).reference === reference);
}

async function webhookAnswered(reference, name) {
  return waitFor(`the ${name} webhook of ${reference} answered`, async () =>
    (await webhooksFor(reference)).find((c) => JSON.parse(c.body).name === name && c.status === 200));
}

const ORDER_FIELDS = 'id,email,payment_status,total,*payment_collections,*payment_collections.payments,' +
  '*payment_collections.payments.captures,*payment_collections.payments.refunds';

async function orderByEmail(email) {
  const { orders } = await admin('GET', `/admin/orders?fields=${ORDER_FIELDS}&limit=100`);
  return orders.find((o) => o.email === email) || null;
}

let carts = 0;
/** A cart with the product, a payment collection, and a Vipps MobilePay payment session. */
async function cartWithSession() {
  carts += 1;
  const email = `kari+${carts}-${Date.now()}@example.no`;
  const { cart } = await store('POST', '/store/carts', {
    region_id: seed.region_id,
    email,
    items: [{ variant_id: seed.variant_id, quantity: 1 }],
  });
  const { payment_collection: collection } = await store('POST', '/store/payment-collections', { cart_id: cart.id });
  const { payment_collection: withSession } = await store('POST', `/store/payment-collections/${collection.id}/payment-sessions`, {
    provider_id: PROVIDER,
    data: { return_url: `${storeUrl}/return?cart=${cart.id}` },
  });
  const session = withSession.payment_sessions.find((s) => s.provider_id === PROVIDER);
  return { cart, email, session, reference: session.data.reference };
}

// The storefront: two pages, as a shop's own would do them with Medusa's store API.
//   /checkout?cart=<id>  "Pay with Vipps MobilePay": payment collection, session, redirect
//   /return?cart=<id>    completes the cart, shows the order
function storefrontPage(url) {
  const common = `const api = ${JSON.stringify(medusaUrl)}; const key = ${JSON.stringify(seed.publishable_key)};
    const cart = new URLSearchParams(location.search).get('cart');
    async function post(path, body) {
      const r = await fetch(api + path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-publishable-api-key': key }, body: JSON.stringify(body || {}) });
      const json = await r.json();
      if (!r.ok) throw new Error(path + ': ' + r.status + ' ' + JSON.stringify(json));
      return json;
    }`;
  if (url.pathname === '/checkout') {
    return `<!doctype html><title>Checkout</title><h1>Checkout</h1>
      <button id="pay">Pay with Vipps MobilePay</button><p id="error"></p>
      <script>${common}
      document.getElementById('pay').onclick = async () => {
        try {
          const { payment_collection: pc } = await post('/store/payment-collections', { cart_id: cart });
          const { payment_collection: withSession } = await post('/store/payment-collections/' + pc.id + '/payment-sessions',
            { provider_id: ${JSON.stringify(PROVIDER)}, data: { return_url: location.origin + '/return?cart=' + cart } });
          const session = withSession.payment_sessions.find((s) => s.provider_id === ${JSON.stringify(PROVIDER)});
          location.href = session.data.redirect_url;
        } catch (e) { document.getElementById('error').textContent = String(e); }
      };</script>`;
  }
  if (url.pathname === '/return') {
    return `<!doctype html><title>Thank you</title><h1>Order</h1><p>Order <span id="order"></span></p><p id="error"></p>
      <script>${common}
      post('/store/carts/' + cart + '/complete').then((answer) => {
        if (answer.type !== 'order') throw new Error('not completed: ' + JSON.stringify(answer.error || answer));
        document.getElementById('order').textContent = answer.order.id;
      }).catch((e) => { document.getElementById('error').textContent = String(e); });</script>`;
  }
  return null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = http.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function readEnvFile(file) {
  const values = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (match) values[match[1]] = match[2];
  }
  return values;
}

/** Posts to Medusa's webhook route as Vipps would: raw body, given headers (Host included). */
function postWebhook(headers, body) {
  const target = new URL(`${medusaUrl}/hooks/payment/vipps_vipps`);
  return new Promise((resolve, reject) => {
    const request = http.request(target, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function runReconcile() {
  const { stdout } = await promisify(execFile)('npx', ['--no-install', 'medusa', 'exec', './src/scripts/vipps-reconcile.js'], {
    cwd: APP,
    env: medusaEnv,
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = stdout.split('\n').find((l) => l.startsWith('VIPPS_RECONCILE '));
  assert.ok(line, `no result line from the reconcile script:\n${stdout.slice(-2000)}`);
  return JSON.parse(line.slice('VIPPS_RECONCILE '.length));
}

let medusaEnv;

// ---------------------------------------------------------------------------------------------
// The shop

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'vipps-medusa-'));
  sim = await simulator.start();
  client = new vipps.Client({ base_url: sim.url, system_name: 'medusa-test', system_version: '1', plugin_name: 'medusa-test', plugin_version: '1' });

  storefront = http.createServer((req, res) => {
    const page = storefrontPage(new URL(req.url, storeUrl));
    res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page || 'not found');
  });
  await new Promise((resolve) => storefront.listen(0, '127.0.0.1', resolve));
  storeUrl = `http://127.0.0.1:${storefront.address().port}`;

  const port = await freePort();
  medusaUrl = `http://127.0.0.1:${port}`;
  const webhookUrl = `${medusaUrl}/hooks/payment/vipps_vipps`;
  // The provider's command registers the webhook and stores it in the env file, as in README.md.
  const envFile = path.join(work, '.env');
  const ensure = () => promisify(execFile)('npx', ['--no-install', 'unofficial-vipps-medusa-webhook', webhookUrl, '--dotenv', envFile], {
    cwd: APP,
    env: { ...process.env, VIPPS_BASE_URL: sim.url },
  });
  assert.match((await ensure()).stdout, /registered, stored in/);
  assert.match((await ensure()).stdout, /already in place/);
  const stored = readEnvFile(envFile);
  assert.equal(stored.VIPPS_WEBHOOK_URL, webhookUrl);

  medusaEnv = {
    ...process.env,
    PORT: String(port),
    VIPPS_BASE_URL: sim.url,
    VIPPS_RETURN_URL: `${storeUrl}/return`,
    VIPPS_WEBHOOK_URL: webhookUrl,
    VIPPS_WEBHOOK_SECRET: stored.VIPPS_WEBHOOK_SECRET,
    MEDUSA_WEBHOOK_DELAY_MS: '100',
    STORE_CORS: storeUrl,
  };
  const log = fs.openSync(path.join(LOGS, 'server.log'), 'w');
  medusa = spawn(path.join(APP, 'node_modules', '.bin', 'medusa'), ['start'], { cwd: APP, env: medusaEnv, stdio: ['ignore', log, log], detached: true });
  const exited = new Promise((resolve) => medusa.once('exit', (code) => resolve(code)));
  // scripts/test-medusa.sh stops this process group on its way out should this process die first.
  fs.writeFileSync(path.join(LOGS, 'server.pid'), String(medusa.pid));
  await waitFor('Medusa to answer /health', async () => {
    if (medusa.exitCode !== null) throw new Error(`Medusa exited (${await exited}): see target/medusa/server.log`);
    try {
      return (await fetch(`${medusaUrl}/health`)).ok;
    } catch {
      return false;
    }
  }, 120000);
  const auth = await call(medusaUrl, 'POST', '/auth/user/emailpass', { email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD });
  assert.equal(auth.status, 200, JSON.stringify(auth.json));
  adminToken = auth.json.token;
});

after(async () => {
  if (medusa) {
    const gone = medusa.exitCode === null ? new Promise((resolve) => medusa.once('exit', resolve)) : null;
    try {
      process.kill(-medusa.pid, 'SIGTERM'); // the whole group: Medusa may have children of its own
    } catch (error) {
      if (error.code !== 'ESRCH') throw error;
    }
    await gone;
  }
  fs.rmSync(path.join(LOGS, 'server.pid'), { force: true });
  if (storefront) await new Promise((resolve) => storefront.close(resolve));
  if (client) await client.close();
  if (sim) await sim.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// The tests

test('a customer buys in Chromium; the admin captures and refunds part', async () => {
  const email = `kari-browser-${Date.now()}@example.no`;
  const { cart } = await store('POST', '/store/carts', {
    region_id: seed.region_id,
    email,
    items: [{ variant_id: seed.variant_id, quantity: 1 }],
  });
  const browser = await launchBrowser();
  const page = browser.context.pages()[0] || (await browser.context.newPage());
  let orderId;
  try {
    await page.goto(`${storeUrl}/checkout?cart=${cart.id}`);
    await screenshot(page, 'medusa-checkout');
    await page.click('#pay');
    await page.waitForURL((url) => url.href.startsWith(`${sim.url}/sim/landing/`));
    await screenshot(page, 'medusa-landing');
    await page.click('#approve');
    await page.waitForURL((url) => url.href.startsWith(`${storeUrl}/return`));
    await page.waitForFunction(() => document.getElementById('order').textContent || document.getElementById('error').textContent);
    await screenshot(page, 'medusa-thank-you');
    assert.equal(await page.locator('#error').innerText(), '');
    orderId = await page.locator('#order').innerText();
  } catch (error) {
    await screenshot(page, 'medusa-FAILED').catch(() => {});
    throw error;
  } finally {
    await browser.close();
  }

  let order = await orderByEmail(email);
  assert.equal(order.id, orderId);
  assert.equal(order.payment_status, 'authorized');
  const [payment] = order.payment_collections[0].payments;
  const reference = payment.data.reference;
  assert.equal(payment.provider_id, PROVIDER);
  assert.equal(payment.data.amount, 49900);
  const row = await ledger(reference);
  assert.deepEqual([row.state, row.amount, row.authorized], ['AUTHORIZED', 49900, 49900]);
  // The create named Medusa and this provider in the Vipps-System-* headers.
  const installed = (name) => JSON.parse(fs.readFileSync(path.join(APP, 'node_modules', name, 'package.json'), 'utf8')).version;
  const created = (await simCall('GET', '/_sim/requests?path_prefix=/epayment/v1/payments'))
    .find((r) => r.method === 'POST' && r.path === '/epayment/v1/payments' && JSON.parse(r.body).reference === reference);
  assert.deepEqual(
    ['vipps-system-name', 'vipps-system-version', 'vipps-system-plugin-name', 'vipps-system-plugin-version'].map((h) => created.headers[h]),
    ['medusa', installed('@medusajs/medusa'), 'unofficial-vipps-medusa', installed('unofficial-vipps-medusa')],
  );
  // The AUTHORIZED webhook passed the guard (200) and Medusa's handler found the order in place.
  await webhookAnswered(reference, 'AUTHORIZED');
  order = await orderByEmail(email);
  assert.equal(order.payment_status, 'authorized');
  assert.equal(order.payment_collections[0].payments.length, 1);

  // Capture in Medusa's admin: the whole amount at Vipps MobilePay.
  await admin('POST', `/admin/payments/${payment.id}/capture`, {});
  assert.equal((await ledger(reference)).captured, 49900);
  await webhookAnswered(reference, 'CAPTURED');
  order = await orderByEmail(email);
  assert.equal(order.payment_status, 'captured');
  assert.equal(order.payment_collections[0].payments[0].captures.length, 1);

  // A partial refund in Medusa's admin (100.50 NOK).
  await admin('POST', `/admin/payments/${payment.id}/refund`, { amount: 100.5 });
  assert.equal((await ledger(reference)).refunded, 10050);
  await webhookAnswered(reference, 'REFUNDED');
  order = await orderByEmail(email);
  assert.equal(order.payment_status, 'partially_refunded');
  // More than what is left is refused by Medusa and changes nothing at Vipps MobilePay.
  await admin('POST', `/admin/payments/${payment.id}/refund`, { amount: 400 }, 400);
  assert.equal((await ledger(reference)).refunded, 10050);
});

test('the webhook alone turns an approved payment into an order (the customer never comes back)', async () => {
  const { email, reference, session } = await cartWithSession();
  assert.equal(session.status, 'pending');
  assert.equal((await ledger(reference)).state, 'CREATED');
  await client.forceApprove({ reference, customer: { phoneNumber: '4791234567' } });
  await webhookAnswered(reference, 'AUTHORIZED');
  const order = await waitFor('the order made by the webhook', async () => {
    const found = await orderByEmail(email);
    return found && found.payment_status === 'authorized' ? found : null;
  });
  assert.equal(order.payment_collections[0].payments[0].data.reference, reference);
});

test('a forged webhook is refused with 401 and changes nothing', async () => {
  // A real, signed delivery to copy from: an earlier payment's AUTHORIZED webhook.
  const { reference: paid } = await cartWithSession();
  await client.forceApprove({ reference: paid, customer: { phoneNumber: '4791234567' } });
  const real = await webhookAnswered(paid, 'AUTHORIZED');

  // The target: a session whose customer has not approved.
  const { cart, email, reference } = await cartWithSession();
  const forgedBody = real.body.split(paid).join(reference);
  assert.notEqual(forgedBody, real.body);
  const headers = Object.fromEntries(Object.entries(real.headers).filter(([k]) => !/^(content-length|transfer-encoding|connection)$/i.test(k)));
  assert.equal(await postWebhook(headers, forgedBody), 401, 'a signed body with another reference');
  const unsigned = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^(authorization|x-ms-content-sha256)$/i.test(k)));
  assert.equal(await postWebhook(unsigned, forgedBody), 401, 'no signature at all');
  assert.equal(await postWebhook({ 'content-type': 'application/json' }, JSON.stringify({ reference, name: 'AUTHORIZED' })), 401, 'a bare body');

  // The genuine delivery, sent again, still passes: the guard refuses forgeries, not webhooks.
  assert.equal(await postWebhook(headers, real.body), 200);

  // Nothing changed: the session is pending, no order, the payment is still CREATED. Then the
  // customer approves for real and the same pipeline acts, so "nothing" was not for lack of time.
  assert.equal(await orderByEmail(email), null);
  assert.equal((await store('GET', `/store/carts/${cart.id}`)).cart.completed_at, null);
  assert.equal((await ledger(reference)).state, 'CREATED');
  await client.forceApprove({ reference, customer: { phoneNumber: '4791234567' } });
  await waitFor('the order made by the genuine webhook', async () => (await orderByEmail(email)) !== null);
});

test('a lost webhook is recovered by the reconcile job', async () => {
  await simCall('POST', '/_sim/callback-faults', { target: 'webhook', action: 'drop', count: 1000 });
  try {
    const { email, reference } = await cartWithSession();
    await client.forceApprove({ reference, customer: { phoneNumber: '4791234567' } });
    await waitFor('the dropped AUTHORIZED webhook', async () =>
      (await webhooksFor(reference)).find((c) => JSON.parse(c.body).name === 'AUTHORIZED' && c.attempt === 0));
    assert.equal(await orderByEmail(email), null);

    const results = await runReconcile();
    const line = results.find((r) => r.reference === reference);
    assert.deepEqual([line.action, line.error], ['authorized', undefined]);
    const order = await orderByEmail(email);
    assert.ok(order, 'the reconcile job made the order');
    assert.equal(order.payment_status, 'authorized');
    assert.equal((await ledger(reference)).state, 'AUTHORIZED');

    // Run again: that session is no longer pending, so nothing is done twice.
    assert.equal((await runReconcile()).find((r) => r.reference === reference), undefined);
    assert.equal((await orderByEmail(email)).payment_collections[0].payments.length, 1);
  } finally {
    await simCall('DELETE', '/_sim/callback-faults');
  }
});

test('a refund whose answer is lost is made once when the admin tries again', async () => {
  const { email, reference } = await cartWithSession();
  await client.forceApprove({ reference, customer: { phoneNumber: '4791234567' } });
  const order = await waitFor('the order', async () => {
    const found = await orderByEmail(email);
    return found && found.payment_status === 'authorized' ? found : null;
  });
  const paymentId = order.payment_collections[0].payments[0].id;
  await admin('POST', `/admin/payments/${paymentId}/capture`, {});

  // Vipps MobilePay makes the refund, but no answer ever reaches the shop (every retry of the
  // binding too): the outcome is unknown, Medusa answers an error and records no refund.
  await simCall('POST', '/_sim/faults', { method: 'POST', path: '/epayment/v1/payments/*/refund', action: 'process_then_drop', count: 20 });
  try {
    const failed = await call(medusaUrl, 'POST', `/admin/payments/${paymentId}/refund`, { amount: 100.5 }, { authorization: `Bearer ${adminToken}` });
    assert.ok(failed.status >= 400, `the refund with no answer: ${failed.status}`);
  } finally {
    await simCall('DELETE', '/_sim/faults');
  }
  assert.equal((await ledger(reference)).refunded, 10050);
  assert.equal((await orderByEmail(email)).payment_collections[0].payments[0].refunds.length, 0);

  // The admin tries again: the same idempotency key, so the same refund, not a second one.
  await admin('POST', `/admin/payments/${paymentId}/refund`, { amount: 100.5 });
  assert.equal((await ledger(reference)).refunded, 10050);
  const after = await orderByEmail(email);
  assert.equal(after.payment_collections[0].payments[0].refunds.length, 1);
  assert.equal(after.payment_status, 'partially_refunded');
});

test('a changed cart releases the old payment; the new session pays the new total', async () => {
  const { cart, reference } = await cartWithSession();
  assert.equal((await ledger(reference)).amount, 49900);
  await store('POST', `/store/carts/${cart.id}/line-items`, { variant_id: seed.variant_id, quantity: 1 });
  // Medusa drops the session whose amount no longer matches (deletePayment): the payment the
  // customer could still approve for 499 is cancelled.
  await waitFor('the old payment cancelled', async () => ['ABORTED', 'CANCELLED', 'TERMINATED'].includes((await ledger(reference)).state));
  const { payment_collection: pc } = await store('POST', '/store/payment-collections', { cart_id: cart.id });
  const { payment_collection: withSession } = await store('POST', `/store/payment-collections/${pc.id}/payment-sessions`, { provider_id: PROVIDER });
  const session = withSession.payment_sessions.find((s) => s.provider_id === PROVIDER);
  assert.notEqual(session.data.reference, reference);
  assert.equal((await ledger(session.data.reference)).amount, 99800);
});

test('a return page outside the configured returnUrl is not used', async () => {
  const { cart } = await store('POST', '/store/carts', { region_id: seed.region_id, email: `kari-return-${Date.now()}@example.no`, items: [{ variant_id: seed.variant_id, quantity: 1 }] });
  const { payment_collection: pc } = await store('POST', '/store/payment-collections', { cart_id: cart.id });
  const sent = async (returnUrl) => {
    const { payment_collection: withSession } = await store('POST', `/store/payment-collections/${pc.id}/payment-sessions`, { provider_id: PROVIDER, data: { return_url: returnUrl } });
    const { reference } = withSession.payment_sessions.find((s) => s.provider_id === PROVIDER).data;
    const created = (await simCall('GET', '/_sim/requests?path_prefix=/epayment/v1/payments'))
      .find((r) => r.method === 'POST' && r.path === '/epayment/v1/payments' && JSON.parse(r.body).reference === reference);
    return JSON.parse(created.body).returnUrl;
  };
  assert.equal(await sent(`${storeUrl}/return?cart=${cart.id}`), `${storeUrl}/return?cart=${cart.id}`);
  assert.equal(await sent(`${storeUrl}.evil.example/return`), `${storeUrl}/return`);
  assert.equal(await sent(`http://evil.example/return?cart=${cart.id}`), `${storeUrl}/return`);
});
