#!/usr/bin/env node
'use strict';
// Starts the example shop. Environment: VIPPS_BASE_URL (default the simulator at
// http://127.0.0.1:7878), PORT (default 3000; 0 for any free port), HOST, PUBLIC_URL,
// VIPPS_CALLBACK_SECRET, VIPPS_CHECKOUT_SDK_URL, VIPPS_REGISTER_WEBHOOKS=0 to skip the webhook.

// Payment calls run on libuv's thread pool; give it room for concurrent customers.
process.env.UV_THREADPOOL_SIZE = process.env.UV_THREADPOOL_SIZE || '16';

const { createShop } = require('./shop');

async function main() {
  const shop = await createShop({
    baseUrl: process.env.VIPPS_BASE_URL || 'http://127.0.0.1:7878',
    port: process.env.PORT === undefined ? 3000 : Number(process.env.PORT),
    host: process.env.HOST || '127.0.0.1',
    publicUrl: process.env.PUBLIC_URL,
    callbackSecret: process.env.VIPPS_CALLBACK_SECRET,
    sdkUrl: process.env.VIPPS_CHECKOUT_SDK_URL,
    registerWebhooks: process.env.VIPPS_REGISTER_WEBHOOKS !== '0',
  });
  console.log(shop.url);
  console.error(`node-shop listening on ${shop.url} (Vipps API: ${process.env.VIPPS_BASE_URL || 'http://127.0.0.1:7878'})`);
  const stop = () => {
    shop.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(`node-shop: ${e.name || 'Error'}: ${e.message}`);
  process.exit(1);
});
