#!/usr/bin/env bash
# test-dist part (scripts/test-dist.sh runs it in an empty folder outside the repository): a fresh
# Composer project that requires the package from an artifact repository (the zip; Packagist off),
# then a full payment in php-fpm workers with ffi.enable=preload (php-fpm's default): the master
# preloads the library (ffi.preload, the header written by the package's bin script) and the
# classes (opcache.preload with the package's preload.php); and without preloading, the error names the
# settings. The simulator comes from its tarball.
set -euo pipefail
mkdir artifacts-php project
cp "$ARTIFACTS/unofficial-vipps-vipps-ffi-$VERSION.zip" artifacts-php/
tar -xzf "$ARTIFACTS/vipps-sim-$VERSION-x86_64-linux-gnu.tar.gz"
sim="$PWD/vipps-sim-$VERSION-x86_64-linux-gnu/bin/vipps-sim"
cd project
cat >composer.json <<JSON
{
    "name": "dist-test/shop",
    "require": { "unofficial-vipps/vipps-ffi": "$VERSION" },
    "repositories": [ { "type": "artifact", "url": "../artifacts-php" }, { "packagist.org": false } ]
}
JSON
COMPOSER_HOME="$PWD/../composer-home" COMPOSER_ALLOW_SUPERUSER=1 composer install --no-interaction --no-progress --quiet
pkg="vendor/unofficial-vipps/vipps-ffi"
[ -f "$pkg/lib/linux-x86_64-gnu/libvipps.so" ] && [ -f "$pkg/include/vipps_php.h" ] && [ -f "$pkg/preload.php" ] ||
    { echo "the installed package lacks its library, header or preload script" >&2; exit 1; }

# Without FFI the error names the php.ini settings to change.
disabled=$(php -d ffi.enable=0 -r 'require "vendor/autoload.php";
    try { new Vipps\Client(["base_url" => "http://127.0.0.1:9", "system_name" => "s", "system_version" => "1",
        "plugin_name" => "p", "plugin_version" => "1"]); echo "loaded"; } catch (Vipps\ConfigException $e) { echo $e->getMessage(); }')
case "$disabled" in *"ffi.enable=preload"*opcache.preload=*) echo "   ffi.enable=0: refused, naming ffi.enable and opcache.preload" ;;
    *) echo "with ffi.enable=0 the error does not name the settings: $disabled" >&2; exit 1 ;; esac

php "vendor/bin/scoped-header.php" "$PWD/$pkg/lib/linux-x86_64-gnu/libvipps.so" "$PWD/vipps-scoped.h" >/dev/null
chmod 644 vipps-scoped.h
mkdir public
cat >public/pay.php <<'PHP'
<?php
// Served by php-fpm: one full payment with the preloaded library and classes.
if (!class_exists(Vipps\Client::class)) {
    require dirname(__DIR__) . '/vendor/autoload.php';
}
try {
    $vipps = new Vipps\Client(['base_url' => getenv('VIPPS_BASE_URL'), 'system_name' => 'dist-test', 'system_version' => '1',
        'plugin_name' => 'dist-test', 'plugin_version' => '1']);
    $ref = 'dist-php-' . getmypid() . '-' . bin2hex(random_bytes(4));
    $amount = ['value' => 49900, 'currency' => 'NOK'];
    $vipps->createPayment(['reference' => $ref, 'amount' => $amount, 'paymentMethod' => ['type' => 'WALLET'],
        'userFlow' => 'WEB_REDIRECT', 'returnUrl' => 'https://shop.example/return', 'paymentDescription' => 'dist test']);
    $vipps->forceApprove(['reference' => $ref, 'customer' => ['phoneNumber' => '4791234567']]);
    $captured = $vipps->capture(['reference' => $ref, 'amount' => $amount]);
    $refunded = $vipps->refund(['reference' => $ref, 'amount' => ['value' => 9900, 'currency' => 'NOK']]);
    echo json_encode(['sapi' => PHP_SAPI, 'ffi_enable' => ini_get('ffi.enable'), 'scope' => Vipps\Native::hasScope(),
        'version' => Vipps\Client::version(), 'captured' => $captured['normalized']['status'],
        'refunded' => $refunded['normalized']['status']]);
} catch (Throwable $e) {
    http_response_code(500);
    echo get_class($e), ': ', $e->getMessage();
}
PHP
cat >../fpm-driver.php <<'PHP'
<?php
// Starts php-fpm with ffi.enable=preload, sends /pay.php through FastCGI, checks the answer: once
// with the library and classes preloaded (a payment), once without (the error names the settings).
require getenv('ROOT') . '/bindings/php/tests/fpm/FastCgi.php';
[$_, $project, $pkg] = $argv;
$fpm = trim((string) shell_exec('command -v php-fpm8.2 php-fpm 2>/dev/null | head -n1')) ?: '/usr/sbin/php-fpm8.2';
$root = function_exists('posix_geteuid') && posix_geteuid() === 0;

