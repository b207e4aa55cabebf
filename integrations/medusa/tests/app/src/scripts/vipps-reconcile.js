// `npx medusa exec ./src/scripts/vipps-reconcile.js`: the reconcile job once, now; prints a JSON
// line per session looked at.
const { reconcileVippsPayments } = require('unofficial-vipps-medusa');

exports.default = async function vippsReconcile({ container }) {
  const results = await reconcileVippsPayments(container);
  console.log(`VIPPS_RECONCILE ${JSON.stringify(results)}`);
};
