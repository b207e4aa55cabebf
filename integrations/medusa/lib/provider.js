'use strict';
// The Medusa v2 payment module provider: ePayment with the web redirect flow, on the Node binding
// (`unofficial-vipps`). Medusa keeps what `data` holds here on the payment session and the payment,
// and hands it back on every call; the API's own state is read again whenever it matters
// (authorize, capture, status), never trusted from a URL or a request body.

const { AbstractPaymentProvider, MedusaError } = require('@medusajs/framework/utils');
const vipps = require('unofficial-vipps');
const m = require('./mapping');
const registry = require('./registry');
const { systemHeaders } = require('./system');

/** Raised for a webhook delivery that fails verification; the webhook guard answers it with 401. */
class WebhookRefusedError extends MedusaError {
  constructor(status, rejection) {
    super(MedusaError.Types.UNAUTHORIZED, `Vipps MobilePay webhook refused: ${rejection || 'not verified'}`);
    this.vippsWebhookStatus = status;
  }
}

// The Vipps-System-* headers are set here; the rest of `client` is the binding's configuration.
const CLIENT_KEYS_SET_HERE = ['system_name', 'system_version', 'plugin_name', 'plugin_version'];

class VippsProviderService extends AbstractPaymentProvider {
  static identifier = 'vipps';

  static validateOptions(options) {
    if (!options || typeof options.returnUrl !== 'string' || !/^https?:\/\//.test(options.returnUrl)) {
      throw new Error('unofficial-vipps-medusa: the option `returnUrl` (the storefront page the customer comes back to) is required');
    }
    if (options.webhookUrl !== undefined && !/^https?:\/\//.test(String(options.webhookUrl))) {
      throw new Error('unofficial-vipps-medusa: `webhookUrl` must be the absolute URL registered with Vipps MobilePay');
    }
    // A reference is 8-64 letters, digits and '-': the prefix, "payses-" and a 26-character id,
    // and "-rN" after an amount change.
    if (options.referencePrefix !== undefined && !/^[A-Za-z0-9-]{0,20}$/.test(options.referencePrefix)) {
      throw new Error('unofficial-vipps-medusa: `referencePrefix` must be at most 20 letters, digits or "-"');
    }
    for (const key of CLIENT_KEYS_SET_HERE) {
      if (options.client && key in options.client) throw new Error(`unofficial-vipps-medusa: \`client.${key}\` is set by the provider`);
    }
    registry.addOptions(options);
  }

  constructor(container, options) {
    super(container, options);
    this.options_ = options;
    this.prefix_ = options.referencePrefix ?? 'medusa-';
    this.webhookSecrets_ = [].concat(options.webhookSecrets || [], options.webhookSecret || []).filter(Boolean);
    this.client_ = new vipps.Client({ ...(options.client || {}), ...systemHeaders() });
  }

  /** Frees the client (the reconcile job's own provider); Medusa's lives as long as the process. */
  async close() {
    await this.client_.close();
  }

  // -------------------------------------------------------------------------------------------
  // Sessions

  async initiatePayment({ amount, currency_code, data = {}, context = {} }) {
    const currency = m.currencyOf(currency_code);
    const minor = m.toMinor(amount, currency);
    const reference = m.referenceFor(this.prefix_, data.session_id);
    const key = m.keyFor(context, reference, 'create');
    const created = await this.create_(reference, minor, currency, this.returnUrlFor_(data, reference), key);
    return {
      id: reference,
      status: 'pending',
      data: {
        session_id: data.session_id,
        reference,
        revision: 1,
        amount: minor,
        currency,
        redirect_url: created.redirectUrl,
        ...(data.return_url ? { return_url: data.return_url } : {}),
      },
    };
  }

  /**
   * A payment's amount cannot change once created: a new cart total cancels the old payment and
   * creates one under the next reference ("-r2", …). The same total changes nothing.
   */
  async updatePayment({ amount, currency_code, data = {}, context = {} }) {
    const currency = m.currencyOf(currency_code);
    const minor = m.toMinor(amount, currency);
    if (data.reference && data.amount === minor && data.currency === currency) {
      return { status: 'pending', data };
    }
    if (data.reference) await this.cancelIfOpen_(data.reference);
    const revision = (data.revision || 1) + 1;
    const reference = m.referenceFor(this.prefix_, data.session_id, revision);
    const created = await this.create_(reference, minor, currency, this.returnUrlFor_(data, reference),
      vipps.idempotencyKey({ reference, operation: 'create' }));
    return {
      status: 'pending',
      data: { ...data, reference, revision, amount: minor, currency, redirect_url: created.redirectUrl },
    };
  }

  /** A session Medusa drops (another provider chosen, cart gone): what is reserved is released. */
  async deletePayment({ data = {} }) {
    if (data.reference) await this.cancelIfOpen_(data.reference);
    return { data };
  }

  async authorizePayment({ data = {} }) {
    return this.statusOf_(data);
  }

  async getPaymentStatus({ data = {} }) {
    return this.statusOf_(data);
  }

  async retrievePayment({ data = {} }) {
    const payment = await this.client_.getPayment({ reference: this.referenceOf_(data) });
    return { data: { ...data, status: payment.normalized.status, psp_reference: payment.pspReference ?? data.psp_reference ?? null, vipps: payment.normalized } };
  }

  // -------------------------------------------------------------------------------------------
  // Money

