'use strict';
// Pure translations between Medusa's payment vocabulary and the binding's: references, amounts,
// statuses, webhook actions. No I/O here, so the provider and the reconcile job agree by
// construction.

const { MathBN, PaymentActions, PaymentSessionStatus } = require('@medusajs/framework/utils');
const vipps = require('unofficial-vipps');

const CURRENCIES = new Set(['NOK', 'DKK', 'EUR']);

/** Medusa's currency code ("nok") as the API's ("NOK"); any other currency is refused. */
function currencyOf(code) {
  const currency = String(code || '').toUpperCase();
  if (!CURRENCIES.has(currency)) {
    throw new vipps.InvalidInputError({
      kind: 'invalid_input',
      message: `Vipps MobilePay takes NOK, DKK or EUR, not "${String(code).slice(0, 8)}"`,
    });
  }
  return currency;
}

/**
 * Medusa's amount (a BigNumber, a number or a decimal string, in major units) as integer minor
 * units, through its exact decimal form: never multiplied as a float.
 */
function toMinor(amount, currency) {
  const decimal = MathBN.convert(amount).toFixed();
  return vipps.toMinorUnits(decimal, currency);
}

/** Minor units as the decimal string Medusa's BigNumber takes ("100.50"). */
function toMajor(minor, currency) {
  return vipps.fromMinorUnits(minor, currency);
}

// The reference is the prefix plus Medusa's payment session id ("payses_01J…" → "payses-01J…",
// since references allow letters, digits and '-'), plus "-r<N>" after the N-th amount change.
// So a webhook leads back to its session without a lookup table.
const SESSION_PREFIX = 'payses_';

function referenceFor(prefix, sessionId, revision = 1) {
  if (typeof sessionId !== 'string' || !sessionId.startsWith(SESSION_PREFIX)) {
    throw new vipps.InvalidInputError({ kind: 'invalid_input', message: 'no Medusa payment session id to derive the reference from' });
  }
  const base = `${prefix}${sessionId.replace(/_/g, '-')}`;
  return revision > 1 ? `${base}-r${revision}` : base;
}

/** The payment session id a reference was made from, or null when it is not one of ours. */
function sessionIdOf(prefix, reference) {
  if (typeof reference !== 'string' || !reference.startsWith(prefix)) return null;
  const match = /^payses-([0-9A-Za-z]+)(?:-r[0-9]+)?$/.exec(reference.slice(prefix.length));
  return match ? `${SESSION_PREFIX}${match[1]}` : null;
}

/** The binding's normalized status as Medusa's payment session status. */
function sessionStatusOf(status) {
  switch (status) {
    case 'authorized':
    case 'partially_captured':
      return PaymentSessionStatus.AUTHORIZED;
    case 'captured':
    case 'partially_refunded':
    case 'refunded':
      return PaymentSessionStatus.CAPTURED;
    case 'cancelled':
    case 'expired':
    case 'aborted':
      return PaymentSessionStatus.CANCELED;
    case 'failed':
      return PaymentSessionStatus.ERROR;
    default:
      return PaymentSessionStatus.PENDING;
  }
}

/**
 * A verified ePayment event (or a polled status as an event) as Medusa's webhook action. The
 * amount is the event's own: the authorized amount, or the amount of this capture.
 */
function actionOf(event, sessionId, currency) {
  if (!sessionId) return { action: PaymentActions.NOT_SUPPORTED };
  const amounts = event.amounts || {};
  const data = (minor) => ({ session_id: sessionId, amount: toMajor(Math.max(0, minor || 0), currency) });
  switch (event.status) {
    case 'authorized':
      return { action: PaymentActions.AUTHORIZED, data: data(amounts.authorized || event.amount) };
    case 'partially_captured':
    case 'captured':
      return {
        action: PaymentActions.SUCCESSFUL,
        data: data(amounts.basis === 'operation' ? event.amount : amounts.captured),
      };
    case 'cancelled':
    case 'expired':
    case 'aborted':
      return { action: PaymentActions.CANCELED, data: data(event.amount) };
    case 'failed':
      return { action: PaymentActions.FAILED, data: data(event.amount) };
    case 'pending':
      return { action: PaymentActions.PENDING, data: data(event.amount) };
    default:
      // Refunds: Medusa's webhook flow has no refund action; the admin's refund is recorded when
      // it is made, and a refund made in the portal is left to the merchant.
      return { action: PaymentActions.NOT_SUPPORTED };
  }
}

// Vipps-Idempotency-Key: at most 50 characters from this set.
const KEY_PATTERN = /^[A-Za-z0-9_-]{1,50}$/;

/** Medusa's idempotency key when the API can take it, else the binding's derived key. */
function keyFor(context, reference, operation, attempt = 1) {
  const given = context && context.idempotency_key;
  if (typeof given === 'string' && KEY_PATTERN.test(given)) return given;
  return vipps.idempotencyKey({ reference, operation, attempt });
}

/** True when `url` has `base`'s origin and a path under `base`'s path (parsed: no prefix tricks). */
function isUnder(url, base) {
  try {
    const wanted = new URL(url);
    const allowed = new URL(base.replace(/[{}]/g, ''));
    return wanted.origin === allowed.origin && wanted.pathname.startsWith(allowed.pathname);
  } catch {
    return false;
  }
}

module.exports = { isUnder, currencyOf, toMinor, toMajor, referenceFor, sessionIdOf, sessionStatusOf, actionOf, keyFor };
