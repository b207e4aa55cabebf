<?php

declare(strict_types=1);

// The plugin's logic tested without WordPress: the real binding and library against vipps-sim,
// with in-memory implementations of the plugin's own storage interfaces (tests/support/).

// VIPPS_CORE_PLUGIN_DIR: an unpacked plugin zip (make test-dist), whose bundled binding and
// library are then the ones tested; otherwise the repository's plugin and binding.
$pluginDir = getenv('VIPPS_CORE_PLUGIN_DIR') ?: dirname(__DIR__);
require $pluginDir . '/autoload.php';
// The binding's test bootstrap starts a simulator when VIPPS_BASE_URL names none.
require dirname(__DIR__, 3) . '/bindings/php/tests/bootstrap.php';
foreach (glob(__DIR__ . '/support/*.php') ?: [] as $file) {
    require_once $file;
}
