'use strict';
// The three example shops: how to start each one, how to drive its endpoints over HTTP (what
// its pages' forms and scripts do), and where its pages show things (for the browser tests).
//
// Every adapter's `order(shop, id)` answers the same shape:
//   { id, reference, status,            // what the shop shows (callbacks and/or API reads)
//     callbackStatus,                   // the status of the record folded from VERIFIED
//                                       // callbacks and webhooks only (null: none applied)
//     deliveries,                       // how many verified deliveries the shop applied
//     raw }                             // the shop's own JSON
// and `receiptProblem(raw)` what the shop recorded when posting the receipt failed (or null).

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const procs = require('./procs');
const { ROOT, LIB, until } = require('./sim');

const PRODUCT = 'socks';

/** A request that does not follow redirects; answers {status, location, json(), text}. */
async function request(method, url, { form, json: wantJson } = {}) {
  const headers = {};
  if (wantJson) headers.Accept = 'application/json';
  let body;
  if (form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const res = await fetch(url, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  return {
    status: res.status,
    location: res.headers.get('location'),
    text,
    json() {
      try {
        return JSON.parse(text);
      } catch {
        throw new Error(`${method} ${url}: ${res.status}, not JSON: ${text.slice(0, 300)}`);
      }
    },
  };
}

async function expectStatus(res, ok, what) {
  if (!ok.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 400)}`);
  return res;
}

async function waitForHttp(url, proc, ms = 20000) {
  await until(
    `${url} to answer`,
    async () => {
      if (proc.exited()) throw new Error(`exited:\n${proc.tail()}`);
      const res = await fetch(url, { redirect: 'manual' });
      await res.text();
      return res.status < 500;
    },
    ms,
    100,
  );
}

/** The customer's page of an order, which each shop links from the receipt (ORDER_CONFIRMATION). */
const orderPageUrl = (shop, order) => `${shop.url}/return?order=${encodeURIComponent(order.id)}`;

const kr = (minor) => `NOK ${(minor / 100).toFixed(2)}`;

const php = {
  key: 'php',
  title: 'PHP shop',
  binding: 'PHP binding (FFI), php -S',
  price: 24900,
  productName: 'Two pairs of wool socks',
  async start({ simUrl, publicUrl, port = 0, dataDir } = {}) {
    port = await procs.freePort(port);
    const dir = dataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'vipps-e2e-php-'));
    const env = {
      VIPPS_BASE_URL: simUrl,
      VIPPS_LIB: LIB,
      PHP_CLI_SERVER_WORKERS: '2',
      SHOP_DATA_DIR: dir,
    };
    if (publicUrl) env.SHOP_URL = publicUrl;
    const proc = procs.start('php shop', 'php', ['-d', 'ffi.enable=true', '-S', `127.0.0.1:${port}`, 'router.php'], {
      cwd: path.join(ROOT, 'examples', 'php-shop'),
      env,
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(url + '/', proc);
    return { url, proc, dataDir: dir, stop: () => proc.stop() };
  },
  async createOrder(shop, flow) {
    const res = await request('POST', `${shop.url}/order`, { form: { product: PRODUCT, flow }, json: true });
    await expectStatus(res, [200], 'POST /order');
    const placed = res.json();
    const order = await php.order(shop, String(placed.order));
    return { id: String(placed.order), reference: order.reference, redirect: placed.redirect };
  },
  async order(shop, id) {
    const res = await expectStatus(await request('GET', `${shop.url}/orders/${id}.json`), [200], `GET /orders/${id}.json`);
    const o = res.json();
    return {
      id,
      reference: o.reference,
      status: o.payment_status,
      callbackStatus: o.record ? o.record.status : null,
      deliveries: (o.events || []).filter((e) => e.verified).length,
      raw: o,
    };
  },
  async capture(shop, id) {
    // WooCommerce "order completed": captures what is left
    const res = await request('POST', `${shop.url}/admin/orders/${id}/complete`, { json: true });
    await expectStatus(res, [200], 'admin complete');
  },
  async refund(shop, id, amount) {
    const decimal = `${Math.floor(amount / 100)}.${String(amount % 100).padStart(2, '0')}`;
    const res = await request('POST', `${shop.url}/admin/orders/${id}/refund`, { form: { amount: decimal }, json: true });
    await expectStatus(res, [200], 'admin refund');
  },
  receiptProblem: (raw) => (raw.notes || []).find((n) => /Receipt not posted/.test(n)) || null,
  // pages
  buyButton: (page, flow) =>
    page
      .locator('tr', { hasText: 'wool socks' })
      .getByRole('button', { name: flow === 'checkout' ? 'Vipps Checkout' : 'Pay with Vipps MobilePay' }),
  adminRow: (page, order) => page.locator('tr', { hasText: order.reference }),
  captureButton: (row) => row.getByRole('button', { name: 'Complete (capture)' }),
  statusCell: (row) => row.locator('td').nth(6), // the "Payment" column
};

const python = {
  key: 'python',
  title: 'Python shop',
  binding: 'Python binding (ctypes), wsgiref',
  price: 19900,
  productName: 'Two pairs of wool socks',
  async start({ simUrl, publicUrl, port = 0 } = {}) {
    const env = { VIPPS_BASE_URL: simUrl, VIPPS_LIB: LIB, PORT: String(port), PYTHONUNBUFFERED: '1' };
    if (publicUrl) env.PUBLIC_URL = publicUrl;
    const proc = procs.start('python shop', process.env.PYTHON || 'python3', [path.join(ROOT, 'examples', 'python-shop', 'shop.py')], {
      env,
    });
    const m = await proc.waitFor(/Python shop on (http:\/\/127\.0\.0\.1:\d+)/, 20000);
    return { url: m[1], proc, stop: () => proc.stop() };
  },
  async createOrder(shop, flow) {
    const res = await request('POST', `${shop.url}/${flow === 'checkout' ? 'checkout' : 'pay'}`, { form: { product: PRODUCT } });
    await expectStatus(res, [303], `POST /${flow === 'checkout' ? 'checkout' : 'pay'}`);
    const id =
      flow === 'checkout'
        ? decodeURIComponent(res.location.replace(/^.*\/checkout\//, ''))
        : decodeURIComponent(res.location.replace(/^.*\/sim\/landing\//, ''));
    return { id, reference: id, redirect: res.location };
  },
  async order(shop, id) {
    const res = await expectStatus(await request('GET', `${shop.url}/orders/${encodeURIComponent(id)}`), [200], `GET /orders/${id}`);
    const o = res.json();
    return {
      id,
      reference: o.id,
      status: o.status,
      callbackStatus: o.record ? o.record.status : null,
      deliveries: (o.log || []).filter((l) => /: applied/.test(l)).length,
      raw: o,
    };
  },
  async capture(shop, id, amount) {
    const res = await request('POST', `${shop.url}/admin/capture`, { form: { order: id, amount: String(amount) } });
    await expectStatus(res, [303], 'admin capture');
  },
  async refund(shop, id, amount) {
    const res = await request('POST', `${shop.url}/admin/refund`, { form: { order: id, amount: String(amount) } });
    await expectStatus(res, [303], 'admin refund');
  },
  receiptProblem: (raw) => (raw.log || []).find((l) => /^receipt not posted/.test(l)) || null,
  buyButton: (page, flow) =>
    page
      .locator('tr', { hasText: 'wool socks' })
      .getByRole('button', { name: flow === 'checkout' ? 'Buy with Vipps Checkout' : 'Pay with Vipps (redirect)' }),
  adminRow: (page, order) => page.locator('tr', { hasText: order.id }),
  captureButton: (row) => row.getByRole('button', { name: 'Capture' }),
  statusCell: (row) => row.locator('td.status'),
};

const node = {
  key: 'node',
  title: 'Node shop',
  binding: 'Node binding (koffi), node:http',
  price: 19900,
  productName: 'Wool socks',
  async start({ simUrl, publicUrl, port = 0 } = {}) {
    const env = { VIPPS_BASE_URL: simUrl, VIPPS_LIB: LIB, PORT: String(port) };
    if (publicUrl) env.PUBLIC_URL = publicUrl;
    const proc = procs.start('node shop', process.execPath, [path.join(ROOT, 'examples', 'node-shop', 'server.js')], { env });
    const m = await proc.waitFor(/^(http:\/\/127\.0\.0\.1:\d+)$/, 20000);
    return { url: m[1], proc, stop: () => proc.stop() };
  },
  async createOrder(shop, flow) {
    const res = await request('POST', `${shop.url}/${flow === 'checkout' ? 'checkout' : 'pay'}`, { form: { product: PRODUCT } });
    await expectStatus(res, [303], `POST /${flow === 'checkout' ? 'checkout' : 'pay'}`);
    if (flow !== 'checkout') {
      const id = decodeURIComponent(res.location.replace(/^.*\/sim\/landing\//, ''));
      return { id, reference: id, redirect: res.location };
    }
    const id = decodeURIComponent(res.location.replace(/^.*\/checkout\//, ''));
    // what the checkout page's script does: ask the shop's backend for the session
    const session = await request('POST', `${shop.url}/api/orders/${encodeURIComponent(id)}/session`);
    await expectStatus(session, [200], 'POST /api/orders/{id}/session');
    return { id, reference: id, redirect: res.location, session: session.json() };
  },
  async order(shop, id) {
    const res = await expectStatus(await request('GET', `${shop.url}/api/orders/${encodeURIComponent(id)}`), [200], `GET /api/orders/${id}`);
    const o = res.json();
    return {
      id,
      reference: o.id,
      status: o.status,
      callbackStatus: o.record ? o.record.status : null,
      deliveries: (o.events || []).filter((e) => e.verified && e.applied).length,
      raw: o,
    };
  },
  async capture(shop, id, amount) {
    const res = await request('POST', `${shop.url}/admin/orders/${encodeURIComponent(id)}/capture`, {
      form: { amount: String(amount), idempotency_key: `e2e-capture-${id}` },
    });
    await expectStatus(res, [303], 'admin capture');
  },
  async refund(shop, id, amount) {
    const res = await request('POST', `${shop.url}/admin/orders/${encodeURIComponent(id)}/refund`, {
      form: { amount: String(amount), idempotency_key: `e2e-refund-${id}-${amount}` },
    });
    await expectStatus(res, [303], 'admin refund');
  },
  receiptProblem: (raw) => (raw.receipt && !raw.receipt.posted ? raw.receipt.error : null),
  buyButton: (page, flow) =>
    page
      .locator('.product', { hasText: 'Wool socks' })
      .getByRole('button', { name: flow === 'checkout' ? 'Buy with Vipps Checkout' : 'Pay with Vipps (redirect)' }),
  adminRow: (page, order) => page.locator('tr', { hasText: order.id }),
  captureButton: (row) => row.getByRole('button', { name: 'Capture' }),
  statusCell: (row) => row.locator('td.status'),
};

const SHOPS = { php, python, node };

module.exports = { SHOPS, request, kr, orderPageUrl, PRODUCT };
