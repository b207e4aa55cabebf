<?php

declare(strict_types=1);

// The binding in forked php-fpm workers, in two setups:
//   cdef        ffi.enable=true (php-fpm -d); each worker loads the library with FFI::cdef after the fork
//   pool        the same with php_admin_value[ffi.enable] = true in the pool configuration
//   preload     ffi.enable=preload; the master loads the library (ffi.preload, scoped header) and
//               the classes (opcache.preload=preload.php, opcache.preload_user when root) before
//               forking the workers, which use FFI::scope('VIPPS')
// Usage: php tests/fpm/check.php [cdef|preload ...]   (VIPPS_BASE_URL names the simulator)

require dirname(__DIR__, 2) . '/autoload.php';
require __DIR__ . '/FastCgi.php';

use Vipps\Tests\Fpm\FastCgi;

$fpm = getenv('PHP_FPM') ?: trim((string) shell_exec('command -v php-fpm8.2 php-fpm 2>/dev/null | head -n1'));
if ($fpm === '' && is_executable('/usr/sbin/php-fpm8.2')) {
    $fpm = '/usr/sbin/php-fpm8.2';
}
if ($fpm === '') {
    fwrite(STDERR, "php-fpm not found (apt-get install php8.2-fpm)\n");
    exit(1);
}
$base = getenv('VIPPS_BASE_URL') ?: 'http://127.0.0.1:7878';
$modes = array_slice($argv, 1) ?: ['cdef', 'pool', 'preload'];
$failures = 0;
function check(bool $ok, string $what): void
{
    global $failures;
    echo ($ok ? 'ok   ' : 'FAIL ') . $what . "\n";
    $failures += $ok ? 0 : 1;
}

$root = function_exists('posix_geteuid') && posix_geteuid() === 0;
$worker = __DIR__ . '/worker.php';
$secret = 'fpm-check-callback-secret-0123';
$cli = new Vipps\Client(['base_url' => $base, 'system_name' => 'fpm-check', 'system_version' => '1', 'plugin_name' => 'p',
    'plugin_version' => '1', 'callback_secret' => $secret]);

