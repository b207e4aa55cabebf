'use strict';
// Every error kind reaches JavaScript as its own Error subclass, with the envelope's details.

const test = require('node:test');
const assert = require('node:assert/strict');
const { startSim, closedPort, reference, nok, paymentRequest } = require('./support/sim');
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

/** Asserts that `promise` rejects with `Class`, a VippsError of `kind`; returns the error. */
async function rejectsWith(promise, Class, kind) {
  let caught;
  await assert.rejects(promise, (e) => {
    caught = e;
    return true;
  });
  assert.ok(caught instanceof Class, `${caught && caught.name}: ${caught && caught.message}`);
  assert.ok(caught instanceof vipps.VippsError);
  assert.ok(caught instanceof Error);
  assert.equal(caught.kind, kind);
  assert.equal(caught.name, Class.name);
  assert.equal(typeof caught.message, 'string');
  assert.ok(caught.message.length > 0);
  return caught;
}

async function authorizedPayment(value) {
  const ref = reference('node-err');
  await client.createPayment(paymentRequest(ref, value));
  await client.forceApprove({ reference: ref });
  return ref;
}

test('invalid_input: a decimal amount is refused before sending', async () => {
  const ref = reference('node-decimal');
  const e = await rejectsWith(
    client.capture({ reference: ref, amount: { value: 10.5, currency: 'NOK' } }),
    vipps.InvalidInputError,
    'invalid_input',
  );
  assert.equal(e.retryable, false);
  assert.equal(e.httpStatus, null);
  // Filtered by this reference, so that a request another test delayed cannot be counted.
  const sent = (await sim.control('GET', `/_sim/requests?path_prefix=/epayment/v1/payments/${ref}`)).body;
  assert.deepEqual(sent, [], 'nothing was sent');
});

test('invalid_input: a request that is not JSON, and one the binding cannot encode', async () => {
  await rejectsWith(client.getPayment('{not json'), vipps.InvalidInputError, 'invalid_input');
  await rejectsWith(client.getPayment({ reference: 1n }), vipps.InvalidInputError, 'invalid_input');
  assert.throws(() => vipps.makeOrderId({ prefix: '', order_number: 1 }), vipps.InvalidInputError);
  assert.throws(() => client.handleCallbackSync({ method: 'POST', url: '/', headers: {} }, 42), vipps.InvalidInputError);
});

test('config: an unknown setting fails at creation', () => {
  assert.throws(
    () => new vipps.Client(sim.config({ timeuots: {} })),
    (e) => {
      assert.ok(e instanceof vipps.ConfigError);
      assert.equal(e.kind, 'config');
      assert.match(e.message, /timeuots/);
      return true;
    },
  );
  assert.throws(() => new vipps.Client({}), vipps.ConfigError);
});

test('unauthorized: a wrong client secret', async () => {
  const wrong = new vipps.Client(
    sim.config({
      client_id: 'sim-client-id',
      client_secret: 'not-the-secret',
      subscription_key: 'sim-subscription-key',
      merchant_serial_number: '123456',
    }),
  );
  try {
    const e = await rejectsWith(wrong.getPayment({ reference: 'whatever' }), vipps.UnauthorizedError, 'unauthorized');
    assert.equal(e.httpStatus, 401);
    assert.equal(e.retryable, false);
    assert.ok(!e.message.includes('not-the-secret'), 'the secret never appears in errors');
  } finally {
    await wrong.close();
  }
});

test('api: capturing more than authorized', async () => {
  const ref = await authorizedPayment(1000);
  const e = await rejectsWith(
    client.capture({ reference: ref, amount: nok(5000), idempotency_key: `over-${ref}` }),
    vipps.ApiError,
    'api',
  );
  assert.equal(e.httpStatus, 400);
  assert.equal(e.errorCode, '6090');
  assert.ok(e.problem && typeof e.problem === 'object', 'the API problem body is kept');
  assert.equal(e.idempotencyKey, `over-${ref}`);
  assert.equal(e.retryable, false);
});

