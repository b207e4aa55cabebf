'use strict';
// The client configuration from the environment, for the commands that run outside Medusa
// (bin/ensure-webhook.js) and for medusa-config (README): VIPPS_ENVIRONMENT ("test",
// "production"), VIPPS_CLIENT_ID, VIPPS_CLIENT_SECRET, VIPPS_SUBSCRIPTION_KEY, VIPPS_MSN, or
// VIPPS_BASE_URL for the simulator (no keys).

const WEBHOOK_EVENTS = ['authorized', 'captured', 'refunded', 'cancelled', 'aborted', 'expired', 'terminated']
  .map((name) => `epayments.payment.${name}.v1`);

function clientFromEnv(env = process.env) {
  const config = {};
  const set = (key, name) => {
    if (env[name]) config[key] = env[name];
  };
  set('environment', 'VIPPS_ENVIRONMENT');
  set('base_url', 'VIPPS_BASE_URL');
  set('client_id', 'VIPPS_CLIENT_ID');
  set('client_secret', 'VIPPS_CLIENT_SECRET');
  set('subscription_key', 'VIPPS_SUBSCRIPTION_KEY');
  set('merchant_serial_number', 'VIPPS_MSN');
  return config;
}

/** The webhook registration stored by ensure-webhook, or null. */
function webhookFromEnv(env = process.env) {
  if (!env.VIPPS_WEBHOOK_ID || !env.VIPPS_WEBHOOK_SECRET || !env.VIPPS_WEBHOOK_URL) return null;
  return { id: env.VIPPS_WEBHOOK_ID, secret: env.VIPPS_WEBHOOK_SECRET, url: env.VIPPS_WEBHOOK_URL, events: WEBHOOK_EVENTS };
}

module.exports = { WEBHOOK_EVENTS, clientFromEnv, webhookFromEnv };
