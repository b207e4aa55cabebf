<?php

declare(strict_types=1);

// One shop request in php-fpm (bench/wan/run.py sends it over FastCGI): CALLS payment calls
// through one contender, each timed; prints {"ms": [per call]} as JSON.
//   mode=binding     new Vipps\Client per request, as a plugin does (the library keeps the
//                    connection and the token per process)
//   mode=curl_new    curl_init / curl_exec / curl_close per call (the usual plugin)
//   mode=curl_reuse  one curl handle for all calls of this request
//   mode=ping        nothing (the pool is up)
// The curl contenders use an access token fetched beforehand (a plugin caches it), so they are
// timed for the payment call alone, which favours them against the binding's first call.

$mode = $_GET['mode'] ?? 'ping';
if ($mode === 'ping') {
    echo '{"ms":[]}';
    return;
}
$dir = (string) getenv('VIPPS_WAN_FIXTURES');
$read = static fn (string $name): string => trim((string) file_get_contents("$dir/$name"));
$op = $_GET['op'] ?? 'get';
$rtt = (string) ($_GET['rtt'] ?? '0');
$calls = max(1, (int) ($_GET['calls'] ?? 1));
$base = $read("base_$rtt");
$ca = "$dir/ca.pem";
$readRef = $read('ref_get');
$capRef = $read("ref_{$mode}_$rtt");
$one = ['value' => 1, 'currency' => 'NOK'];

function uuid4(): string
{
    $b = random_bytes(16);
    $b[6] = chr((ord($b[6]) & 0x0f) | 0x40);
    $b[8] = chr((ord($b[8]) & 0x3f) | 0x80);
    return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($b), 4));
}

$ms = [];
if ($mode === 'binding') {
    require dirname(__DIR__, 2) . '/bindings/php/autoload.php';
    $config = [
        'base_url' => $base, 'tls' => ['ca_file' => $ca],
        'system_name' => 'bench', 'system_version' => '1.0', 'plugin_name' => 'vipps-wan', 'plugin_version' => '1.0',
    ];
    if (isset($_GET['log'])) {
        // The cold runs: the library's debug log times each HTTP request (token fetch, call).
        $config['log'] = ['level' => 'debug', 'file' => getenv('VIPPS_WAN_LOGS') . '/' . getmypid() . '.log'];
    }
    $client = new Vipps\Client($config);
    for ($i = 0; $i < $calls; $i++) {
        $t0 = hrtime(true);
        if ($op === 'get') {
            $client->getPayment(['reference' => $readRef]);
        } else {
            $client->capture(['reference' => $capRef, 'amount' => $one]);
        }
        $ms[] = (hrtime(true) - $t0) / 1e6;
    }
} else {
    $headers = ['Authorization: Bearer ' . $read('token'), 'Ocp-Apim-Subscription-Key: sim-subscription-key',
        'Merchant-Serial-Number: 123456', 'Vipps-System-Name: bench', 'Vipps-System-Version: 1.0',
        'Vipps-System-Plugin-Name: vipps-wan', 'Vipps-System-Plugin-Version: 1.0'];
    $ch = null;
    for ($i = 0; $i < $calls; $i++) {
        $t0 = hrtime(true);
        if ($ch === null || $mode === 'curl_new') {
            $ch = curl_init();
        }
        $opts = [CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 20, CURLOPT_CAINFO => $ca,
            CURLOPT_HTTPGET => true, CURLOPT_HTTPHEADER => $headers,
            CURLOPT_URL => "$base/epayment/v1/payments/$readRef"];
        if ($op === 'capture') {
            $opts[CURLOPT_URL] = "$base/epayment/v1/payments/$capRef/capture";
            $opts[CURLOPT_POST] = true;
            $opts[CURLOPT_POSTFIELDS] = json_encode(['modificationAmount' => $one]);
            $opts[CURLOPT_HTTPHEADER] = array_merge($headers,
                ['Content-Type: application/json', 'Idempotency-Key: ' . uuid4()]);
        }
        curl_setopt_array($ch, $opts);
        $text = curl_exec($ch);
        $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        if ($mode === 'curl_new') {
            curl_close($ch);
        }
        $answer = json_decode((string) $text, true);
        $ms[] = (hrtime(true) - $t0) / 1e6;
        if ($status !== 200 || !is_array($answer)) {
            http_response_code(500);
            echo "curl: status $status: " . substr((string) $text, 0, 300);
            return;
        }
    }
}
echo json_encode(['ms' => $ms]);