foreach ($modes as $mode) {
    $dir = sys_get_temp_dir() . "/vipps-php-fpm-$mode-" . getmypid();
    @mkdir($dir, 0755, true);
    chmod($dir, 0755);
    $socket = stream_socket_server('tcp://127.0.0.1:0');
    $port = (int) substr((string) stream_socket_get_name($socket, false), strrpos((string) stream_socket_get_name($socket, false), ':') + 1);
    fclose($socket);
    $user = $root ? "user = nobody\ngroup = nogroup\n" : '';
    file_put_contents("$dir/fpm.conf", "[global]\npid = $dir/fpm.pid\nerror_log = $dir/fpm.log\ndaemonize = no\n\n"
        . "[vipps]\nlisten = 127.0.0.1:$port\npm = static\npm.max_children = 2\n{$user}clear_env = no\n"
        . "catch_workers_output = yes\nenv[VIPPS_BASE_URL] = $base\n"
        . ($mode === 'pool' ? "php_admin_value[ffi.enable] = true\n" : ''));
    $args = [$fpm, '-F', '-y', "$dir/fpm.conf"];
    if ($mode === 'cdef') {
        $args = array_merge($args, ['-d', 'ffi.enable=true']);
    } elseif ($mode === 'pool') {
        // ffi.enable=true set by the pool (php_admin_value), the master keeps the default
    } else {
        $header = Vipps\Native::writeScopedHeader(null, "$dir/vipps-scoped.h");
        chmod($header, 0644);
        $args = array_merge($args, ['-d', 'ffi.enable=preload', '-d', "ffi.preload=$header", '-d', 'opcache.enable=1',
            '-d', 'opcache.preload=' . dirname(__DIR__, 2) . '/preload.php']);
        if ($root) {
            $args = array_merge($args, ['-d', 'opcache.preload_user=nobody']);
        }
    }
    $process = proc_open($args, [0 => ['file', '/dev/null', 'r'], 1 => ['file', "$dir/stdout.log", 'a'],
        2 => ['file', "$dir/stdout.log", 'a']], $pipes);
    echo "-- php-fpm ($mode) on 127.0.0.1:$port\n";
    $params = static fn (string $query) => ['SCRIPT_FILENAME' => $worker, 'SCRIPT_NAME' => '/worker.php',
        'REQUEST_METHOD' => 'GET', 'REQUEST_URI' => "/worker.php?$query", 'QUERY_STRING' => $query,
        'SERVER_PROTOCOL' => 'HTTP/1.1', 'GATEWAY_INTERFACE' => 'CGI/1.1', 'SERVER_NAME' => 'shop.example',
        'HTTP_HOST' => 'shop.example', 'REMOTE_ADDR' => '127.0.0.1'];
    try {
        $deadline = microtime(true) + 10;
        $first = null;
        while (microtime(true) < $deadline) {
            try {
                $first = FastCgi::request('127.0.0.1', $port, $params('op=pay'));
                break;
            } catch (RuntimeException $e) {
                usleep(100_000);
            }
        }
        check($first !== null, "php-fpm answers ($mode)");
        $pids = [];
        foreach (array_merge([$first], array_map(static fn () => FastCgi::request('127.0.0.1', $port, $params('op=pay')), range(1, 5))) as $r) {
            if ($r === null) {
                continue;
            }
            $data = json_decode($r['body'], true);
            if (!is_array($data)) {
                check(false, "worker answered {$r['status']}: {$r['body']} {$r['stderr']}");
                continue;
            }
            $pids[$data['pid']] = true;
            check($r['status'] === 200 && $data['status'] === 'captured' && $data['sapi'] === 'fpm-fcgi'
                && $data['order_id'] === 'fpm-1', "worker {$data['pid']}: session, payment, approve, capture");
            check($data['scope'] === ($mode === 'preload'), "worker {$data['pid']}: " . ($mode === 'preload'
                ? 'uses the preloaded FFI scope' : 'loads the library itself') . " (ffi.enable={$data['ffi_enable']})");
            check($data['cdef_allowed'] === ($mode !== 'preload'), "worker {$data['pid']}: FFI::cdef is "
                . ($data['cdef_allowed'] ? 'allowed' : 'refused'));
        }
        echo '     served by ' . count($pids) . " worker process(es)\n";

        // The request helper under FPM: headers, method, URI and body reach handleCallback.
        $ref = 'fpm-cb-' . bin2hex(random_bytes(4));
        $token = $cli->createSession(['merchantInfo' => ['callbackUrl' => 'http://127.0.0.1:9/cb', 'returnUrl' => 'http://127.0.0.1/r'],
            'transaction' => ['amount' => ['value' => 100, 'currency' => 'NOK'], 'reference' => $ref,
                'paymentDescription' => 'FPM callback']])['callback_authorization_token'];
        $body = json_encode(['sessionId' => 'sess-1', 'sessionState' => 'PaymentSuccessful', 'reference' => $ref,
            'paymentDetails' => ['state' => 'AUTHORIZED', 'amount' => ['value' => 100, 'currency' => 'NOK']]]);
        foreach ([$token => [200, 'yes'], 'forged' => [401, 'no']] as $auth => [$status, $verified]) {
            $p = ['REQUEST_METHOD' => 'POST', 'CONTENT_TYPE' => 'application/json', 'HTTP_AUTHORIZATION' => $auth] + $params('op=callback');
            $r = FastCgi::request('127.0.0.1', $port, $p, $body);
            check($r['status'] === $status && ($r['headers']['x-verified'] ?? '') === $verified
                && ($r['headers']['x-reference'] ?? '') === $ref,
                "callback with " . ($auth === 'forged' ? 'a forged' : 'the right') . " token: $status, verified $verified"
                . " (got {$r['status']}, " . ($r['headers']['x-verified'] ?? '-') . ')');
        }
    } catch (Throwable $e) {
        check(false, get_class($e) . ': ' . $e->getMessage());
    } finally {
        proc_terminate($process, SIGTERM);
        proc_close($process);
        if ($failures > 0) {
            echo "     php-fpm log:\n" . @file_get_contents("$dir/fpm.log") . @file_get_contents("$dir/stdout.log");
        }
        array_map('unlink', glob("$dir/*") ?: []);
        @rmdir($dir);
    }
}
echo $failures === 0 ? "php-fpm check: all ok\n" : "php-fpm check: $failures failed\n";
exit($failures === 0 ? 0 : 1);
