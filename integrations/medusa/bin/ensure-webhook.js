#!/usr/bin/env node
'use strict';
// unofficial-vipps-medusa-webhook <url> [--dotenv .env]
// One webhook registration for <url> (the shop's /hooks/payment/vipps_vipps), kept in step with
// the one stored in the env file (VIPPS_WEBHOOK_ID, VIPPS_WEBHOOK_SECRET, VIPPS_WEBHOOK_URL):
// registers when needed (ensureWebhook), deletes registrations for the URL whose secret is lost,
// and writes the three variables back into the file (created with mode 0600). The secret is
// never printed. Credentials from the environment (lib/config.js).

const fs = require('node:fs');
const vipps = require('unofficial-vipps');
const { WEBHOOK_EVENTS, clientFromEnv } = require('../lib/config');
const { systemHeaders } = require('../lib/system');

function parseEnvFile(text) {
  const values = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (match) values[match[1]] = match[2].replace(/^"(.*)"$/, '$1');
  }
  return values;
}

function writeEnvFile(path, text, updates) {
  const lines = text ? text.replace(/\n$/, '').split('\n') : [];
  for (const [name, value] of Object.entries(updates)) {
    const line = `${name}=${value}`;
    const at = lines.findIndex((l) => new RegExp(`^\\s*${name}\\s*=`).test(l));
    if (at >= 0) lines[at] = line;
    else lines.push(line);
  }
  fs.writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 });
}

async function main(argv) {
  const args = [...argv];
  let envFile = '.env';
  const at = args.indexOf('--dotenv');
  if (at >= 0) {
    envFile = args[at + 1];
    args.splice(at, 2);
  }
  const url = args[0];
  if (!url || !envFile || args.length !== 1) {
    console.error('usage: unofficial-vipps-medusa-webhook <url> [--dotenv .env]');
    return 2;
  }
  const text = fs.existsSync(envFile) ? fs.readFileSync(envFile, 'utf8') : '';
  const stored = parseEnvFile(text);
  const current = stored.VIPPS_WEBHOOK_ID && stored.VIPPS_WEBHOOK_SECRET
    ? { id: stored.VIPPS_WEBHOOK_ID, secret: stored.VIPPS_WEBHOOK_SECRET, url: stored.VIPPS_WEBHOOK_URL || '', events: WEBHOOK_EVENTS }
    : null;
  const client = new vipps.Client({ ...clientFromEnv({ ...stored, ...process.env }), ...systemHeaders() });
  try {
    const ensured = await client.ensureWebhook({ url, events: WEBHOOK_EVENTS, current });
    writeEnvFile(envFile, text, { VIPPS_WEBHOOK_ID: ensured.id, VIPPS_WEBHOOK_SECRET: ensured.secret, VIPPS_WEBHOOK_URL: ensured.url });
    const removed = ensured.removed.length ? `, removed ${ensured.removed.join(', ')}` : '';
    const failed = ensured.remove_errors.length ? `, ${ensured.remove_errors.length} delete(s) failed (run again)` : '';
    console.log(`webhook ${ensured.id} for ${ensured.url}: ${ensured.changed ? `registered, stored in ${envFile}` : 'already in place'}${removed}${failed}`);
    return 0;
  } finally {
    await client.close();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
  console.error(`unofficial-vipps-medusa-webhook: ${error.message}`);
  process.exit(1);
});
