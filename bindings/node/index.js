'use strict';
// vipps: Node binding of libvipps (Vipps MobilePay), see README.md.

const { native, findLibrary, setLibraryPath, ABI_VERSION } = require('./lib/native');
const { Client, makeOrderId, idempotencyKey, buildReceipt } = require('./lib/client');
const errors = require('./lib/errors');
const http = require('./lib/http');
const money = require('./lib/money');

/** The library version, e.g. "0.1.0" (a static string inside the library). */
function version() {
  return native().version();
}

/** The ABI version of the loaded library (checked against ABI_VERSION at load). */
function abiVersion() {
  return native().abi;
}

module.exports = {
  Client,
  makeOrderId,
  idempotencyKey,
  buildReceipt,
  toMinorUnits: money.toMinorUnits,
  fromMinorUnits: money.fromMinorUnits,
  version,
  abiVersion,
  ABI_VERSION,
  findLibrary,
  setLibraryPath,
  ...errors,
  headersFrom: http.headersFrom,
  callbackRequestFrom: http.callbackRequestFrom,
  readBody: http.readBody,
  sendCallbackResponse: http.sendCallbackResponse,
  MAX_BODY: http.MAX_BODY,
};
