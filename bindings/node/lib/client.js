'use strict';
// The Client: one libvipps client handle. Network operations return Promises and run on
// koffi's asynchronous calls (libuv worker threads), so the event loop never waits for the
// network; the no-I/O operations also have synchronous variants.

const { native } = require('./native');
const { errorFromEnvelope, InvalidInputError, InternalError, ClientClosedError } = require('./errors');
const { callbackRequestFrom, readBody, MAX_BODY } = require('./http');

/** Serializes a request: an object is JSON-encoded, a string is taken as JSON text. */
function requestJson(request, operation) {
  if (request === undefined) return '{}';
  if (typeof request === 'string') return request;
  try {
    const json = JSON.stringify(request);
    if (json === undefined) throw new TypeError('not serializable');
    return json;
  } catch (e) {
    throw new InvalidInputError({
      kind: 'invalid_input',
      message: `vipps: the ${operation} request cannot be encoded as JSON: ${e.message}`,
    });
  }
}

/** The `data` of an envelope, or the error it carries, thrown. */
function unwrap(envelope, operation) {
  if (envelope == null) {
    throw new InternalError({ kind: 'internal', message: `vipps: ${operation} returned NULL (out of memory)` });
  }
  let parsed;
  try {
    parsed = JSON.parse(envelope);
  } catch (e) {
    throw new InternalError({ kind: 'internal', message: `vipps: ${operation} returned invalid JSON: ${e.message}` });
  }
  if (parsed && parsed.ok === true) return parsed.data;
  throw errorFromEnvelope(parsed && parsed.error);
}

