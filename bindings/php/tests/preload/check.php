<?php

declare(strict_types=1);

// Run under ffi.enable=preload with the library preloaded as FFI scope "VIPPS", either by
// opcache.preload=preload.php (FFI::load) or by ffi.preload=<scoped header>:
//   php -d opcache.enable_cli=1 -d opcache.preload=bindings/php/preload.php -d ffi.enable=preload check.php [opcache|ffi.preload]
// Exits non-zero on any failure.

$mode = $argv[1] ?? 'opcache';
$failures = 0;
function check(bool $ok, string $what): void
{
    global $failures;
    echo ($ok ? 'ok   ' : 'FAIL ') . $what . "\n";
    $failures += $ok ? 0 : 1;
}

try {
    if ($mode === 'opcache') {
        check(class_exists(Vipps\Client::class, false), 'Vipps\\Client is preloaded (no autoloader registered)');
        $status = function_exists('opcache_get_status') ? opcache_get_status(false) : false;
        $classes = $status['preload_statistics']['classes'] ?? [];
        check(in_array('Vipps\\Client', $classes, true), 'opcache reports Vipps\\Client among the preloaded classes');
    } else {
        require dirname(__DIR__, 2) . '/autoload.php';
    }
    check(ini_get('ffi.enable') === 'preload', 'ffi.enable is "preload"');
    $scope = FFI::scope('VIPPS');
    check($scope->vipps_abi_version() === 1, 'FFI::scope("VIPPS") answers vipps_abi_version() = 1');
    check(Vipps\Native::hasScope(), 'the binding sees the scope');
    check(Vipps\Native::ffi() === Vipps\Native::ffi(), 'the binding reuses one FFI instance');

    $base = getenv('VIPPS_BASE_URL') ?: 'http://127.0.0.1:7878';
    $vipps = new Vipps\Client(['base_url' => $base, 'system_name' => 'preload-check', 'system_version' => '1.0',
        'plugin_name' => 'vipps-php', 'plugin_version' => '1.0']);
    check(Vipps\Client::makeOrderId(['prefix' => 'pre', 'order_number' => 1]) === 'pre-1', 'makeOrderId through the scope');
    $ref = 'preload-' . bin2hex(random_bytes(5));
    $vipps->createPayment(['reference' => $ref, 'amount' => ['value' => 1500, 'currency' => 'NOK'],
        'paymentMethod' => ['type' => 'WALLET'], 'userFlow' => 'WEB_REDIRECT', 'returnUrl' => 'http://127.0.0.1/return',
        'paymentDescription' => 'Preloaded payment']);
    $vipps->forceApprove(['reference' => $ref, 'customer' => ['phoneNumber' => '4791234567']]);
    $captured = $vipps->capture(['reference' => $ref, 'amount' => ['value' => 1500, 'currency' => 'NOK']]);
    check($captured['normalized']['status'] === 'captured', 'create, approve and capture a payment through the scope');
    try {
        $vipps->capture(['reference' => $ref, 'amount' => ['value' => 1, 'currency' => 'NOK']]);
        check(false, 'an over-capture throws');
    } catch (Vipps\ApiException $e) {
        check($e->getErrorCode() === '6090', 'an over-capture throws ApiException 6090');
    }
} catch (Throwable $e) {
    check(false, get_class($e) . ': ' . $e->getMessage());
}
echo $failures === 0 ? "preload check ($mode): all ok\n" : "preload check ($mode): $failures failed\n";
exit($failures === 0 ? 0 : 1);
