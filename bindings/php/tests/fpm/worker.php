<?php

declare(strict_types=1);

// Served by php-fpm in tests/fpm/check.php. ?op=pay runs a payment; ?op=callback hands the current
// request to the library through Vipps\CallbackRequest and sends its answer.

if (!class_exists(Vipps\Client::class)) {
    require dirname(__DIR__, 2) . '/autoload.php';
}

$config = ['base_url' => getenv('VIPPS_BASE_URL') ?: 'http://127.0.0.1:7878', 'system_name' => 'php-fpm-check',
    'system_version' => PHP_VERSION, 'plugin_name' => 'vipps-php', 'plugin_version' => '1.0',
    'callback_secret' => 'fpm-check-callback-secret-0123'];

try {
    $vipps = new Vipps\Client($config);
    if (($_GET['op'] ?? '') === 'callback') {
        $result = $vipps->handleCurrentRequest(['kind' => 'checkout_callback']);
        header('X-Verified: ' . ($result['event']['verified'] ? 'yes' : 'no'));
        header('X-Reference: ' . ($result['event']['reference'] ?? ''));
        Vipps\CallbackRequest::send($result['response']);
        return;
    }
    $ref = 'fpm-' . getmypid() . '-' . bin2hex(random_bytes(4));
    $vipps->createSession(['merchantInfo' => ['callbackUrl' => 'http://127.0.0.1:9/cb', 'returnUrl' => 'http://127.0.0.1/r'],
        'transaction' => ['amount' => ['value' => 2500, 'currency' => 'NOK'], 'reference' => "$ref-s",
            'paymentDescription' => 'FPM session']]);
    $vipps->createPayment(['reference' => $ref, 'amount' => ['value' => 2500, 'currency' => 'NOK'],
        'paymentMethod' => ['type' => 'WALLET'], 'userFlow' => 'WEB_REDIRECT', 'returnUrl' => 'http://127.0.0.1/r',
        'paymentDescription' => 'FPM payment']);
    $vipps->forceApprove(['reference' => $ref, 'customer' => ['phoneNumber' => '4791234567']]);
    $captured = $vipps->capture(['reference' => $ref, 'amount' => ['value' => 2500, 'currency' => 'NOK']]);
    try {
        FFI::cdef('int abs(int);');
        $cdef = true;
    } catch (Throwable $e) {
        $cdef = false; // ffi.enable=preload: only preloaded scopes outside the CLI
    }
    header('Content-Type: application/json');
    echo json_encode(['pid' => getmypid(), 'sapi' => PHP_SAPI, 'scope' => Vipps\Native::hasScope(),
        'ffi_enable' => ini_get('ffi.enable'), 'status' => $captured['normalized']['status'],
        'cdef_allowed' => $cdef, 'order_id' => Vipps\Client::makeOrderId(['prefix' => 'fpm', 'order_number' => 1])]);
} catch (Throwable $e) {
    http_response_code(500);
    echo get_class($e) . ': ' . $e->getMessage();
}