  /**
   * Medusa passes no amount to a provider's capture: what is still capturable is captured. The
   * key is derived from the reference and the count of captures made here (kept in `data`, which
   * Medusa stores only after a success), because Medusa's own key (the capture's id) is new on
   * every retry: after an unknown outcome the retry sends the same key, or finds it captured.
   */
  async capturePayment({ data = {} }) {
    const reference = this.referenceOf_(data);
    const now = await this.client_.reconcile({ reference });
    if (now.capturable === 0 && now.captured > 0) {
      return { data: { ...data, status: now.status, captured: now.captured } };
    }
    const attempt = (data.captures || 0) + 1;
    const answer = await this.client_.capture({
      reference,
      amount: { value: now.capturable, currency: data.currency },
      idempotency_key: vipps.idempotencyKey({ reference, operation: 'capture', attempt }),
    });
    return { data: { ...data, captures: attempt, status: answer.normalized.status, captured: answer.normalized.captured } };
  }

  /** Same keying as capture: a retry after an unknown outcome refunds once. */
  async refundPayment({ amount, data = {} }) {
    const reference = this.referenceOf_(data);
    const minor = m.toMinor(amount, data.currency);
    const attempt = (data.refunds || 0) + 1;
    const answer = await this.client_.refund({
      reference,
      amount: { value: minor, currency: data.currency },
      idempotency_key: vipps.idempotencyKey({ reference, operation: 'refund', attempt }),
    });
    return { data: { ...data, refunds: attempt, status: answer.normalized.status, refunded: answer.normalized.refunded } };
  }

  /** Releases what is reserved and not captured. Medusa's key (the payment's id) is stable. */
  async cancelPayment({ data = {}, context = {} }) {
    const reference = this.referenceOf_(data);
    const answer = await this.cancelIfOpen_(reference, m.keyFor(context, reference, 'cancel'));
    return { data: { ...data, status: answer.status } };
  }

  // -------------------------------------------------------------------------------------------
  // Webhooks

  /**
   * Verifies a delivery to /hooks/payment/<provider> (Medusa hands over the raw body and the
   * headers) and turns it into Medusa's action. A delivery that fails verification throws
   * WebhookRefusedError: the webhook guard (middleware.js) answers it with 401 before Medusa queues
   * anything, and in Medusa's queued handler the throw ends the event with nothing changed.
   */
  async getWebhookActionAndData({ rawData, headers }) {
    const answer = await this.verify_(rawData, headers);
    const { event } = answer;
    if (!event.verified) throw new WebhookRefusedError(answer.response.status, event.rejection);
    const sessionId = m.sessionIdOf(this.prefix_, event.reference);
    return m.actionOf(event, sessionId, event.currency || 'NOK');
  }

  /** The same action as a webhook would give, from the API's current state (the reconcile job). */
  async actionFromApi(reference) {
    const now = await this.client_.reconcile({ reference });
    const event = now.event || { status: now.status, amount: now.amount, amounts: { basis: 'total', authorized: now.authorized, captured: now.captured } };
    return m.actionOf(event, m.sessionIdOf(this.prefix_, reference), now.currency || 'NOK');
  }

  /** The webhook's registered URL, from the options (what `ensureWebhook` registered). */
  get webhookUrl() {
    return this.options_.webhookUrl;
  }

  // -------------------------------------------------------------------------------------------

  async create_(reference, minor, currency, returnUrl, key) {
    return this.client_.createPayment({
      reference,
      amount: { value: minor, currency },
      paymentMethod: { type: 'WALLET' },
      userFlow: 'WEB_REDIRECT',
      returnUrl,
      paymentDescription: this.options_.paymentDescription || 'Order',
      idempotency_key: key,
    });
  }

  /**
   * The storefront may give its own return page in the session's `data.return_url` (with the cart
   * in it, say) only under the configured `returnUrl`: no redirect to anywhere else.
   */
  returnUrlFor_(data, reference) {
    const base = this.options_.returnUrl;
    const wanted = typeof data.return_url === 'string' ? data.return_url : null;
    const url = wanted && m.isUnder(wanted, base) ? wanted : base;
    return url.replace('{reference}', encodeURIComponent(reference)).replace('{session_id}', encodeURIComponent(data.session_id || ''));
  }

  referenceOf_(data) {
    if (!data.reference) throw new MedusaError(MedusaError.Types.INVALID_DATA, 'this payment has no Vipps MobilePay reference');
    return data.reference;
  }

  async statusOf_(data) {
    const now = await this.client_.reconcile({ reference: this.referenceOf_(data) });
    return {
      status: m.sessionStatusOf(now.status),
      data: { ...data, status: now.status, psp_reference: now.psp_reference ?? data.psp_reference ?? null },
    };
  }

  /** Cancels unless the payment is already closed; answers the status after it. */
  async cancelIfOpen_(reference, key) {
    const now = await this.client_.reconcile({ reference });
    const closed = ['cancelled', 'expired', 'aborted', 'failed'].includes(now.status);
    if (closed || (now.status !== 'pending' && now.capturable === 0)) return now;
    const answer = await this.client_.cancel({ reference, ...(key ? { idempotency_key: key } : {}) });
    return answer.normalized;
  }

  async verify_(rawData, headers) {
    const url = this.options_.webhookUrl;
    if (!url) throw new WebhookRefusedError(401, 'no webhookUrl configured');
    const body = Buffer.isBuffer(rawData) ? rawData : typeof rawData === 'string' ? rawData : null;
    if (body === null) throw new WebhookRefusedError(400, 'no raw body (the route must preserve it)');
    const target = new URL(url);
    return this.client_.handleCallback({
      method: 'POST',
      url: target.pathname + target.search,
      headers: headers || {},
      kind: 'epayment_webhook',
      host: target.host,
      webhook_secrets: this.webhookSecrets_,
    }, body);
  }
}

module.exports = { VippsProviderService, WebhookRefusedError };
