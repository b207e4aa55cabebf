'use strict';
// The options of the Vipps MobilePay provider configured in this process. The reconcile job runs
// in Medusa's process (a scheduled job, or `medusa exec`) but outside the payment module, which
// does not hand out its providers (and builds them only when first used). Medusa checks every
// provider's options when it loads the module (validateOptions), so they are noted there, and the
// job builds its own provider from them instead of a second copy of the configuration.

const configured = new Set();

function addOptions(options) {
  configured.add(options);
}

/** The options of the one Vipps MobilePay provider of this process. */
function onlyOptions() {
  if (configured.size === 0) {
    throw new Error('unofficial-vipps-medusa: no Vipps MobilePay provider configured in this process (is it in medusa-config\'s payment module providers?)');
  }
  const distinct = new Set([...configured].map((o) => JSON.stringify(o)));
  if (distinct.size > 1) throw new Error('unofficial-vipps-medusa: more than one Vipps MobilePay provider configured; the reconcile job serves one');
  return [...configured][0];
}

module.exports = { addOptions, onlyOptions };
