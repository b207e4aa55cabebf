'use strict';
// The package as a user gets it: `npm install <path to bindings/node>` in a fresh folder, and
// the tarball of `npm pack` installed the same way; then require('unofficial-vipps') and one call with
// VIPPS_LIB set. Also the typings: tsc --noEmit on an example that uses them.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { findLibrary } = require('..');

const PKG = path.resolve(__dirname, '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function npm(args, cwd) {
  return execFileSync(NPM, [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    timeout: 300000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function freshFolder(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vipps-node-pkg-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  return dir;
}

/** Runs a one-line program in `dir` with VIPPS_LIB set; returns its stdout. */
function runIn(dir, code, env = {}) {
  return execFileSync(process.execPath, ['-e', code], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, VIPPS_LIB: findLibrary(), ...env },
    timeout: 60000,
  });
}

const PROBE = `
  const vipps = require('unofficial-vipps');
  const id = vipps.makeOrderId({ prefix: 'pkg', order_number: 7 });
  let config;
  try { new vipps.Client({}); } catch (e) { config = e instanceof vipps.ConfigError; }
  console.log(JSON.stringify({ id, version: vipps.version(), abi: vipps.abiVersion(), config,
    from: require.resolve('unofficial-vipps') }));
`;

test('npm install ./bindings/node in a fresh folder gives a working package', (t) => {
  const dir = freshFolder(t);
  npm(['install', PKG], dir);
  const out = JSON.parse(runIn(dir, PROBE));
  assert.equal(out.id, 'pkg-7');
  assert.equal(out.abi, 1);
  assert.match(out.version, /^\d+\.\d+\.\d+/);
  assert.equal(out.config, true);
  const installed = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  assert.ok(installed.dependencies['unofficial-vipps'], 'recorded as a dependency');
});

test('the npm pack tarball installs, finds the library through VIPPS_LIB, and ships its typings', (t) => {
  const dir = freshFolder(t);
  const tgz = npm(['pack', PKG, '--pack-destination', dir], dir).trim().split('\n').pop();
  npm(['install', path.join(dir, tgz)], dir);
  const installedDir = path.join(dir, 'node_modules', 'unofficial-vipps');
  assert.ok(!fs.lstatSync(installedDir).isSymbolicLink(), 'a real copy');
  for (const f of ['index.js', 'index.d.ts', 'api-types.d.ts', 'lib/native.js', 'lib/client.js', 'lib/errors.js', 'lib/http.js', 'README.md']) {
    assert.ok(fs.existsSync(path.join(installedDir, f)), f);
  }
  assert.ok(!fs.existsSync(path.join(installedDir, 'test')), 'tests are not shipped');
  const out = JSON.parse(runIn(dir, PROBE));
  assert.equal(out.id, 'pkg-7');
  assert.ok(out.from.startsWith(fs.realpathSync(dir)));
  // Outside the repository and without VIPPS_LIB the error says what to do.
  assert.throws(
    () => runIn(dir, "require('unofficial-vipps').version()", { VIPPS_LIB: '' }),
    (e) => /cannot find libvipps\.so\. Set VIPPS_LIB/.test(String(e.stderr)),
  );
  assert.throws(
    () => runIn(dir, "require('unofficial-vipps').version()", { VIPPS_LIB: path.join(dir, 'nope.so') }),
    (e) => /VIPPS_LIB points to .*nope\.so, which does not exist/.test(String(e.stderr)),
  );
});

test('tsc --noEmit is clean on an example that uses the typings', () => {
  const tsc = path.join(PKG, 'node_modules', 'typescript', 'bin', 'tsc');
  const out = execFileSync(process.execPath, [tsc, '--noEmit', '-p', path.join(PKG, 'test', 'types')], {
    encoding: 'utf8',
    timeout: 120000,
  });
  assert.equal(out.trim(), '');
});
