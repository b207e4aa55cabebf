'use strict';
// The http helpers: a Node request becomes handleCallback's input with the headers' case
// and duplicates kept and the raw body bytes; the answer is written back as given.

const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const net = require('node:net');
const vipps = require('..');

const client = new vipps.Client({
  base_url: 'http://127.0.0.1:9',
  system_name: 'node-tests',
  system_version: '1',
  plugin_name: 'vipps-node',
  plugin_version: '1',
});
test.after(() => client.close());

/** A server whose handler gets (req, res); resolves with {url, close}. */
function serve(handler) {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      Promise.resolve(handler(req, res)).catch((e) => {
        res.writeHead(500);
        res.end(String(e && e.stack));
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ port, url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/** Sends raw bytes over TCP and resolves with the raw response text. */
function rawRequest(port, text) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(text));
    let out = '';
    socket.on('data', (d) => (out += d));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

test('headersFrom keeps the case of names and repeated headers as arrays', async () => {
  let seen;
  const srv = await serve(async (req, res) => {
    seen = { request: vipps.callbackRequestFrom(req, { kind: 'checkout_callback' }), body: await vipps.readBody(req) };
    res.end('ok');
  });
  try {
    const body = '{"a":1}';
    await rawRequest(
      srv.port,
      'POST /vipps/callback?site=2&x=%20y HTTP/1.1\r\nHost: shop.example\r\nAuthorization: tok\r\n' +
        `X-Many: a\r\nx-many: b\r\nX-MANY: c\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
  } finally {
    await srv.close();
  }
  assert.equal(seen.request.method, 'POST');
  assert.equal(seen.request.url, '/vipps/callback?site=2&x=%20y');
  assert.equal(seen.request.kind, 'checkout_callback');
  assert.equal(seen.request.headers.Host, 'shop.example');
  assert.equal(seen.request.headers.Authorization, 'tok');
  assert.deepEqual(seen.request.headers['X-Many'], ['a', 'b', 'c']);
  assert.equal(seen.request.headers['x-many'], undefined);
  assert.ok(Buffer.isBuffer(seen.body));
  assert.equal(seen.body.toString(), '{"a":1}');
});

test('handleIncoming verifies the raw bytes, and sendCallbackResponse writes the answer', async () => {
  const sessionBody = JSON.stringify({
    sessionId: 's-http',
    reference: 'http-1',
    sessionState: 'PaymentSuccessful',
    paymentDetails: {
      amount: { value: 1000, currency: 'NOK' },
      state: 'AUTHORIZED',
      aggregate: {
        authorizedAmount: { value: 1000, currency: 'NOK' },
        cancelledAmount: { value: 0, currency: 'NOK' },
        capturedAmount: { value: 0, currency: 'NOK' },
        refundedAmount: { value: 0, currency: 'NOK' },
      },
    },
  });
  const answers = [];
  const srv = await serve(async (req, res) => {
    const answer = await client.handleIncoming(req, { expected_token: 'the-token', reference: 'http-1' });
    answers.push(answer);
    vipps.sendCallbackResponse(res, answer.response);
  });
  try {
    const good = await fetch(`${srv.url}/vipps/callback`, {
      method: 'POST',
      headers: { Authorization: 'the-token', 'Content-Type': 'application/json' },
      body: sessionBody,
    });
    assert.equal(good.status, 200);
    const bad = await fetch(`${srv.url}/vipps/callback`, {
      method: 'POST',
      headers: { Authorization: 'another-token' },
      body: sessionBody,
    });
    assert.equal(bad.status, 401);
  } finally {
    await srv.close();
  }
  assert.equal(answers[0].event.verified, true);
  assert.equal(answers[0].event.kind, 'checkout_callback');
  assert.equal(answers[0].event.status, 'authorized');
  assert.equal(answers[0].event.reference, 'http-1');
  assert.equal(answers[1].event.verified, false);
  // The sync variant gives the same answer for the same input.
  const sync = client.handleCallbackSync(
    { method: 'POST', url: '/vipps/callback', headers: { Authorization: 'the-token' }, expected_token: 'the-token', reference: 'http-1' },
    sessionBody,
  );
  assert.equal(sync.event.id, answers[0].event.id);
  // Folding the event twice: applied once, then a duplicate.
  const first = client.applyEventSync({ record: null, event: sync.event });
  assert.equal(first.applied, true);
  assert.equal(first.record.status, 'authorized');
  const again = await client.applyEvent({ record: first.record, event: sync.event });
  assert.equal(again.applied, false);
});

test('a body over 1 MiB is cut at the limit and answered 413', async () => {
  let kept;
  const srv = await serve(async (req, res) => {
    const body = await vipps.readBody(req);
    kept = body.length;
    const answer = await client.handleCallback(vipps.callbackRequestFrom(req), body);
    vipps.sendCallbackResponse(res, answer.response);
  });
  try {
    const res = await fetch(`${srv.url}/vipps/webhook`, { method: 'POST', body: Buffer.alloc(vipps.MAX_BODY + 5000, 0x61) });
    assert.equal(res.status, 413);
  } finally {
    await srv.close();
  }
  assert.equal(kept, vipps.MAX_BODY + 1);
});

test('sendCallbackResponse: status, headers and body (null as empty)', async () => {
  const srv = await serve((req, res) => {
    if (req.url === '/null') vipps.sendCallbackResponse(res, { status: 204, headers: {}, body: null });
    else vipps.sendCallbackResponse(res, { status: 200, headers: { 'Content-Type': 'application/json', 'content-length': '999' }, body: '{"ø":1}' });
  });
  try {
    const a = await fetch(`${srv.url}/json`);
    assert.equal(a.status, 200);
    assert.equal(a.headers.get('content-type'), 'application/json');
    assert.equal(await a.text(), '{"ø":1}');
    const b = await fetch(`${srv.url}/null`);
    assert.equal(b.status, 204);
    assert.equal(await b.text(), '');
  } finally {
    await srv.close();
  }
});
