<?php

declare(strict_types=1);

// Wiring for the example shop: the binding, the order store and the gateway, from the environment.
//
//   VIPPS_BASE_URL         the Vipps MobilePay API (default: the simulator at http://127.0.0.1:7878)
//   VIPPS_LIB              absolute path of libvipps.so (default: the repository's target/release, target/debug)
//   VIPPS_CALLBACK_SECRET  derives Checkout callback tokens (default: a demo secret)
//   VIPPS_FLOW             checkout (default) or epayment, when the order form does not say
//   SHOP_DATA_DIR          where orders.json lives (default: <tmp>/vipps-php-shop)
//   SHOP_URL               the shop's public base URL for callbacks (default: http://<Host header>)

$binding = getenv('VIPPS_PHP_BINDING') ?: dirname(__DIR__, 3) . '/bindings/php';
require $binding . '/autoload.php';
require __DIR__ . '/OrderStore.php';
require __DIR__ . '/WC_Gateway_Vipps.php';

function shop_env(string $name, string $default): string
{
    $value = getenv($name);
    return is_string($value) && $value !== '' ? $value : $default;
}

function shop_base_url(): string
{
    return rtrim(shop_env('VIPPS_BASE_URL', 'http://127.0.0.1:7878'), '/');
}

function shop_url(): string
{
    $host = $_SERVER['HTTP_HOST'] ?? '127.0.0.1:8000';
    return rtrim(shop_env('SHOP_URL', 'http://' . $host), '/');
}

function shop_store(): Shop\OrderStore
{
    return new Shop\OrderStore(shop_env('SHOP_DATA_DIR', sys_get_temp_dir() . '/vipps-php-shop'));
}

function shop_gateway(): WC_Gateway_Vipps
{
    static $gateway = null;
    if ($gateway === null) {
        $config = [
            'base_url' => shop_base_url(),
            'system_name' => 'woocommerce',
            'system_version' => '8.9.1',
            'plugin_name' => 'vipps-php-shop-example',
            'plugin_version' => '1.0.0',
            'callback_secret' => shop_env('VIPPS_CALLBACK_SECRET', 'php-shop-demo-callback-secret'),
            'timeouts' => ['connect_ms' => 2000, 'request_ms' => 8000, 'total_ms' => 15000],
        ];
        $lib = getenv('VIPPS_LIB');
        $gateway = new WC_Gateway_Vipps($config, shop_store(), shop_url(), shop_env('VIPPS_FLOW', 'checkout'),
            is_string($lib) && $lib !== '' ? $lib : null);
    }
    return $gateway;
}

/** The catalogue: prices in øre. */
const SHOP_PRODUCTS = [
    'socks' => ['title' => 'Two pairs of wool socks', 'price' => 24900],
    'coat' => ['title' => 'A warm winter coat', 'price' => 149900],
    'skis' => ['title' => 'Cross-country skis', 'price' => 329000],
];
