// `npx medusa exec ./src/scripts/vipps-reconcile.js`: the scheduled job (src/jobs/vipps-reconcile.js)
// once, now; prints what it did as one JSON line.
const { default: vippsReconcileJob } = require('../jobs/vipps-reconcile');

exports.default = async function vippsReconcile({ container }) {
  const results = await vippsReconcileJob(container);
  console.log(`VIPPS_RECONCILE ${JSON.stringify(results)}`);
};
