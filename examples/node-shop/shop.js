'use strict';
// A small shop on Node's http module that takes payments through the `vipps` binding:
// products, Vipps Checkout in an iframe (the frontend SDK), an ePayment redirect flow,
// ePayment Express ("Buy now with Vipps": address and delivery chosen in the app, the
// delivery options from the shop's dynamic shipping callback),
// callbacks and webhooks verified with handleCallback and folded with applyEvent, a return
// page that polls, and an admin page to capture, refund and cancel.

const http = require('node:http');
const crypto = require('node:crypto');

let vipps;
try {
  vipps = require('unofficial-vipps'); // when installed as a package
} catch (e) {
  if (e.code !== 'MODULE_NOT_FOUND') throw e;
  vipps = require('../../bindings/node'); // inside the repository
}

const PRODUCTS = [
  { id: 'socks', name: 'Wool socks', description: 'Two pairs, warm and soft.', price: 19900 },
  { id: 'hat', name: 'Knitted hat', description: 'Red, with a bobble.', price: 34900 },
  { id: 'coat', name: 'Winter coat', description: 'For the coldest days.', price: 149900 },
];

const SHIPPING_OPTIONS = [
  { id: 'pickup', brand: 'POSTEN', type: 'PICKUP_POINT', amount: { value: 4900, currency: 'NOK' }, priority: 0, isDefault: true },
  { id: 'home', brand: 'POSTEN', type: 'HOME_DELIVERY', amount: { value: 9900, currency: 'NOK' }, priority: 1, isDefault: false },
];

// ePayment Express: the shipping groups the dynamic shipping callback answers for an address.
// Porterbuddy delivers in Oslo only (postcodes 0xxx); the shop ships within Norway only.
function expressGroups(address) {
  const groups = [
    {
      brand: 'POSTNORD', type: 'PICKUP_POINT', isDefault: true, priority: 0,
      options: [{ id: 'postnord-pickup', name: 'PostNord pickup point', amount: { value: 4900, currency: 'NOK' },
        estimatedDelivery: '2-4 days', isDefault: true, priority: 0 }],
    },
  ];
  if (/^0\d{3}$/.test(address.postCode || '')) {
    groups.push({
      brand: 'PORTERBUDDY', type: 'HOME_DELIVERY', isDefault: false, priority: 1,
      options: [{ id: 'porterbuddy-evening', name: 'Porterbuddy this evening', amount: { value: 9900, currency: 'NOK' },
        estimatedDelivery: 'today 17-21', isDefault: false, priority: 0 }],
    });
  }
  return groups;
}

// The rank of each normalized status (README, "the rank rule"): a status only moves forward.
const RANK = {
  pending: 0,
  authorized: 10,
  partially_captured: 20,
  captured: 30,
  partially_refunded: 40,
  refunded: 50,
  cancelled: 60,
  aborted: 60,
  expired: 60,
  failed: 60,
};

const EPAYMENT_EVENTS = [
  'epayments.payment.created.v1',
  'epayments.payment.aborted.v1',
  'epayments.payment.expired.v1',
  'epayments.payment.cancelled.v1',
  'epayments.payment.captured.v1',
  'epayments.payment.refunded.v1',
  'epayments.payment.authorized.v1',
  'epayments.payment.terminated.v1',
];

const esc = (s) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const kr = (minor) => `NOK ${(Number(minor || 0) / 100).toFixed(2)}`;