/** The body of a callback as bytes: a Buffer or Uint8Array as is, a string as UTF-8. */
function bodyBytes(body) {
  if (body == null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  throw new InvalidInputError({
    kind: 'invalid_input',
    message: 'vipps: the callback body must be a Buffer, a Uint8Array or a string',
  });
}

// Frees a handle whose Client was garbage-collected without close(). A Client with calls in
// flight is still referenced by their completion callbacks, so it is never collected early.
const finalizer = new FinalizationRegistry((state) => {
  if (!state.freed) {
    state.freed = true;
    native().clientFree(state.handle);
  }
});

class Client {
  #state; // {handle, freed}: shared with the finalizer, which must not reference the Client
  #inFlight = 0;
  #closed = false;
  #whenIdle = [];

  /**
   * @param {object} config the JSON configuration of vipps_client_new (README, "Configuration")
   */
  constructor(config = {}) {
    const lib = native();
    const json = requestJson(config, 'configuration');
    const errorOut = [null];
    const handle = lib.clientNew(json, errorOut);
    if (!handle) {
      if (errorOut[0]) unwrap(errorOut[0], 'vipps_client_new'); // throws its error
      throw new InternalError({ kind: 'internal', message: 'vipps: vipps_client_new failed without an error' });
    }
    this.#state = { handle, freed: false };
    finalizer.register(this, this.#state, this);
  }

  /** The library version, e.g. "0.1.0". */
  static version() {
    return native().version();
  }

  /** True once close() was called. */
  get closed() {
    return this.#closed;
  }

  /** How many asynchronous calls are running on this client now. */
  get inFlight() {
    return this.#inFlight;
  }

  #handleFor(operation) {
    if (this.#closed) throw new ClientClosedError(operation);
    return this.#state.handle;
  }

  #settled() {
    this.#inFlight -= 1;
    if (this.#closed && this.#inFlight === 0) this.#free();
  }

  #free() {
    if (!this.#state.freed) {
      this.#state.freed = true;
      finalizer.unregister(this);
      native().clientFree(this.#state.handle);
    }
    const waiting = this.#whenIdle;
    this.#whenIdle = [];
    for (const resolve of waiting) resolve();
  }

  /** Runs a C function on a worker thread; resolves with the envelope's data. */
  #async(operation, fn, args) {
    return new Promise((resolve, reject) => {
      const handle = this.#handleFor(operation);
      this.#inFlight += 1;
      try {
        fn.async(handle, ...args, (err, envelope) => {
          if (err) {
            reject(new InternalError({ kind: 'internal', message: `vipps: ${operation}: ${err.message}` }));
          } else {
            try {
              resolve(unwrap(envelope, operation));
            } catch (e) {
              reject(e);
            }
          }
          this.#settled();
        });
      } catch (e) {
        // koffi refused to queue the call (e.g. too many queued calls)
        this.#settled();
        reject(new InternalError({ kind: 'internal', message: `vipps: ${operation}: ${e.message}` }));
      }
    });
  }

  #op(operation, request) {
    let json;
    try {
      json = requestJson(request, operation);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#async(operation, native().ops[operation], [json]);
  }

  #opSync(operation, request) {
    const handle = this.#handleFor(operation);
    return unwrap(native().ops[operation](handle, requestJson(request, operation)), operation);
  }

  // Checkout v3
  createSession(request) { return this.#op('createSession', request); }
  getSession(request) { return this.#op('getSession', request); }
  updateSession(request) { return this.#op('updateSession', request); }
  expireSession(request) { return this.#op('expireSession', request); }

  // ePayment v1 (and eCom v2 with `api: "ecom"`)
  createPayment(request) { return this.#op('createPayment', request); }
  getPayment(request) { return this.#op('getPayment', request); }
  getPaymentEvents(request) { return this.#op('getPaymentEvents', request); }
  capture(request) { return this.#op('capture', request); }
  refund(request) { return this.#op('refund', request); }
  cancel(request) { return this.#op('cancel', request); }
  forceApprove(request) { return this.#op('forceApprove', request); }
  /** Userinfo API: `{sub}` (a payment's `profile.sub`) → the shared profile, plus `sub`. */
  getUserinfo(request) { return this.#op('getUserinfo', request); }
  reconcile(request) { return this.#op('reconcile', request); }
  /** Polls until the payment is final or `timeout_ms` passes; holds one worker thread meanwhile. */
  waitForFinalStatus(request) { return this.#op('waitForFinalStatus', request); }

  // eCom v2 (legacy)
  ecomInitiate(request) { return this.#op('ecomInitiate', request); }
  ecomStatus(request) { return this.#op('ecomStatus', request); }

  // Webhooks API
  registerWebhook(request) { return this.#op('registerWebhook', request); }
  listWebhooks(request = {}) { return this.#op('listWebhooks', request); }
  deleteWebhook(request) { return this.#op('deleteWebhook', request); }
  /** One registration for url, in step with `current` (the answer stored last time). */
  ensureWebhook(request) { return this.#op('ensureWebhook', request); }

  // Order Management v2: the receipt, category link and images the app shows with a payment
  /** A receipt the order already has (409) resolves with `created: false, already_existed: true`. */
  addReceipt(request) { return this.#op('addReceipt', request); }
  getOrder(request) { return this.#op('getOrder', request); }
  setCategory(request) { return this.#op('setCategory', request); }
  /** The id defaults to the hex SHA-256 of the image, so a repeated upload succeeds. */
  uploadImage(request) { return this.#op('uploadImage', request); }

  // Inbound side (no network: the synchronous variants are cheap)
  shippingOptionsResponse(request) { return this.#op('shippingOptionsResponse', request); }
  shippingOptionsResponseSync(request) { return this.#opSync('shippingOptionsResponse', request); }
  applyEvent(request) { return this.#op('applyEvent', request); }
  applyEventSync(request) { return this.#opSync('applyEvent', request); }

  /**
   * Verifies and normalizes a callback or webhook.
   * @param {object|string} request {method, url, headers, kind?, expected_token?, reference?}
   * @param {Buffer|Uint8Array|string|null} body the raw body exactly as received
   */
  handleCallback(request, body) {
    let json;
    let bytes;
    try {
      json = requestJson(request, 'handleCallback');
      bytes = bodyBytes(body);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#async('handleCallback', native().handleCallback, [json, bytes, bytes.length]);
  }

  handleCallbackSync(request, body) {
    const handle = this.#handleFor('handleCallbackSync');
    const json = requestJson(request, 'handleCallbackSync');
    const bytes = bodyBytes(body);
    return unwrap(native().handleCallback(handle, json, bytes, bytes.length), 'handleCallbackSync');
  }

  /**
   * Reads a Node http request (headers from rawHeaders, the raw body from the stream) and
   * hands it to handleCallback. `options` adds kind, expected_token or reference.
   * @param {import('node:http').IncomingMessage} req
   * @param {object} [options]
   */
  async handleIncoming(req, options = {}) {
    const body = await readBody(req, MAX_BODY);
    return this.handleCallback(callbackRequestFrom(req, options), body);
  }

  /**
   * An order id per the orderId recommendations: {prefix, order_number, msn?, attempt?}.
   * Synchronous (no I/O); returns the id string.
   */
  makeOrderId(request) {
    return makeOrderId(request);
  }

  /**
   * Frees the client once every call in flight has settled; later calls reject with a
   * ClientClosedError. Resolves when the handle is freed. Calling it again is harmless.
   */
  close() {
    this.#closed = true;
    if (this.#state.freed) return Promise.resolve();
    const idle = new Promise((resolve) => this.#whenIdle.push(resolve));
    if (this.#inFlight === 0) this.#free();
    return idle;
  }
}

/** An order id per the orderId recommendations (needs no client): returns the id string. */
function makeOrderId(request) {
  const json = requestJson(request, 'makeOrderId');
  return unwrap(native().makeOrderId(json), 'makeOrderId').order_id;
}

/**
 * A stable idempotency key from {reference, operation, attempt?, api?} (operation: create,
 * session, initiate, capture, refund, cancel; attempt from 1; api "ecom" for X-Request-Id's 40
 * characters). The same input gives the same key: store the inputs on the order before a
 * money call, and a retry after a crash sends the same key. Synchronous, no I/O.
 */
function idempotencyKey(request) {
  const json = requestJson(request, 'idempotencyKey');
  return unwrap(native().idempotencyKey(json), 'idempotencyKey').idempotency_key;
}

/**
 * A receipt's orderLines and bottomLine from a shop's lines and the payment's amount, with the
 * tax rounding of the README's "Receipts" (integer minor units, per line half away from zero,
 * tax derived from the gross): {amount: {value, currency}, lines: [{name, id, quantity?,
 * unit_price | total_amount, tax_rate (basis points, 2500 = 25 %) | tax_percentage, discount?,
 * is_shipping?, is_return?, quantity_unit?, product_url?}], bottom_line?}. Throws an
 * InvalidInputError naming the lines and the difference when they do not add up to amount.
 * Synchronous, no I/O: pass the answer to client.addReceipt.
 */
function buildReceipt(request) {
  const json = requestJson(request, 'buildReceipt');
  return unwrap(native().buildReceipt(json), 'buildReceipt');
}

module.exports = { Client, makeOrderId, idempotencyKey, buildReceipt, requestJson, unwrap };
