'use strict';
// The money helper: decimal strings and numbers to minor units, never by multiplying.
const test = require('node:test');
const assert = require('node:assert/strict');
const vipps = require('..');

// [input, currency, minor units]: the values that break Math.round(x * 100) and friends.
const CONVERTS = [
  ['15.50', 'NOK', 1550], ['15.5', 'NOK', 1550], ['15', 'NOK', 1500], ['0', 'NOK', 0],
  ['0.01', 'DKK', 1], ['15.500', 'EUR', 1550],
  [0.29, 'NOK', 29], // Math.trunc(0.29 * 100) === 28
  [0.57, 'NOK', 57], [1.15, 'NOK', 115], [19.99, 'NOK', 1999],
  [4.35, 'NOK', 435], // 4.35 * 100 === 434.99999999999994
  [10, 'NOK', 1000], [1e2, 'NOK', 10000], ['1e2', 'NOK', 10000], [10n, 'NOK', 1000],
  ['-3.20', 'NOK', -320], [-3.2, 'NOK', -320],
  [123456789.12, 'NOK', 12345678912], ['10000000000.00', 'NOK', 1e12],
];

test('converts exactly', () => {
  for (const [amount, currency, expected] of CONVERTS) {
    assert.equal(vipps.toMinorUnits(amount, currency), expected, `${String(amount)} ${currency}`);
  }
});

const REFUSED = [
  ['15.555', 'NOK', /more than 2 decimals/],
  [0.1 + 0.2, 'NOK', /more than 2 decimals/], // 0.30000000000000004: refused, not rounded
  [1e-7, 'NOK', /more than 2 decimals/],
  ['1,50', 'NOK', /not a decimal number/], [' 15.50', 'NOK', /not a decimal number/],
  ['', 'NOK', /not a decimal number/], ['abc', 'NOK', /not a decimal number/],
  [NaN, 'NOK', /finite/], [Infinity, 'NOK', /finite/],
  [true, 'NOK', /got boolean/], [null, 'NOK', /got null/], [undefined, 'NOK', /got undefined/],
  ['15.50', 'SEK', /currency must be one of/],
  ['10000000000.01', 'NOK', /beyond any API's limit/], [1e300, 'NOK', /beyond any API's limit/],
];

test('refuses what it cannot convert exactly, as InvalidInputError', () => {
  for (const [amount, currency, message] of REFUSED) {
    assert.throws(() => vipps.toMinorUnits(amount, currency), (error) => {
      assert.ok(error instanceof vipps.InvalidInputError, String(amount));
      assert.equal(error.kind, 'invalid_input');
      assert.match(error.message, message);
      return true;
    });
  }
});

test('back to a decimal string', () => {
  for (const [value, text] of [[1550, '15.50'], [5, '0.05'], [0, '0.00'], [-320, '-3.20'], [1e12, '10000000000.00']]) {
    assert.equal(vipps.fromMinorUnits(value, 'NOK'), text);
    assert.equal(vipps.toMinorUnits(text, 'NOK'), value);
  }
  assert.throws(() => vipps.fromMinorUnits(1.5, 'NOK'), vipps.InvalidInputError);
});