function page(title, body, head = '') {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)} · Node shop</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
 nav a{margin-right:1rem} .product{border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1rem 0}
 button{background:#ff5b24;color:#fff;border:0;border-radius:6px;padding:.5rem 1rem;cursor:pointer;margin:.2rem}
 button.secondary{background:#555} table{border-collapse:collapse;width:100%} td,th{border-bottom:1px solid #eee;padding:.4rem;text-align:left;vertical-align:top}
 .status{font-weight:bold} #vipps-checkout-frame-container{min-height:30rem;border:1px dashed #ccc;margin-top:1rem}
 .error{color:#b00020} code{font-size:.85em}
</style>${head}</head>
<body><nav><a href="/">Products</a><a href="/admin">Admin</a></nav><h1>${esc(title)}</h1>
${body}
</body></html>`;
}

function send(res, status, body, type = 'text/html; charset=utf-8', headers = {}) {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}
const sendJson = (res, status, value) => send(res, status, JSON.stringify(value, null, 2), 'application/json');
const redirect = (res, location) => {
  res.writeHead(303, { Location: location, 'Content-Length': 0 });
  res.end();
};

async function readForm(req) {
  const body = await vipps.readBody(req, 64 * 1024);
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
}

/**
 * Creates the shop. Options: baseUrl (the Vipps API or vipps-sim), port (0 for any),
 * host, publicUrl (how Vipps reaches the shop; default http://host:port), callbackSecret,
 * sdkUrl (the Checkout frontend SDK script), registerWebhooks (default true), clientConfig.
 * Resolves once listening, with {url, server, orders, close()}.
 */
async function createShop(options = {}) {
  const baseUrl = options.baseUrl || 'http://127.0.0.1:7878';
  const host = options.host || '127.0.0.1';
  const sdkUrl = options.sdkUrl || `${baseUrl}/sim/vippsCheckoutSDK.js`;
  const callbackSecret = options.callbackSecret || 'node-shop-callback-secret-change-me';
  const config = {
    base_url: baseUrl,
    system_name: 'node-shop',
    system_version: '1.0.0',
    plugin_name: 'vipps-node-shop',
    plugin_version: '0.1.0',
    callback_secret: callbackSecret,
    ...(options.clientConfig || {}),
  };

  const orders = new Map(); // order id (= payment reference) -> order
  const unmatched = []; // refused or unknown deliveries, for the admin page
  const runId = Date.now().toString(36);
  let orderCounter = 0;
  let client = new vipps.Client(config);
  let webhookId = null;

  const server = http.createServer((req, res) => {
    route(req, res).catch((e) => {
      const status = e instanceof vipps.VippsError ? 502 : 500;
      console.error(`[shop] ${req.method} ${req.url}: ${e.name}: ${e.message}`);
      if (!res.headersSent) {
        send(res, status, page('Something went wrong', `<p class="error">${esc(e.name)}: ${esc(e.message)}</p>`));
      } else {
        res.end();
      }
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const url = `http://${host}:${server.address().port}`;
  const publicUrl = options.publicUrl || url;

  // ePayment webhooks: register this shop, then verify deliveries with the returned secret.
  if (options.registerWebhooks !== false) {
    const registered = await client.registerWebhook({ url: `${publicUrl}/vipps/webhook`, events: EPAYMENT_EVENTS });
    webhookId = registered.id;
    const old = client;
    client = new vipps.Client({ ...config, webhook_secrets: [registered.secret] });
    await old.close();
  }

  function newOrder(product, flow) {
    orderCounter += 1;
    const id = client.makeOrderId({ prefix: 'nodeshop', order_number: `${runId}-${orderCounter}` });
    const order = {
      id,
      flow,
      product: product.id,
      name: product.name,
      amount: product.price,
      currency: 'NOK',
      createdAt: new Date().toISOString(),
      record: null, // the applyEvent record: folded callbacks and webhooks
      api: null, // the last normalized status read from the API
      session: null,
      redirectUrl: null,
      events: [],
      actions: [],
      receipt: null, // what posting the receipt at capture answered (or its error)
    };
    orders.set(id, order);
    return order;
  }

  /**
   * What the shop knows: the record folded from callbacks and webhooks, or the last API read
   * (return page, reconcile, admin actions), whichever is further along by the rank rule.
   * Callbacks may be late or lost, so an API read can be ahead of the record.
   */
  function current(order) {
    const rank = (s) => (s ? RANK[s.status] ?? 0 : -1);
    return rank(order.api) > rank(order.record) ? order.api : order.record;
  }

  function statusOf(order) {
    return current(order)?.status || 'pending';
  }

  function view(order) {
    return { ...order, status: statusOf(order), amounts: current(order) || null };
  }

  async function reconcile(order) {
    order.api = await client.reconcile({ reference: order.id });
    return order.api;
  }

  // ---- inbound: Checkout callbacks and ePayment webhooks ------------------------------
  async function handleVippsRequest(req, res) {
    const answer = await client.handleIncoming(req);
    const { event } = answer;
    let response = answer.response;
    if (event.verified && response.body === null && event.kind === 'checkout_shipping') {
      response = client.shippingOptionsResponseSync({ kind: 'checkout_shipping', options: SHIPPING_OPTIONS });
    }
    if (event.verified && response.body === null && event.kind === 'epayment_shipping') {
      // Express: the options for the customer's address, or 400 (cannot ship there).
      const address = event.address || {};
      response = client.shippingOptionsResponseSync(
        address.country === 'NO'
          ? { kind: 'epayment_shipping', currency: 'NOK', groups: expressGroups(address) }
          : { kind: 'epayment_shipping', deliverable: false },
      );
      const order = orders.get(event.reference);
      if (order) order.shippingRequests = (order.shippingRequests || 0) + 1;
    }
    vipps.sendCallbackResponse(res, response);

    const order = event.reference ? orders.get(event.reference) : undefined;
    const summary = {
      at: new Date().toISOString(),
      path: req.url,
      kind: event.kind,
      verified: event.verified,
      name: event.name ?? event.state ?? null,
      status: event.status ?? null,
    };
    if (!event.verified || !order) {
      unmatched.push({ ...summary, reference: event.reference, rejection: event.rejection || 'unknown order' });
      console.log(`[shop] refused ${event.kind || 'request'} for ${event.reference}: ${event.rejection || 'unknown order'}`);
      return;
    }
    if (event.status === undefined && (event.kind === 'checkout_shipping' || event.kind === 'epayment_shipping')) return;
    // The rank rule: stale and duplicate deliveries change nothing (README, "the rank rule").
    const folded = client.applyEventSync({ record: order.record, event });
    order.record = folded.record;
    order.events.push({ ...summary, applied: folded.applied, reason: folded.reason, id: event.id });
    console.log(`[shop] ${order.id}: ${event.kind} ${summary.name} → ${folded.applied ? 'applied' : folded.reason}; now ${order.record.status}`);
  }

  // ---- pages ---------------------------------------------------------------------------
  function productsPage() {
    const items = PRODUCTS.map(
      (p) => `<div class="product"><h2>${esc(p.name)}</h2><p>${esc(p.description)}</p><p>${kr(p.price)}</p>
  <form method="post" action="/checkout" style="display:inline"><input type="hidden" name="product" value="${esc(p.id)}"><button>Buy with Vipps Checkout</button></form>
  <form method="post" action="/pay" style="display:inline"><input type="hidden" name="product" value="${esc(p.id)}"><button class="secondary">Pay with Vipps (redirect)</button></form>
  <form method="post" action="/express" style="display:inline"><input type="hidden" name="product" value="${esc(p.id)}"><button>Buy now with Vipps</button></form></div>`,
    ).join('\n');
    return page('Products', items);
  }

  function checkoutPage(order) {
    const body = `<p>${esc(order.name)}, ${kr(order.amount)}. Order <code>${esc(order.id)}</code>.</p>
<p id="checkout-error" class="error"></p>
<section id="vipps-checkout-frame-container"></section>
<script>
  (function () {
    var orderId = ${JSON.stringify(order.id)};
    function fail(message) { document.getElementById('checkout-error').textContent = message; }
    // The session is created by the shop's backend (the keys never reach the browser).
    fetch('/api/orders/' + encodeURIComponent(orderId) + '/session', { method: 'POST' })
      .then(function (response) {
        if (!response.ok) throw new Error('the shop could not create the session (' + response.status + ')');
        return response.json();
      })
      .then(function (data) {
        if (typeof VippsCheckout !== 'function') throw new Error('the Checkout SDK did not load');
        VippsCheckout({
          checkoutFrontendUrl: data.checkoutFrontendUrl,
          iFrameContainerId: 'vipps-checkout-frame-container',
          language: 'en',
          token: data.token,
          on: {
            session_status_changed: function (status) {
              if (status === 'PaymentSuccessful' || status === 'PaymentFailed' ||
                  status === 'SessionTerminated' || status === 'SessionExpired') {
                window.location.href = '/return?order=' + encodeURIComponent(orderId);
              }
            }
          }
        });
      })
      .catch(function (error) { fail(error.message); });
  })();
</script>`;
    return page('Checkout', body, `\n<script src="${esc(sdkUrl)}"></script>`);
  }

  function orderSummary(order) {
    const v = view(order);
    const a = v.amounts || {};
    const shipping = order.express?.shipping;
    const customer = order.express?.customer;
    const express = shipping
      ? `<p>Delivery: <span id="shipping">${esc(shipping.option_name)}</span> (${kr(shipping.cost)}) to
 <span id="shipping-address">${esc([shipping.address.line1, shipping.address.line2, `${shipping.address.postal_code} ${shipping.address.city}`].filter(Boolean).join(', '))}</span></p>
<p>Customer: <span id="customer">${esc(`${customer?.first_name ?? ''} ${customer?.last_name ?? ''}`.trim())}</span>, ${esc(customer?.email)}</p>`
      : '';
    return `<p>Order <code>${esc(order.id)}</code>: ${esc(order.name)}, ${kr(order.amount)} (${esc(order.flow)}).</p>
<p>Status: <span class="status" id="status">${esc(v.status)}</span>
 · captured ${kr(a.captured)} · refunded ${kr(a.refunded)} · capturable ${kr(a.capturable)} · refundable ${kr(a.refundable)}</p>${express}`;
  }

  function returnPage(order) {
    const v = view(order);
    const final = ['authorized', 'captured', 'partially_captured', 'refunded', 'partially_refunded', 'cancelled', 'expired', 'aborted', 'failed'].includes(v.status);
    const message = {
      authorized: 'Thank you! Your payment is approved; we capture it when we ship.',
      aborted: 'The payment was cancelled in Vipps.',
      expired: 'The payment expired.',
      failed: 'The payment failed.',
      cancelled: 'The order was cancelled.',
    }[v.status] || (final ? 'Thank you!' : 'Waiting for the payment…');
    const poll = final
      ? ''
      : `<script>
  setInterval(function () {
    fetch('/api/orders/${encodeURIComponent(order.id)}?reconcile=1').then(function (r) { return r.json(); }).then(function (o) {
      document.getElementById('status').textContent = o.status;
      if (o.status !== 'pending') window.location.reload();
    });
  }, 2000);
</script>`;
    return page('Your order', `<p>${esc(message)}</p>${orderSummary(order)}${poll}`);
  }

  function adminPage() {
    const rows = [...orders.values()]
      .reverse()
      .map((order) => {
        const v = view(order);
        const a = v.amounts || {};
        const key = () => crypto.randomUUID(); // one key per rendered form: a resubmit is a replay
        const form = (action, label, amount) =>
          `<form method="post" action="/admin/orders/${encodeURIComponent(order.id)}/${action}" style="display:inline">
  <input type="hidden" name="idempotency_key" value="${key()}">
  ${amount === undefined ? '' : `<input name="amount" size="7" value="${esc(amount)}" title="øre">`}
  <button class="${action === 'capture' ? '' : 'secondary'}">${esc(label)}</button></form>`;
        const events = order.events
          .map((e) => `${esc(e.kind)} ${esc(e.name)} → ${e.applied ? 'applied' : esc(e.reason)}`)
          .join('<br>');
        return `<tr><td><a href="/return?order=${encodeURIComponent(order.id)}"><code>${esc(order.id)}</code></a><br>${esc(order.name)} · ${esc(order.flow)}</td>
  <td class="status">${esc(v.status)}</td><td>${kr(order.amount)}</td>
  <td>captured ${kr(a.captured)}<br>refunded ${kr(a.refunded)}</td>
  <td>${a.capturable ? form('capture', 'Capture', a.capturable) : ''}
      ${a.refundable ? form('refund', 'Refund', a.refundable) : ''}
      ${a.capturable || v.status === 'pending' ? form('cancel', 'Cancel') : ''}
      ${form('reconcile', 'Reconcile')}</td>
  <td><small>${events}</small></td></tr>`;
      })
      .join('\n');
    const refused = unmatched
      .slice(-10)
      .map((u) => `<li>${esc(u.at)} ${esc(u.kind)} ${esc(u.reference)}: ${esc(u.rejection)}</li>`)
      .join('');
    return page(
      'Admin',
      `<p>Amounts in øre. Webhook registration: <code>${esc(webhookId || 'none')}</code>.</p>
<table><tr><th>Order</th><th>Status</th><th>Amount</th><th>Money</th><th>Actions</th><th>Callbacks and webhooks</th></tr>${rows}</table>
${refused ? `<h2>Refused or unknown deliveries</h2><ul>${refused}</ul>` : ''}`,
    );
  }

  async function adminAction(order, action, form) {
    const key = form.idempotency_key || crypto.randomUUID();
    const amount = form.amount !== undefined ? Number(form.amount) : undefined;
    if (amount !== undefined && !Number.isSafeInteger(amount)) {
      throw new vipps.InvalidInputError({ kind: 'invalid_input', message: 'amount must be whole øre' });
    }
    let answer;
    if (action === 'capture' || action === 'refund') {
      answer = await client[action]({ reference: order.id, amount: { value: amount, currency: order.currency }, idempotency_key: key });
    } else if (action === 'cancel') {
      answer = await client.cancel({ reference: order.id, idempotency_key: key });
    } else {
      await reconcile(order);
      return;
    }
    order.api = answer.normalized;
    order.actions.push({ at: new Date().toISOString(), action, amount, idempotency_key: answer.idempotency_key });
    if (action === 'capture') await postReceipt(order, answer.normalized.authorized || order.amount);
  }

  /**
   * The order's lines and a link to its page in the customer's payment history (Order
   * Management). The money has moved already: a failure is recorded on the order and never
   * fails the capture. After a second capture the API answers "already there" (409), a success.
   */
  async function postReceipt(order, paid) {
    const lines = [{ name: order.name, id: order.product, quantity: 1, unit_price: order.amount, tax_rate: 2500 }];
    if (paid > order.amount) {
      // what Checkout added for the shipping option picked
      lines.push({ name: 'Shipping', id: 'shipping', total_amount: paid - order.amount, tax_rate: 2500, is_shipping: true });
    }
    try {
      const receipt = vipps.buildReceipt({ amount: { value: paid, currency: order.currency }, lines });
      const added = await client.addReceipt({ reference: order.id, ...receipt });
      await client.setCategory({
        reference: order.id,
        category: 'ORDER_CONFIRMATION',
        orderDetailsUrl: `${publicUrl}/return?order=${encodeURIComponent(order.id)}`,
      });
      order.receipt = { posted: true, created: added.created };
    } catch (e) {
      order.receipt = { posted: false, error: `${e.name}: ${e.message}` };
      console.error(`[shop] receipt for ${order.id} not posted: ${e.name}: ${e.message}`);
    }
  }

  // ---- routing -------------------------------------------------------------------------
  async function route(req, res) {
    const u = new URL(req.url, url);
    const parts = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method;

    if (method === 'GET' && u.pathname === '/') return send(res, 200, productsPage());

    if (method === 'POST' && u.pathname === '/express') {
      // ePayment Express: the customer shares their profile and picks address and delivery in
      // the app; the delivery options come from /vipps/shipping (its token is derived from
      // callback_secret, so nothing is stored).
      const form = await readForm(req);
      const product = PRODUCTS.find((p) => p.id === form.product);
      if (!product) return send(res, 400, page('Unknown product', '<p>No such product.</p>'));
      const order = newOrder(product, 'express');
      const created = await client.createPayment({
        reference: order.id,
        amount: { value: order.amount, currency: order.currency },
        paymentMethod: { type: 'WALLET' },
        userFlow: 'WEB_REDIRECT',
        returnUrl: `${publicUrl}/return?order=${encodeURIComponent(order.id)}`,
        paymentDescription: order.name,
        profile: { scope: 'name address email phoneNumber' },
        shipping: { dynamicOptions: { callbackUrl: `${publicUrl}/vipps/shipping` } },
        idempotency_key: `create-${order.id}`,
      });
      order.redirectUrl = created.redirectUrl;
      return redirect(res, created.redirectUrl);
    }

    if (method === 'POST' && (u.pathname === '/checkout' || u.pathname === '/pay')) {
      const form = await readForm(req);
      const product = PRODUCTS.find((p) => p.id === form.product);
      if (!product) return send(res, 400, page('Unknown product', '<p>No such product.</p>'));
      if (u.pathname === '/checkout') {
        const order = newOrder(product, 'checkout');
        return redirect(res, `/checkout/${encodeURIComponent(order.id)}`);
      }
      // ePayment: create the payment and send the customer to Vipps.
      const order = newOrder(product, 'epayment');
      const created = await client.createPayment({
        reference: order.id,
        amount: { value: order.amount, currency: order.currency },
        paymentMethod: { type: 'WALLET' },
        userFlow: 'WEB_REDIRECT',
        returnUrl: `${publicUrl}/return?order=${encodeURIComponent(order.id)}`,
        paymentDescription: order.name,
        idempotency_key: `create-${order.id}`,
      });
      order.redirectUrl = created.redirectUrl;
      return redirect(res, created.redirectUrl);
    }

    if (method === 'GET' && parts[0] === 'checkout' && parts.length === 2) {
      const order = orders.get(parts[1]);
      if (!order) return send(res, 404, page('Not found', '<p>No such order.</p>'));
      return send(res, 200, checkoutPage(order));
    }

    if (parts[0] === 'api' && parts[1] === 'orders' && parts.length >= 3) {
      const order = orders.get(parts[2]);
      if (!order) return sendJson(res, 404, { error: 'no such order' });
      if (method === 'POST' && parts[3] === 'session') {
        if (!order.session) {
          const created = await client.createSession({
            merchantInfo: {
              callbackUrl: `${publicUrl}/vipps/callback`,
              returnUrl: `${publicUrl}/return?order=${encodeURIComponent(order.id)}`,
            },
            transaction: {
              amount: { value: order.amount, currency: order.currency },
              reference: order.id,
              paymentDescription: order.name,
            },
            logistics: { fixedOptions: SHIPPING_OPTIONS },
            idempotency_key: `session-${order.id}`,
          });
          order.session = { token: created.token, checkoutFrontendUrl: created.checkoutFrontendUrl };
        }
        return sendJson(res, 200, order.session);
      }
      if (method === 'GET' && parts.length === 3) {
        if (u.searchParams.get('reconcile') && statusOf(order) === 'pending') await reconcile(order);
        return sendJson(res, 200, view(order));
      }
    }

    if (method === 'POST' && parts[0] === 'vipps' && ['callback', 'webhook', 'shipping'].includes(parts[1])) {
      return handleVippsRequest(req, res);
    }

    if (method === 'GET' && u.pathname === '/return') {
      const order = orders.get(u.searchParams.get('order') || '');
      if (!order) return send(res, 404, page('Not found', '<p>No such order.</p>'));
      if (statusOf(order) === 'pending') {
        // The customer is back: wait a little for the final status (callbacks may be late or lost).
        const waited = await client.waitForFinalStatus({ reference: order.id, timeout_ms: 3000, initial_delay_ms: 0, interval_ms: 500 });
        order.api = waited;
      }
      if (order.flow === 'express' && !order.express && statusOf(order) !== 'pending') {
        // Express: the address, delivery and profile the customer shared (on the payment).
        const { normalized } = await client.getPayment({ reference: order.id });
        if (normalized.shipping_details) {
          order.express = { shipping: normalized.shipping_details, customer: normalized.user_details };
        }
      }
      return send(res, 200, returnPage(order));
    }

    if (method === 'GET' && u.pathname === '/admin') return send(res, 200, adminPage());

    if (method === 'POST' && parts[0] === 'admin' && parts[1] === 'orders' && parts.length === 4) {
      const order = orders.get(parts[2]);
      if (!order) return send(res, 404, page('Not found', '<p>No such order.</p>'));
      if (!['capture', 'refund', 'cancel', 'reconcile'].includes(parts[3])) {
        return send(res, 404, page('Not found', '<p>No such action.</p>'));
      }
      await adminAction(order, parts[3], await readForm(req));
      return redirect(res, '/admin');
    }

    return send(res, 404, page('Not found', '<p>Nothing here.</p>'));
  }

  async function close() {
    await new Promise((resolve) => server.close(resolve));
    if (webhookId) {
      try {
        await client.deleteWebhook({ id: webhookId });
      } catch (e) {
        console.error(`[shop] could not delete webhook ${webhookId}: ${e.message}`);
      }
    }
    await client.close();
  }

  return { url, publicUrl, server, orders, unmatched, view, get client() { return client; }, close };
}

module.exports = { createShop, PRODUCTS };
