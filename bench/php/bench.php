<?php

declare(strict_types=1);

// PHP part of the benchmark suite (bench/run.py and bench/php/throughput.py drive it; one JSON
// object on stdout). Run with -d ffi.enable=true.
//
//   php bench.php worker DIR INDEX SCHEDULE   one throughput worker: runs the windows of SCHEDULE
//                                             (a JSON file) in which INDEX < concurrency
//   php bench.php nocall DIR ROUNDS PER       makeOrderId, handleCallback, applyEvent per call
//   php bench.php tokens DIR OPS              OPS network calls in one process
//   php bench.php rss DIR WARMUP CALLS        RSS growth over CALLS mixed calls
//
// The plain contender is how a WooCommerce gateway talks to the API: the access token fetched
// once, then curl_init / curl_setopt_array / curl_exec / curl_close per request with the headers,
// json_decode of the answer, a fresh Idempotency-Key per capture.

require dirname(__DIR__, 2) . '/bindings/php/autoload.php';

[$self, $mode, $dir] = $argv + [null, null, null];
$args = array_slice($argv, 3);
$read = static fn (string $name): string => (string) file_get_contents("$dir/$name");
$base = trim($read('base_url'));
$config = json_decode($read('config.json'), true);
$reference = trim($read('reference'));
$refs = static fn (string $name): array => array_values(array_filter(explode("\n", $read("capture_refs_$name"))));
$one = ['value' => 1, 'currency' => 'NOK'];

function uuid4(): string
{
    $b = random_bytes(16);
    $b[6] = chr((ord($b[6]) & 0x0f) | 0x40);
    $b[8] = chr((ord($b[8]) & 0x3f) | 0x80);
    return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($b), 4));
}

function rss_kib(): int
{
    preg_match('/VmRSS:\s+(\d+)/', (string) file_get_contents('/proc/self/status'), $m);
    return (int) $m[1];
}

function median(array $xs): float
{
    sort($xs);
    $n = count($xs);
    return $n % 2 ? (float) $xs[intdiv($n, 2)] : ($xs[$n / 2 - 1] + $xs[$n / 2]) / 2;
}

/** The WooCommerce way: a curl handle per request. Returns [status, decoded body]. */
function curl_request(string $method, string $url, array $headers, ?array $body = null): array
{
    $ch = curl_init($url);
    $opts = [CURLOPT_RETURNTRANSFER => true, CURLOPT_HTTPHEADER => $headers, CURLOPT_TIMEOUT => 20,
        CURLOPT_CONNECTTIMEOUT => 3, CURLOPT_CUSTOMREQUEST => $method];
    if ($body !== null) {
        $opts[CURLOPT_POSTFIELDS] = json_encode($body);
    }
    curl_setopt_array($ch, $opts);
    $text = curl_exec($ch);
    $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
    curl_close($ch);
    if ($text === false || $status !== 200) {
        throw new RuntimeException("$method $url: $status " . substr((string) $text, 0, 200));
    }
    return [$status, json_decode((string) $text, true, 512, JSON_THROW_ON_ERROR)];
}

function plain_headers(string $base): array
{
    [, $token] = curl_request('POST', "$base/accesstoken/get", ['client_id: sim-client-id',
        'client_secret: sim-client-secret', 'Ocp-Apim-Subscription-Key: sim-subscription-key']);
    return ['Authorization: Bearer ' . $token['access_token'], 'Ocp-Apim-Subscription-Key: sim-subscription-key',
        'Merchant-Serial-Number: 123456', 'Accept: application/json', 'Vipps-System-Name: bench',
        'Vipps-System-Version: 1.0', 'Vipps-System-Plugin-Name: vipps-bench', 'Vipps-System-Plugin-Version: 1.0'];
}

function nocalls(Vipps\Client $client, callable $read): array
{
    $request = json_decode($read('webhook_request.json'), true);
    $body = $read('webhook_body.bin');
    $apply = json_decode($read('apply_event_request.json'), true);
    $order = ['prefix' => 'acme', 'order_number' => 1001, 'msn' => '123456', 'attempt' => 2];
    if (!$client->handleCallback($request, $body)['event']['verified']) {
        throw new RuntimeException('webhook fixture does not verify');
    }
    return [
        'make_order_id' => static fn () => Vipps\Client::makeOrderId($order),
        'handle_callback' => static fn () => $client->handleCallback($request, $body),
        'apply_event' => static fn () => $client->applyEvent($apply),
    ];
}