/** Runs php-fpm with these -d settings, returns the FastCGI answer of /pay.php (null if none). */
function serve(string $fpm, bool $root, string $project, string $name, array $settings): ?array
{
    $dir = dirname($project) . "/fpm-$name";
    @mkdir($dir, 0755);
    $socket = stream_socket_server('tcp://127.0.0.1:0');
    $port = (int) substr(strrchr((string) stream_socket_get_name($socket, false), ':'), 1);
    fclose($socket);
    file_put_contents("$dir/fpm.conf", "[global]\npid = $dir/fpm.pid\nerror_log = $dir/fpm.log\ndaemonize = no\n\n[shop]\n"
        . "listen = 127.0.0.1:$port\npm = static\npm.max_children = 2\n" . ($root ? "user = nobody\ngroup = nogroup\n" : '')
        . "clear_env = no\ncatch_workers_output = yes\n");
    $args = [$fpm, '-F', '-y', "$dir/fpm.conf", '-d', 'ffi.enable=preload'];
    foreach ($settings as $setting) {
        array_push($args, '-d', $setting);
    }
    $process = proc_open($args, [0 => ['file', '/dev/null', 'r'], 1 => ['file', "$dir/out.log", 'a'], 2 => ['file', "$dir/out.log", 'a']], $pipes);
    $params = ['SCRIPT_FILENAME' => "$project/public/pay.php", 'SCRIPT_NAME' => '/pay.php', 'REQUEST_METHOD' => 'GET',
        'REQUEST_URI' => '/pay.php', 'QUERY_STRING' => '', 'SERVER_PROTOCOL' => 'HTTP/1.1', 'GATEWAY_INTERFACE' => 'CGI/1.1',
        'SERVER_NAME' => 'shop.example', 'REMOTE_ADDR' => '127.0.0.1'];
    $answer = null;
    try {
        $deadline = microtime(true) + 15;
        while ($answer === null && microtime(true) < $deadline) {
            try {
                $answer = Vipps\Tests\Fpm\FastCgi::request('127.0.0.1', $port, $params);
            } catch (RuntimeException $e) {
                usleep(100_000); // php-fpm not listening yet
            }
        }
    } finally {
        proc_terminate($process, SIGTERM);
        proc_close($process);
    }
    if ($answer === null) {
        fwrite(STDERR, "php-fpm ($name) did not answer\n" . @file_get_contents("$dir/fpm.log") . @file_get_contents("$dir/out.log"));
    }
    return $answer;
}

$preloaded = ["ffi.preload=$project/vipps-scoped.h", 'opcache.enable=1', "opcache.preload=$project/$pkg/preload.php"];
if ($root) {
    $preloaded[] = 'opcache.preload_user=nobody';
}
$answer = serve($fpm, $root, $project, 'preload', $preloaded);
$data = $answer === null ? null : json_decode($answer['body'], true);
$ok = is_array($data) && $answer['status'] === 200 && $data['sapi'] === 'fpm-fcgi' && $data['ffi_enable'] === 'preload'
    && $data['scope'] === true && $data['version'] === getenv('VERSION') && $data['captured'] === 'captured'
    && $data['refunded'] === 'partially_refunded';
if (!$ok) {
    fwrite(STDERR, 'php-fpm answered: ' . var_export($answer, true) . "\n");
    exit(1);
}
echo "   php-fpm, ffi.enable=preload, preloaded FFI scope: libvipps {$data['version']} created, approved, captured, refunded ({$data['refunded']})\n";

$answer = serve($fpm, $root, $project, 'nopreload', ['opcache.enable=1']);
if ($answer === null || $answer['status'] !== 500 || !str_contains($answer['body'], 'Vipps\ConfigException')
    || !str_contains($answer['body'], 'opcache.preload is not set: set `opcache.preload=')
    || !str_contains($answer['body'], '`ffi.preload=')) {
    fwrite(STDERR, 'php-fpm without preloading answered: ' . var_export($answer, true) . "\n");
    exit(1);
}
echo "   php-fpm, ffi.enable=preload, nothing preloaded: refused, naming opcache.preload and ffi.preload\n";
PHP
chmod -R a+rX .. 
"$ROOT/scripts/with-sim.sh" "$sim" -- php ../fpm-driver.php "$PWD" "$pkg"
