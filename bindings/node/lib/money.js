'use strict';
// Decimal amounts to integer minor units and back, without floating-point arithmetic.
//
// Shops hand out amounts as decimal strings ("15.50") and numbers, while the library takes
// integer minor units (øre, cents). Math.trunc(0.29 * 100) is 28, so a number is never
// multiplied: it is read through its shortest decimal representation (String(n)), which is
// exactly the number the shop meant. More decimals than the currency has are refused.

const { InvalidInputError } = require('./errors');

/** Decimals per currency: the currencies of ePayment, eCom and Checkout. */
const CURRENCY_DECIMALS = Object.freeze({ NOK: 2, DKK: 2, EUR: 2 });
/** The library's upper bound on any amount, in minor units. */
const MAX_MINOR_UNITS = 10 ** 12;

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

function invalid(message) {
  return new InvalidInputError({ kind: 'invalid_input', message, retryable: false });
}

function decimalsOf(currency) {
  if (typeof currency !== 'string' || !Object.hasOwn(CURRENCY_DECIMALS, currency)) {
    throw invalid(`currency must be one of ${Object.keys(CURRENCY_DECIMALS).join(', ')}, got ${JSON.stringify(currency)}`);
  }
  return CURRENCY_DECIMALS[currency];
}

function textOf(amount) {
  if (typeof amount === 'number') {
    if (!Number.isFinite(amount)) throw invalid(`amount must be a finite number, got ${amount}`);
    return String(amount);
  }
  if (typeof amount === 'bigint') return amount.toString();
  if (typeof amount === 'string') return amount;
  throw invalid(`amount must be a decimal string or a number, got ${amount === null ? 'null' : typeof amount}`);
}

/** "15.50", 15.5 or 15 NOK → 1550. Refuses more decimals than the currency has. */
function toMinorUnits(amount, currency) {
  const decimals = decimalsOf(currency);
  const text = textOf(amount);
  const match = DECIMAL.exec(text);
  if (match === null) {
    throw invalid(`amount ${JSON.stringify(text)} is not a decimal number (digits, an optional point and decimals)`);
  }
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  let digits = whole + fraction;
  // The value is digits × 10^(exponent − fraction length); in minor units, shift by `decimals`.
  let shift = Number(exponent) - fraction.length + decimals;
  if (shift < 0) {
    const dropped = -shift <= digits.length ? digits.slice(shift) : digits;
    if (/[1-9]/.test(dropped)) {
      throw invalid(`amount ${text} has more than ${decimals} decimals for ${currency}: refused, not rounded`);
    }
    digits = digits.slice(0, shift) || '0';
    shift = 0;
  }
  const significant = digits.replace(/^0+/, '');
  if (significant.length + shift > 13) throw invalid(`amount ${text} ${currency} is beyond any API's limit`);
  const value = Number(BigInt(digits) * 10n ** BigInt(shift));
  if (value > MAX_MINOR_UNITS) throw invalid(`amount ${text} ${currency} is beyond any API's limit`);
  return sign && value !== 0 ? -value : value;
}

/** 1550 NOK → "15.50": the decimal string a shop displays or stores. */
function fromMinorUnits(value, currency) {
  const decimals = decimalsOf(currency);
  if (!Number.isSafeInteger(value)) throw invalid(`minor units must be an integer, got ${value}`);
  const sign = value < 0 ? '-' : '';
  const digits = String(Math.abs(value)).padStart(decimals + 1, '0');
  return `${sign}${digits.slice(0, digits.length - decimals)}.${digits.slice(digits.length - decimals)}`;
}

module.exports = { toMinorUnits, fromMinorUnits, CURRENCY_DECIMALS, MAX_MINOR_UNITS };