switch ($mode) {
    case 'worker':
        [$index, $scheduleFile] = [(int) $args[0], $args[1]];
        $schedule = json_decode((string) file_get_contents($scheduleFile), true);
        $client = new Vipps\Client($config);
        $headers = plain_headers($base);
        $libCaps = $refs('php');
        $plainCaps = $refs('phpcurl');
        $li = $pi = $index * 7;
        $getUrl = "$base/epayment/v1/payments/$reference";
        $ops = [
            'binding' => [
                'get' => static function () use ($client, $reference) {
                    if ($client->getPayment(['reference' => $reference])['state'] !== 'AUTHORIZED') {
                        throw new RuntimeException('unexpected state');
                    }
                },
                'capture' => static function () use ($client, $libCaps, &$li, $one) {
                    $client->capture(['reference' => $libCaps[$li++ % count($libCaps)], 'amount' => $one]);
                },
            ],
            'plain' => [
                'get' => static function () use ($getUrl, $headers) {
                    [, $p] = curl_request('GET', $getUrl, $headers);
                    if ($p['state'] !== 'AUTHORIZED') {
                        throw new RuntimeException('unexpected state');
                    }
                },
                'capture' => static function () use ($base, $headers, $plainCaps, &$pi, $one) {
                    $ref = $plainCaps[$pi++ % count($plainCaps)];
                    curl_request('POST', "$base/epayment/v1/payments/$ref/capture",
                        array_merge($headers, ['Content-Type: application/json', 'Idempotency-Key: ' . uuid4()]),
                        ['modificationAmount' => $one]);
                },
            ],
        ];
        $ops['binding']['get']();
        $ops['plain']['get']();
        $out = [];
        foreach ($schedule as $w) {
            if ($index >= $w['conc']) {
                $out[] = ['count' => 0, 'elapsed' => 0];
                continue;
            }
            $wait = $w['start'] - microtime(true);
            if ($wait > 0) {
                usleep((int) ($wait * 1e6));
            }
            $fn = $ops[$w['who']][$w['op']];
            $t0 = microtime(true);
            $n = 0;
            while (microtime(true) < $w['end']) {
                $fn();
                $n++;
            }
            $out[] = ['count' => $n, 'elapsed' => microtime(true) - $t0];
        }
        echo json_encode(['windows' => $out]), "\n";
        break;

    case 'nocall':
        [$rounds, $per] = [(int) $args[0], (int) $args[1]];
        $client = new Vipps\Client($config);
        $out = [];
        foreach (nocalls($client, $read) as $name => $fn) {
            for ($i = 0; $i < $per; $i++) {
                $fn();
            }
            $perCall = [];
            for ($r = 0; $r < $rounds; $r++) {
                $t0 = hrtime(true);
                for ($i = 0; $i < $per; $i++) {
                    $fn();
                }
                $perCall[] = (hrtime(true) - $t0) / $per;
            }
            $out["{$name}_ns"] = (int) round(median($perCall));
        }
        echo json_encode($out), "\n";
        break;

    case 'tokens':
        $ops = (int) $args[0];
        $client = new Vipps\Client($config);
        $caps = $refs('php');
        $t0 = microtime(true);
        for ($i = 0; $i < $ops; $i++) {
            if ($i % 2 === 0) {
                $client->getPayment(['reference' => $reference]);
            } else {
                $client->capture(['reference' => $caps[$i % count($caps)], 'amount' => $one]);
            }
        }
        echo json_encode(['ops' => $ops, 'seconds' => microtime(true) - $t0]), "\n";
        break;

    case 'rss':
        [$warmup, $calls] = [(int) $args[0], (int) $args[1]];
        $client = new Vipps\Client($config);
        $fns = nocalls($client, $read);
        $mix = [static fn () => $client->getPayment(['reference' => $reference]), $fns['handle_callback'],
            $fns['apply_event'], $fns['make_order_id']];
        for ($i = 0; $i < $warmup; $i++) {
            $mix[$i % 4]();
        }
        gc_collect_cycles();
        $before = rss_kib();
        $samples = [];
        for ($i = 0; $i < $calls; $i++) {
            $mix[$i % 4]();
            if (($i + 1) % 10000 === 0) {
                $samples[] = rss_kib();
            }
        }
        $after = rss_kib();
        echo json_encode(['warmup' => $warmup, 'calls' => $calls, 'rss_kib_before' => $before,
            'samples_kib' => $samples, 'rss_kib_after' => $after, 'growth_kib' => $after - $before,
            'php_heap_bytes' => memory_get_usage()]), "\n";
        break;

    default:
        fwrite(STDERR, "unknown mode $mode\n");
        exit(2);
}
