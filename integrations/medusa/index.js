'use strict';
// unofficial-vipps-medusa: Vipps MobilePay (ePayment) as a Medusa v2 payment module provider.
// medusa-config: modules → "@medusajs/medusa/payment" → options.providers →
//   { resolve: "unofficial-vipps-medusa", id: "vipps", options: { client, returnUrl, webhookUrl, webhookSecrets } }
// See README.md.

const { ModuleProvider, Modules } = require('@medusajs/framework/utils');
const { VippsProviderService, WebhookRefusedError } = require('./lib/provider');
const { vippsWebhookGuard, vippsWebhookMiddlewares } = require('./lib/middleware');
const { reconcileVippsPayments } = require('./lib/reconcile');

module.exports = ModuleProvider(Modules.PAYMENT, { services: [VippsProviderService] });
Object.assign(module.exports, {
  VippsProviderService,
  WebhookRefusedError,
  vippsWebhookGuard,
  vippsWebhookMiddlewares,
  reconcileVippsPayments,
});
