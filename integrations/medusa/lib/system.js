'use strict';
// The Vipps-System-* headers: Medusa and its version, this provider and its version.

function versionOf(pkg) {
  try {
    return require(`${pkg}/package.json`).version;
  } catch {
    return 'unknown';
  }
}

function systemHeaders() {
  return {
    system_name: 'medusa',
    system_version: versionOf('@medusajs/medusa'),
    plugin_name: 'unofficial-vipps-medusa',
    plugin_version: require('../package.json').version,
  };
}

module.exports = { systemHeaders };
