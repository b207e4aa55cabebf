// Callbacks are not guaranteed: every 5 minutes, the pending Vipps MobilePay sessions are read from
// the API and what a lost webhook would have done is done (README.md, "Reconcile").
const { reconcileVippsPayments } = require('unofficial-vipps-medusa');

exports.default = async function vippsReconcileJob(container) {
  return reconcileVippsPayments(container);
};

exports.config = { name: 'vipps-reconcile', schedule: '*/5 * * * *' };
