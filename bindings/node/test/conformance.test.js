'use strict';
// The shared conformance cases (conformance/README.md), run through the Node binding.

const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { startSim, ROOT } = require('./support/sim');
const vipps = require('..');

const CASES = path.join(ROOT, 'conformance', 'cases');
const BASE_CONFIG = JSON.parse(fs.readFileSync(path.join(ROOT, 'conformance', 'config.json'), 'utf8'));
const PRESENT = '<present>';
const HELPERS = { make_order_id: vipps.makeOrderId, idempotency_key: vipps.idempotencyKey, build_receipt: vipps.buildReceipt };

const camel = (snake) => snake.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

function substitute(value, names) {
  if (typeof value === 'string') {
    const whole = /^\{\{(\w+)\}\}$/.exec(value);
    if (whole && whole[1] in names) return structuredClone(names[whole[1]]);
    return value.replace(/\{\{(\w+)\}\}/g, (_, name) => String(names[name]));
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, names));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, names)]));
  }
  return value;
}

function merge(base, overrides = {}) {
  const merged = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

function matches(actual, expected, where, problems) {
  if (expected === PRESENT) {
    if (actual === null || actual === undefined) problems.push(`${where}: missing`);
  } else if (expected && typeof expected === 'object' && !Array.isArray(expected)) {
    if (!actual || typeof actual !== 'object') return problems.push(`${where}: ${JSON.stringify(actual)} is not an object`);
    for (const [key, value] of Object.entries(expected)) matches(actual[key], value, `${where}.${key}`, problems);
  } else if (JSON.stringify(actual ?? null) !== JSON.stringify(expected)) {
    problems.push(`${where}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
  }
}

const dig = (data, dotted) => (dotted === '.' ? data : dotted.split('.').reduce((d, part) => d[part], data));

async function call(client, step, names) {
  const request = substitute(step.request || {}, names);
  if (step.call in HELPERS) return HELPERS[step.call](request);
  const method = client[camel(step.call)];
  assert.equal(typeof method, 'function', `the Node Client lacks ${camel(step.call)}`);
  if (step.call === 'handle_callback') return method.call(client, request, substitute(step.body || '', names));
  return method.call(client, request);
}

async function run(testCase, sim) {
  const names = { reference: `conf-${crypto.randomBytes(10).toString('hex')}`, sim_url: sim.base };
  const config = merge(BASE_CONFIG, testCase.config);
  let client = null;
  try {
    for (const [index, step] of testCase.steps.entries()) {
      const label = `step ${index + 1} (${step.call || step.sim})`;
      if (step.sim) {
        const [method, urlPath] = step.sim.split(' ');
        const answer = await sim.control(method, substitute(urlPath, names), method === 'GET' ? undefined : substitute(step.body || {}, names));
        assert.ok(answer.status < 400, `${label}: ${answer.status} ${JSON.stringify(answer.body)}`);
        continue;
      }
      const expect = substitute(step.expect || { ok: true }, names);
      const problems = [];
      let result;
      try {
        if (step.call === 'client_new') {
          await new vipps.Client(substitute(merge(config, step.request), names)).close();
        } else {
          if (!client && !(step.call in HELPERS)) client = new vipps.Client(substitute(config, names));
          result = await call(client, step, names);
        }
      } catch (error) {
        if (!(error instanceof vipps.VippsError)) throw error;
        assert.ok(!expect.ok, `${label} threw ${error.name}: ${error.message}`);
        const kind = expect.error.kind;
        assert.equal(error.constructor, vipps.ERROR_CLASSES[kind], `${label}: ${error.name} for ${kind}`);
        const fields = {
          kind: error.kind,
          retryable: error.retryable,
          http_status: error.httpStatus,
          error_code: error.errorCode,
          idempotency_key: error.idempotencyKey,
        };
        matches(fields, expect.error, 'error', problems);
        assert.deepEqual(problems, [], label);
        continue;
      }
      assert.ok(expect.ok, `${label} succeeded: ${JSON.stringify(result)}`);
      if ('value' in expect) matches(result, expect.value, 'value', problems);
      else matches(result, expect.data || {}, 'data', problems);
      assert.deepEqual(problems, [], label);
      for (const [name, dotted] of Object.entries(step.save || {})) names[name] = dig(result, dotted);
    }
  } finally {
    if (client) await client.close();
    await sim.control('DELETE', '/_sim/faults');
  }
}

const files = fs.readdirSync(CASES).filter((f) => f.endsWith('.json')).sort();

test('there are at least forty conformance cases', () => {
  assert.ok(files.length >= 40, `${files.length} cases`);
});

test('conformance cases', async (t) => {
  const sim = await startSim();
  try {
    for (const file of files) {
      const testCase = JSON.parse(fs.readFileSync(path.join(CASES, file), 'utf8'));
      await t.test(path.basename(file, '.json'), () => run(testCase, sim));
    }
  } finally {
    await sim.stop();
  }
});
