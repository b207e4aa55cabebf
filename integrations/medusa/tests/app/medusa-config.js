// The scratch Medusa app of `make test-medusa` (scripts/test-medusa.sh): PostgreSQL from the
// environment, no admin dashboard, no Redis (Medusa's in-memory event bus, locks and workflow
// engine), and the provider configured the way README.md tells a shop to.
const { defineConfig, Modules } = require('@medusajs/framework/utils');

const env = process.env;

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: env.DATABASE_URL,
    databaseDriverOptions: { ssl: false },
    http: {
      storeCors: env.STORE_CORS || 'http://127.0.0.1',
      adminCors: env.ADMIN_CORS || 'http://127.0.0.1',
      authCors: env.AUTH_CORS || 'http://127.0.0.1',
      jwtSecret: env.JWT_SECRET,
      cookieSecret: env.COOKIE_SECRET,
    },
  },
  admin: { disable: true },
  modules: [
    {
      resolve: '@medusajs/medusa/payment',
      options: {
        // Medusa queues a webhook and processes it this much later (default 5000 ms).
        webhook_delay: Number(env.MEDUSA_WEBHOOK_DELAY_MS || 5000),
        providers: [
          {
            resolve: 'unofficial-vipps-medusa',
            id: 'vipps',
            options: {
              client: {
                ...require('unofficial-vipps-medusa/lib/config').clientFromEnv(),
                log: { level: 'warn' },
              },
              returnUrl: env.VIPPS_RETURN_URL,
              webhookUrl: env.VIPPS_WEBHOOK_URL,
              webhookSecrets: env.VIPPS_WEBHOOK_SECRET ? [env.VIPPS_WEBHOOK_SECRET] : [],
              referencePrefix: env.VIPPS_REFERENCE_PREFIX || 'medusa-',
              paymentDescription: 'Medusa test shop',
            },
          },
        ],
      },
    },
  ],
});
