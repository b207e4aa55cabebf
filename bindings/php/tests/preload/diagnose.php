<?php

declare(strict_types=1);

// Served by `php -S` under the php.ini settings a test gives: makes a client and prints what
// happened, so the test can read the diagnosis a web request gets.
if (!class_exists(Vipps\Client::class)) {
    require dirname(__DIR__, 2) . '/autoload.php';
}
try {
    new Vipps\Client(['base_url' => 'http://127.0.0.1:9', 'system_name' => 's', 'system_version' => '1',
        'plugin_name' => 'p', 'plugin_version' => '1']);
    echo 'loaded';
} catch (Vipps\ConfigException $e) {
    echo $e->getMessage();
}
