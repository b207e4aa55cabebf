<?php

declare(strict_types=1);

// One "request" of a shop: load the binding, create a client, make an order id (no I/O) and,
// with op=get, read a payment. Prints how long the binding took inside this request, as JSON.
// Used as a CLI script (one process per request) and as a php-fpm script (bench/php/coldstart.py).
// The fixtures directory comes from VIPPS_BENCH_FIXTURES (CLI env, or the pool's env[]).

$t0 = hrtime(true);
require dirname(__DIR__, 2) . '/bindings/php/autoload.php';
$dir = getenv('VIPPS_BENCH_FIXTURES');
$config = json_decode((string) file_get_contents("$dir/config.json"), true);
$client = new Vipps\Client($config);
$t1 = hrtime(true);
$id = Vipps\Client::makeOrderId(['prefix' => 'acme', 'order_number' => 1001]);
$op = $_GET['op'] ?? ($argv[1] ?? '');
if ($op === 'get') {
    $client->getPayment(['reference' => trim((string) file_get_contents("$dir/reference"))]);
}
$t2 = hrtime(true);
echo json_encode(['client_us' => ($t1 - $t0) / 1e3, 'total_us' => ($t2 - $t0) / 1e3, 'order_id' => $id,
    'scope' => Vipps\Native::hasScope()]);
