'use strict';
// Loads libvipps.so through koffi and declares every C function once.
//
// Every `char *` the library returns is declared as the disposable type `OwnedString`: koffi
// converts it to a JS string and then hands the original pointer to `vipps_string_free`, so no
// returned string can leak. `vipps_version` returns a static `const char *` and is never freed.

const fs = require('node:fs');
const path = require('node:path');
const koffi = require('koffi');

/** The ABI version this binding was written for (VIPPS_ABI_VERSION in include/vipps.h). */
const ABI_VERSION = 1;

/** Where the library is looked for, in order: VIPPS_LIB, then the repository's target folders. */
function candidatePaths() {
  const root = path.resolve(__dirname, '..', '..', '..');
  return [
    path.join(root, 'target', 'release', 'libvipps.so'),
    path.join(root, 'target', 'debug', 'libvipps.so'),
  ];
}

function findLibrary() {
  const fromEnv = process.env.VIPPS_LIB;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) {
      throw new Error(`vipps: VIPPS_LIB points to ${fromEnv}, which does not exist`);
    }
    return fromEnv;
  }
  const candidates = candidatePaths();
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error(
      'vipps: cannot find libvipps.so. Set VIPPS_LIB to its path, or build it with ' +
        '`cargo build -p vipps` (looked in: ' + candidates.join(', ') + ')',
    );
  }
  return found;
}

let loaded = null;

/** Loads the library once and returns the declared functions. */
function native() {
  if (loaded) return loaded;
  const file = findLibrary();
  let lib;
  try {
    lib = koffi.load(file);
  } catch (e) {
    throw new Error(`vipps: cannot load ${file}: ${e.message}`);
  }

  const abiVersion = lib.func('uint32_t vipps_abi_version(void)');
  const abi = abiVersion();
  if (abi !== ABI_VERSION) {
    throw new Error(
      `vipps: ${file} has ABI version ${abi}, this binding needs ${ABI_VERSION}; ` +
        'use the binding that matches the library',
    );
  }

  const stringFree = lib.func('void vipps_string_free(void *s)');
  // Named so that the prototypes below can use it. Koffi calls the free function with the
  // original pointer after converting it to a string; a NULL pointer is never passed on.
  const OwnedString = koffi.disposable('VippsOwnedString', 'char *', stringFree);
  const Client = koffi.opaque('vipps_client');
  const ClientPtr = koffi.pointer('vipps_client_ptr', Client);

  const op = (name) => lib.func(name, OwnedString, [ClientPtr, 'const char *']);

  loaded = {
    file,
    koffi,
    abi,
    version: lib.func('const char *vipps_version(void)'),
    clientNew: lib.func('vipps_client_new', ClientPtr, ['const char *', koffi.out(koffi.pointer(OwnedString))]),
    clientFree: lib.func('vipps_client_free', 'void', [ClientPtr]),
    makeOrderId: lib.func('vipps_make_order_id', OwnedString, ['const char *']),
    idempotencyKey: lib.func('vipps_idempotency_key', OwnedString, ['const char *']),
    handleCallback: lib.func('vipps_handle_callback', OwnedString, [
      ClientPtr,
      'const char *',
      'const uint8_t *',
      'size_t',
    ]),
    ops: {
      createSession: op('vipps_create_session'),
      getSession: op('vipps_get_session'),
      updateSession: op('vipps_update_session'),
      expireSession: op('vipps_expire_session'),
      createPayment: op('vipps_create_payment'),
      getPayment: op('vipps_get_payment'),
      getPaymentEvents: op('vipps_get_payment_events'),
      capture: op('vipps_capture'),
      refund: op('vipps_refund'),
      cancel: op('vipps_cancel'),
      forceApprove: op('vipps_force_approve'),
      reconcile: op('vipps_reconcile'),
      waitForFinalStatus: op('vipps_wait_for_final_status'),
      ecomInitiate: op('vipps_ecom_initiate'),
      ecomStatus: op('vipps_ecom_status'),
      shippingOptionsResponse: op('vipps_shipping_options_response'),
      applyEvent: op('vipps_apply_event'),
      registerWebhook: op('vipps_register_webhook'),
      listWebhooks: op('vipps_list_webhooks'),
      deleteWebhook: op('vipps_delete_webhook'),
      ensureWebhook: op('vipps_ensure_webhook'),
    },
  };
  return loaded;
}

module.exports = { native, findLibrary, candidatePaths, ABI_VERSION };
