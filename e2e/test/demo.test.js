'use strict';
// `make demo`'s driver (e2e/demo.js): every step passes and it exits 0; a failing step makes it
// exit 1; --serve keeps the simulator and the shops answering until SIGINT; and whatever way
// it ends, no process it started is left (php -S workers included): every process group it
// recorded in VIPPS_E2E_PGID_FILE is gone.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { groupAlive } = require('../lib/procs');
const { until } = require('../lib/sim');

const DEMO = path.join(__dirname, '..', 'demo.js');

function runDemo(args = [], env = {}) {
  const pgidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vipps-demo-test-')), 'pgids');
  fs.writeFileSync(pgidFile, '');
  const child = spawn(process.execPath, [DEMO, ...args], {
    env: { ...process.env, ...env, VIPPS_E2E_PGID_FILE: pgidFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const done = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    done,
    output: () => out,
    pgids: () => fs.readFileSync(pgidFile, 'utf8').split('\n').filter(Boolean).map(Number),
  };
}

async function assertNoneLeft(run) {
  const pgids = run.pgids();
  assert.ok(pgids.length >= 5, `the demo started the simulator, three shops and the C program (${pgids.length} groups)`);
  // the groups are signalled before the driver exits; give the last members a moment to go
  await until('every process group to be gone', async () => pgids.every((g) => !groupAlive(g)), 5000);
}

test('the demo passes every step, exits 0 and leaves nothing running', async () => {
  const run = runDemo();
  const { code } = await run.done;
  const out = run.output();
  assert.equal(code, 0, out);
  assert.doesNotMatch(out, /✗/);
  const steps = out.split('\n').filter((l) => /^\s+✓ /.test(l));
  assert.ok(steps.length >= 29, `${steps.length} steps:\n${out}`);
  for (const shop of ['PHP shop', 'Python shop', 'Node shop', 'C example']) assert.match(out, new RegExp(`^${shop} `, 'm'));
  assert.equal(out.match(/callback received and verified by the shop → authorized/g).length, 3);
  assert.match(out, /webhook AUTHORIZED received on the socket and verified/);
  assert.equal(out.match(/✓ final status/g).length, 4);
  assert.match(out, /demo passed/);
  await assertNoneLeft(run);
});

test('a failing step makes the demo exit 1', async () => {
  const run = runDemo([], { VIPPS_C_WEBHOOK_DEMO: '/bin/false' });
  const { code } = await run.done;
  const out = run.output();
  assert.equal(code, 1, out);
  assert.match(out, /✗ webhook_demo exited with 1/);
  assert.match(out, /demo FAILED/);
  await assertNoneLeft(run);
});

test('--serve keeps the simulator and the shops answering until SIGINT, then stops them all', async () => {
  const run = runDemo(['--serve']);
  await until('the demo to print its URLs', async () => /Serving until Ctrl-C/.test(run.output()) && /Node shop\s+http/.test(run.output()), 30000);
  const out = run.output();
  const urls = [...out.slice(out.indexOf('Serving until Ctrl-C')).matchAll(/^\s+(?:vipps-sim|PHP shop|Python shop|Node shop)\s+(http:\/\/127\.0\.0\.1:\d+)/gm)].map((m) => m[1]);
  assert.equal(urls.length, 4, out);
  for (const url of urls.slice(1)) {
    const res = await fetch(`${url}/admin`);
    assert.equal(res.status, 200, url);
    assert.match(await res.text(), /captured|refunded/, `${url}/admin lists the demo's order`);
  }
  const ledger = await (await fetch(`${urls[0]}/_sim/ledger`)).json();
  assert.ok(ledger.payments.length >= 4);
  run.child.kill('SIGINT');
  const { code, signal } = await run.done;
  assert.ok(code === 130 || signal === 'SIGINT', `exit ${code} ${signal}`);
  await assertNoneLeft(run);
  await assert.rejects(fetch(`${urls[1]}/`), 'the PHP shop is gone');
});
