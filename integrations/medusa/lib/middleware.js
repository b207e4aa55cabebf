'use strict';
// The webhook guard. Medusa's own route POST /hooks/payment/<provider> answers 200 to every
// delivery: it only queues the payload on the event bus, and the provider's
// getWebhookActionAndData runs later in a subscriber, whose failure nobody sees. So a forged
// delivery would be answered 200 (and Vipps retries nothing it should). This middleware runs
// before Medusa's route, verifies the delivery through the same provider method, and answers a
// refused one itself (401, or 400/413 for a malformed body), so it never reaches the queue.

const { Modules } = require('@medusajs/framework/utils');

/** The verification step, as an Express middleware for the route `/hooks/payment/<providerRoute>`. */
function vippsWebhookGuard(providerRoute) {
  return async function vippsWebhookGuardMiddleware(req, res, next) {
    try {
      const payment = req.scope.resolve(Modules.PAYMENT);
      await payment.getWebhookActionAndData({
        provider: providerRoute,
        payload: { data: req.body, rawData: req.rawBody, headers: req.headers },
      });
    } catch (error) {
      const status = error && error.vippsWebhookStatus;
      if (status) {
        res.status(status).json({ type: 'unauthorized', message: 'webhook refused' });
        return;
      }
      next(error); // not a refusal (the API or the database failed): 500, and Vipps retries later
      return;
    }
    next();
  };
}

/**
 * The route entry for `defineMiddlewares({ routes: [...] })` in the Medusa app's
 * src/api/middlewares: the guard on the provider's webhook route, with the raw body kept.
 * `providerRoute` is "<provider identifier>_<id in medusa-config>", "vipps_vipps" by default.
 */
function vippsWebhookMiddlewares(providerRoute = 'vipps_vipps') {
  return [
    {
      methods: ['POST'],
      matcher: `/hooks/payment/${providerRoute}`,
      bodyParser: { preserveRawBody: true },
      middlewares: [vippsWebhookGuard(providerRoute)],
    },
  ];
}

module.exports = { vippsWebhookGuard, vippsWebhookMiddlewares };
