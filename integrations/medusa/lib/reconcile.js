'use strict';
// Callbacks are not guaranteed: the reconcile job asks the API about every payment session of
// this provider that Medusa still has as pending, and runs what a webhook would have run
// (Medusa's process-payment workflow: authorize the session, complete the cart into an order).
// A session whose webhook did arrive is no longer pending, so a duplicate changes nothing.

const { Modules } = require('@medusajs/framework/utils');
const registry = require('./registry');
const { VippsProviderService } = require('./provider');

const PROCESS_PAYMENT_WORKFLOW = 'process-payment-workflow'; // @medusajs/core-flows' processPaymentWorkflowId
const ACTS_ON = new Set(['authorized', 'captured']);

/**
 * @param container Medusa's container (a scheduled job's or `medusa exec`'s argument)
 * @param options.maxAgeHours sessions created longer ago are left alone (default 48)
 * @param options.providerId Medusa's provider id (default "pp_vipps_vipps")
 * @returns one line per session looked at: { session_id, reference, action, error? }
 */
async function reconcileVippsPayments(container, { maxAgeHours = 48, providerId = 'pp_vipps_vipps' } = {}) {
  const options = registry.onlyOptions();
  const payment = container.resolve(Modules.PAYMENT);
  const logger = container.resolve('logger');
  const since = new Date(Date.now() - maxAgeHours * 3600 * 1000);
  const sessions = await payment.listPaymentSessions(
    { provider_id: providerId, status: ['pending', 'requires_more'], created_at: { $gte: since } },
    { select: ['id', 'data', 'status'] },
  );
  const results = [];
  const provider = new VippsProviderService({}, options);
  try {
    await reconcileEach(container, provider, sessions, results, logger);
  } finally {
    await provider.close();
  }
  return results;
}

async function reconcileEach(container, provider, sessions, results, logger) {
  for (const session of sessions) {
    const reference = session.data && session.data.reference;
    if (!reference) continue;
    const line = { session_id: session.id, reference };
    try {
      const result = await provider.actionFromApi(reference);
      line.action = result.action;
      if (ACTS_ON.has(result.action) && result.data) {
        await container.resolve(Modules.WORKFLOW_ENGINE).run(PROCESS_PAYMENT_WORKFLOW, { input: result });
      }
    } catch (error) {
      // One payment's failure (an API timeout) must not stop the others: the next run retries.
      line.error = String(error && error.message).slice(0, 300);
      logger.warn(`vipps reconcile ${reference}: ${line.error}`);
    }
    results.push(line);
  }
}

module.exports = { reconcileVippsPayments };
