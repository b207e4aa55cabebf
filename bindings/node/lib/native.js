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

/** This binding's release, which must be the loaded library's vipps_version(): one version for
 *  the core and every binding (the workspace's Cargo.toml; scripts/check-versions.sh). */
const VERSION = require('../package.json').version;

const LIB_NAME = 'libvipps.so';

/** The platform package that holds the library for this machine, e.g. unofficial-vipps-linux-x64-gnu. */
function platformPackage() {
  let libc = '';
  if (process.platform === 'linux') {
    const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
    libc = report && report.header && report.header.glibcVersionRuntime ? '-gnu' : '-musl';
  }
  return `unofficial-vipps-${process.platform}-${process.arch}${libc}`;
}

/** The repository checkout this package sits in (bindings/node of a tree with Cargo.toml and
 *  include/vipps.h), or null for an installed package. */
function repositoryRoot() {
  const pkg = path.resolve(__dirname, '..');
  const root = path.resolve(pkg, '..', '..');
  try {
    if (fs.realpathSync(path.join(root, 'bindings', 'node')) !== fs.realpathSync(pkg)) return null;
  } catch {
    return null;
  }
  const isFile = (p) => fs.existsSync(p) && fs.statSync(p).isFile();
  return isFile(path.join(root, 'Cargo.toml')) && isFile(path.join(root, 'include', 'vipps.h')) ? root : null;
}

/**
 * Where the library is looked for when VIPPS_LIB is unset, in order: the platform package (an
 * optionalDependency, found with require.resolve from this package), this package's own folder,
 * then target/release and target/debug of the repository, only when this package sits in a
 * checkout of it. Never the current directory or its parents: a library planted there would be loaded.
 */
function candidatePaths() {
  const paths = [];
  try {
    paths.push(path.join(path.dirname(require.resolve(`${platformPackage()}/package.json`)), LIB_NAME));
  } catch {
    // not installed: npm skips an optionalDependency whose os/cpu/libc do not fit this machine
  }
  paths.push(path.join(__dirname, '..', LIB_NAME));
  const root = repositoryRoot();
  if (root) {
    paths.push(path.join(root, 'target', 'release', LIB_NAME), path.join(root, 'target', 'debug', LIB_NAME));
  }
  return paths;
}

let explicitPath = null;

/** Loads the library from this absolute path (before VIPPS_LIB and every other place); call it
 *  before the first client is made. */
function setLibraryPath(file) {
  if (typeof file !== 'string' || !path.isAbsolute(file)) {
    throw new Error(`vipps: setLibraryPath needs an absolute path, got ${file}`);
  }
  if (loaded) {
    throw new Error(`vipps: the library is already loaded from ${loaded.file}`);
  }
  explicitPath = file;
}

function findLibrary() {
  if (explicitPath) {
    if (!fs.existsSync(explicitPath)) {
      throw new Error(`vipps: setLibraryPath(${explicitPath}): that file does not exist`);
    }
    return explicitPath;
  }
  const fromEnv = process.env.VIPPS_LIB;
  if (fromEnv) {
    if (!path.isAbsolute(fromEnv)) {
      throw new Error(`vipps: VIPPS_LIB must be an absolute path, got ${fromEnv}`);
    }
    if (!fs.existsSync(fromEnv)) {
      throw new Error(`vipps: VIPPS_LIB points to ${fromEnv}, which does not exist`);
    }
    return fromEnv;
  }
  const candidates = candidatePaths();
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error(
      `vipps: cannot find libvipps.so. Set VIPPS_LIB to its path, install ${platformPackage()} ` +
        '(npm installs it with this package on a supported platform), or build it with ' +
        '`cargo build -p vipps` in the repository (looked in: ' + candidates.join(', ') + ')',
    );
  }
  return found;
}

/** Refuses a library of another ABI or another release than this binding, naming both. */
function checkVersions(lib, file) {
  const abi = lib.func('uint32_t vipps_abi_version(void)')();
  if (abi !== ABI_VERSION) {
    throw new Error(
      `vipps: ${file} has ABI version ${abi}, this binding needs ${ABI_VERSION}; ` +
        'use the binding that matches the library',
    );
  }
  const version = lib.func('const char *vipps_version(void)')();
  if (version !== VERSION) {
    throw new Error(
      `vipps: ${file} is libvipps ${JSON.stringify(version)}, but this binding (unofficial-vipps ${VERSION}) ` +
        `needs libvipps ${JSON.stringify(VERSION)}; install the binding and the library of one release`,
    );
  }
  return abi;
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

  const abi = checkVersions(lib, file);

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
    buildReceipt: lib.func('vipps_build_receipt', OwnedString, ['const char *']),
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
      getUserinfo: op('vipps_get_userinfo'),
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
      addReceipt: op('vipps_add_receipt'),
      getOrder: op('vipps_get_order'),
      setCategory: op('vipps_set_category'),
      uploadImage: op('vipps_upload_image'),
    },
  };
  return loaded;
}

module.exports = { native, findLibrary, setLibraryPath, candidatePaths, platformPackage, ABI_VERSION, VERSION };
