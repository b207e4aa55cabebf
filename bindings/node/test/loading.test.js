'use strict';
// Where the library is loaded from, and the version check: a library planted above the current
// directory or next to the project is never loaded, and a library of another release is refused
// with a message that names both versions.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { findLibrary, VERSION } = require('../lib/native');

const PKG = path.resolve(__dirname, '..');

function tempDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vipps-node-loading-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs `code` with node in `cwd`, VIPPS_LIB as given (unset when undefined); returns stdout+stderr. */
function run(code, cwd, vippsLib) {
  const env = { ...process.env };
  delete env.VIPPS_LIB;
  if (vippsLib !== undefined) env.VIPPS_LIB = vippsLib;
  const r = spawnSync(process.execPath, ['-e', code], { cwd, env, encoding: 'utf8', timeout: 60000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

test('a library planted above the current directory or beside the project is never loaded', (t) => {
  const dir = tempDir(t);
  const real = findLibrary();
  // An installed copy of the package: <project>/node_modules/unofficial-vipps, koffi beside it.
  const project = path.join(dir, 'project');
  const installed = path.join(project, 'node_modules', 'unofficial-vipps');
  fs.mkdirSync(installed, { recursive: true });
  for (const f of ['index.js', 'lib', 'package.json']) {
    fs.cpSync(path.join(PKG, f), path.join(installed, f), { recursive: true });
  }
  fs.symlinkSync(path.join(PKG, 'node_modules', 'koffi'), path.join(project, 'node_modules', 'koffi'));
  // Planted: in target/ of the project (three folders above the package's lib/) and of the
  // current directory's parent.
  const cwd = path.join(dir, 'attic', 'public');
  fs.mkdirSync(cwd, { recursive: true });
  for (const base of [project, path.join(dir, 'attic')]) {
    for (const profile of ['debug', 'release']) {
      fs.mkdirSync(path.join(base, 'target', profile), { recursive: true });
      fs.copyFileSync(real, path.join(base, 'target', profile, 'libvipps.so'));
    }
  }
  const code = `try { const v = require(${JSON.stringify(installed)}); console.log(v.version(), v.findLibrary()); }
    catch (e) { console.log('refused: ' + e.message); }`;
  const planted = run(code, cwd);
  assert.match(planted.out, /^refused: vipps: cannot find libvipps\.so/, planted.out);
  assert.ok(!planted.out.split('looked in:')[0].includes(dir), planted.out);
  // The package's own folder is where a build can put it: that one is loaded.
  fs.copyFileSync(real, path.join(installed, 'libvipps.so'));
  const own = run(code, cwd);
  assert.equal(own.out.trim(), `${VERSION} ${path.join(installed, 'libvipps.so')}`);
});

test('the package in the checkout finds the build tree from any directory', (t) => {
  const r = run(`const v = require(${JSON.stringify(PKG)}); console.log(v.findLibrary())`, tempDir(t));
  assert.equal(r.status, 0, r.out);
  assert.ok(r.out.trim().startsWith(path.resolve(PKG, '..', '..', 'target') + path.sep), r.out);
});

test('a library of another release is refused, naming both versions', (t) => {
  const dir = tempDir(t);
  const source = path.join(dir, 'fake.c');
  fs.writeFileSync(source, 'unsigned int vipps_abi_version(void) { return 1; }\n' +
    'const char *vipps_version(void) { return "9.9.9"; }\n');
  const fake = path.join(dir, 'libvipps.so');
  try {
    execFileSync('cc', ['-shared', '-fPIC', '-o', fake, source]);
  } catch (e) {
    t.skip('needs a C compiler');
    return;
  }
  const r = run(`try { require(${JSON.stringify(PKG)}).version(); console.log('loaded'); }
    catch (e) { console.log('refused: ' + e.message); }`, dir, fake);
  assert.match(r.out, /^refused: /, r.out);
  assert.ok(r.out.includes('libvipps "9.9.9"') && r.out.includes(`needs libvipps "${VERSION}"`), r.out);
});

test('setLibraryPath names the library before VIPPS_LIB; a relative path is refused', (t) => {
  const dir = tempDir(t);
  const copy = path.join(dir, 'libvipps-copy.so');
  fs.copyFileSync(findLibrary(), copy);
  const code = `const v = require(${JSON.stringify(PKG)});
    try { v.setLibraryPath('libvipps.so'); } catch (e) { console.log('refused: ' + e.message); }
    v.setLibraryPath(${JSON.stringify(copy)}); console.log(v.version(), v.findLibrary());
    try { v.setLibraryPath(${JSON.stringify(copy)}); } catch (e) { console.log('late: ' + e.message); }`;
  const r = run(code, dir, path.join(dir, 'nope.so'));
  const lines = r.out.trim().split('\n');
  assert.equal(lines[0], 'refused: vipps: setLibraryPath needs an absolute path, got libvipps.so', r.out);
  assert.equal(lines[1], `${VERSION} ${copy}`, r.out);
  assert.match(lines[2], /^late: vipps: the library is already loaded from /, r.out);
});