test('unknown_outcome: a capture carried out behind an unreadable answer, retried with its key', async () => {
  const ref = await authorizedPayment(5000);
  const key = `unknown-${ref}`;
  await sim.fault({
    method: 'POST', path: `/epayment/v1/payments/${ref}/capture`, action: 'process_then_respond',
    status: 200, body: '<html>proxy</html>', headers: { 'content-type': 'text/html' },
  });
  const e = await rejectsWith(
    client.capture({ reference: ref, amount: nok(3000), idempotency_key: key }),
    vipps.UnknownOutcomeError,
    'unknown_outcome',
  );
  assert.ok(e instanceof vipps.NetworkError);
  assert.equal(e.retryable, true);
  assert.equal(e.idempotencyKey, key);
  assert.equal(e.httpStatus, 200);
  const captured = await client.capture({ reference: ref, amount: nok(3000), idempotency_key: e.idempotencyKey });
  assert.equal(captured.normalized.captured, 3000);
  const ledger = await sim.control('GET', '/_sim/ledger');
  assert.deepEqual(ledger.body.payments.filter((p) => p.reference === ref).map((p) => p.captures), [[3000]]);
});

test('conflict: one idempotency key with another amount', async () => {
  const ref = await authorizedPayment(5000);
  const key = `conflict-${ref}`;
  await client.capture({ reference: ref, amount: nok(1000), idempotency_key: key });
  const e = await rejectsWith(
    client.capture({ reference: ref, amount: nok(2000), idempotency_key: key }),
    vipps.ConflictError,
    'conflict',
  );
  assert.equal(e.httpStatus, 409);
  assert.equal(e.idempotencyKey, key);
});

test('not_found: an unknown payment', async () => {
  const e = await rejectsWith(client.getPayment({ reference: reference('missing') }), vipps.NotFoundError, 'not_found');
  assert.equal(e.httpStatus, 404);
});

test('rate_limited: 429 with a Retry-After beyond the total deadline', async () => {
  const ref = await authorizedPayment(1000);
  const limited = new vipps.Client(sim.config({ timeouts: { connect_ms: 500, request_ms: 1000, total_ms: 1500 } }));
  try {
    await sim.fault({
      method: 'GET',
      path: `/epayment/v1/payments/${ref}`,
      action: 'respond',
      status: 429,
      retry_after: 30,
      count: 10,
    });
    const started = Date.now();
    const e = await rejectsWith(limited.getPayment({ reference: ref }), vipps.RateLimitedError, 'rate_limited');
    assert.equal(e.httpStatus, 429);
    assert.equal(e.retryable, true);
    assert.ok(Date.now() - started < 5000, 'a Retry-After past the deadline is not waited for');
  } finally {
    await sim.control('DELETE', '/_sim/faults');
    await limited.close();
  }
});

test('timeout: a delay beyond the configured timeouts', async () => {
  const ref = await authorizedPayment(1000);
  const hasty = new vipps.Client(
    sim.config({
      timeouts: { connect_ms: 200, request_ms: 300, total_ms: 700 },
      retry: { max_attempts: 2, base_delay_ms: 10, max_delay_ms: 20 },
    }),
  );
  try {
    await hasty.listWebhooks(); // fetch the token before the fault
    await sim.fault({ method: 'GET', path: `/epayment/v1/payments/${ref}`, action: 'delay', delay_ms: 1500, count: 5 });
    const e = await rejectsWith(hasty.getPayment({ reference: ref }), vipps.VippsTimeoutError, 'timeout');
    assert.equal(e.retryable, true);
  } finally {
    await sim.control('DELETE', '/_sim/faults');
    await hasty.close();
  }
});

