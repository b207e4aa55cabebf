// `npx medusa exec ./src/scripts/seed.js`: the test shop's data (a region in NOK with the provider,
// a sales channel and its publishable key, one product at 499 NOK, an admin user), written as JSON
// to $SEED_OUT for the tests.
const fs = require('node:fs');
const { Modules } = require('@medusajs/framework/utils');
const {
  createApiKeysWorkflow,
  createProductsWorkflow,
  createRegionsWorkflow,
  createSalesChannelsWorkflow,
  createUserAccountWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
} = require('@medusajs/medusa/core-flows');

exports.default = async function seed({ container }) {
  const run = async (workflow, input) => (await workflow(container).run({ input })).result;
  const [channel] = await run(createSalesChannelsWorkflow, { salesChannelsData: [{ name: 'Web shop' }] });
  const [region] = await run(createRegionsWorkflow, {
    regions: [{ name: 'Norway', currency_code: 'nok', countries: ['no'], payment_providers: ['pp_vipps_vipps'] }],
  });
  const [key] = await run(createApiKeysWorkflow, { api_keys: [{ title: 'Web shop', type: 'publishable', created_by: '' }] });
  await run(linkSalesChannelsToApiKeyWorkflow, { id: key.id, add: [channel.id] });
  const [product] = await run(createProductsWorkflow, {
    products: [{
      title: 'Fjord mug',
      status: 'published',
      options: [{ title: 'Size', values: ['One size'] }],
      variants: [{ title: 'One size', options: { Size: 'One size' }, manage_inventory: false, prices: [{ amount: 499, currency_code: 'nok' }] }],
      sales_channels: [{ id: channel.id }],
    }],
  });
  const email = process.env.ADMIN_EMAIL;
  const auth = container.resolve(Modules.AUTH);
  const { authIdentity, error } = await auth.register('emailpass', { body: { email, password: process.env.ADMIN_PASSWORD } });
  if (error) throw new Error(error);
  await run(createUserAccountWorkflow, { authIdentityId: authIdentity.id, userData: { email } });
  fs.writeFileSync(process.env.SEED_OUT, JSON.stringify({
    region_id: region.id,
    sales_channel_id: channel.id,
    publishable_key: key.token,
    variant_id: product.variants[0].id,
  }));
};
