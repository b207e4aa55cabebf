<?php

declare(strict_types=1);

// A PSR-4 autoloader for the Vipps\ namespace, for installs without composer:
//     require '/path/to/bindings/php/autoload.php';
// With composer, `vendor/autoload.php` does the same from composer.json.

spl_autoload_register(static function (string $class): void {
    $prefix = 'Vipps\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