test('network: nobody listens on the port', async () => {
  const port = await closedPort();
  const offline = new vipps.Client(
    sim.config({
      base_url: `http://127.0.0.1:${port}`,
      timeouts: { connect_ms: 300, request_ms: 500, total_ms: 1000 },
    }),
  );
  try {
    const e = await rejectsWith(offline.getPayment({ reference: 'offline-1' }), vipps.NetworkError, 'network');
    assert.equal(e.retryable, true);
  } finally {
    await offline.close();
  }
});

test('signature_invalid and internal map to their classes (not reachable from the outside)', () => {
  const sig = vipps.errorFromEnvelope({ kind: 'signature_invalid', message: 'bad signature', retryable: false });
  assert.ok(sig instanceof vipps.SignatureInvalidError);
  assert.equal(sig.kind, 'signature_invalid');
  const internal = vipps.errorFromEnvelope({
    kind: 'internal',
    message: 'a panic was caught',
    retryable: false,
    http_status: null,
    trace_id: 't-1',
    error_code: 'E1',
    idempotency_key: 'k-1',
    problem: { detail: 'x' },
  });
  assert.ok(internal instanceof vipps.InternalError);
  assert.equal(internal.message, 'a panic was caught');
  assert.equal(internal.traceId, 't-1');
  assert.equal(internal.errorCode, 'E1');
  assert.equal(internal.idempotencyKey, 'k-1');
  assert.deepEqual(internal.problem, { detail: 'x' });
  assert.deepEqual(JSON.parse(JSON.stringify(internal)).traceId, 't-1');
  // A kind this binding does not know yet stays a VippsError with its kind.
  const future = vipps.errorFromEnvelope({ kind: 'something_new', message: 'm' });
  assert.equal(future.constructor, vipps.VippsError);
  assert.equal(future.kind, 'something_new');
});

/** The error kinds the repository's README lists (its "Error kinds (stable" paragraph). */
function readmeErrorKinds() {
  const text = require('node:fs').readFileSync(require('node:path').join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const paragraph = text.slice(text.indexOf('Error kinds (stable'), text.indexOf('`retryable` says'));
  return [...new Set([...paragraph.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]))];
}

test('every documented kind has its own class', () => {
  const kinds = readmeErrorKinds();
  assert.equal(kinds.length, 12, kinds.join(', '));
  assert.deepEqual(Object.keys(vipps.ERROR_CLASSES).sort(), [...kinds].sort());
  const classes = new Set();
  for (const kind of kinds) {
    const e = vipps.errorFromEnvelope({ kind, message: kind });
    assert.equal(e.kind, kind);
    assert.notEqual(e.constructor, vipps.VippsError, kind);
    classes.add(e.constructor);
  }
  assert.equal(classes.size, kinds.length);
});

test('an unknown outcome is a retryable NetworkError that keeps its idempotency key', () => {
  const e = vipps.errorFromEnvelope({
    kind: 'unknown_outcome', message: 'retry with the same idempotency key', retryable: true,
    http_status: 200, idempotency_key: 'k-1',
  });
  assert.equal(e.constructor, vipps.UnknownOutcomeError);
  assert.ok(e instanceof vipps.NetworkError);
  assert.equal(e.retryable, true);
  assert.equal(e.idempotencyKey, 'k-1');
  assert.equal(e.httpStatus, 200);
});

test('a forged callback is an ok answer with verified: false and 401, not an error', async () => {
  const body = Buffer.from(JSON.stringify({ sessionId: 's1', reference: 'forged-1', sessionState: 'PaymentSuccessful' }));
  const answer = await client.handleCallback(
    { method: 'POST', url: '/vipps/callback', headers: { Authorization: 'forged-token' }, kind: 'checkout_callback' },
    body,
  );
  assert.equal(answer.event.verified, false);
  assert.ok(answer.event.rejection);
  assert.ok(!answer.event.rejection.includes('forged-token'));
  assert.equal(answer.response.status, 401);
});
