// The webhook guard on /hooks/payment/vipps_vipps: a delivery that fails verification is answered
// 401 here and never reaches Medusa's queue (README.md, "Register the webhook").
const { defineMiddlewares } = require('@medusajs/framework/http');
const { vippsWebhookMiddlewares } = require('unofficial-vipps-medusa');

exports.default = defineMiddlewares({ routes: [...vippsWebhookMiddlewares('vipps_vipps')] });
