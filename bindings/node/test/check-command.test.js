'use strict';
// `npx unofficial-vipps-check` (bin/vipps-check.js): finds the vipps-check binary and passes
// arguments and exit code through.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const os = require('node:os');
const { spawnSync } = require('node:child_process');
const { startSim, ROOT } = require('./support/sim');

const SCRIPT = path.join(__dirname, '..', 'bin', 'vipps-check.js');
const CHECK_BIN = path.join(ROOT, 'target', 'debug', 'vipps-check');

function run(args, env) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VIPPS_')));
  return spawnSync(process.execPath, [SCRIPT, ...args], { env: { ...clean, ...env }, encoding: 'utf8', timeout: 120000 });
}

test('runs the check against the simulator', async (t) => {
  const sim = await startSim();
  t.after(() => sim.stop());
  const done = run(['--base-url', sim.base, '--json'], { VIPPS_CHECK: CHECK_BIN });
  assert.equal(done.status, 0, done.stdout + done.stderr);
  const report = JSON.parse(done.stdout);
  assert.equal(report.passed, true);
  assert.deepEqual(report.rows.slice(0, 2).map((r) => r.name), ['epayment_refund', 'epayment_cancel']);
});

test('production is refused with the binary exit code', () => {
  const done = run(['--environment', 'production'], { VIPPS_CHECK: CHECK_BIN });
  assert.equal(done.status, 2);
  assert.match(done.stderr, /refused/);
});

test('without the binary it says how to build it', () => {
  const done = run(['--help'], { PATH: os.tmpdir() });
  assert.equal(done.status, 2);
  assert.match(done.stderr, /cargo build --release --bin vipps-check/);
});
