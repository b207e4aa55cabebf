<?php

declare(strict_types=1);

// Autoloads the plugin's WordPress-free classes (VippsCoreGateway\ in src/) and the bundled
// binding (Vipps\ in lib/vipps-php/src/ inside the plugin zip, or the repository's binding).

spl_autoload_register(static function (string $class): void {
    $roots = [
        'VippsCoreGateway\\' => [__DIR__ . '/src/'],
        'Vipps\\' => [__DIR__ . '/lib/vipps-php/src/', dirname(__DIR__, 2) . '/bindings/php/src/'],
    ];
    foreach ($roots as $prefix => $dirs) {
        if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
            continue;
        }
        $relative = str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
        foreach ($dirs as $dir) {
            if (is_file($dir . $relative)) {
                require $dir . $relative;
                return;
            }
        }
    }
});
