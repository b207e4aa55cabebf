<?php

declare(strict_types=1);

namespace Vipps\Tests;

use Vipps\CallbackRequest;
use Vipps\Tests\Fpm\FastCgi;

require_once __DIR__ . '/fpm/FastCgi.php';

/**
 * CallbackRequest inside a host framework (issue 17 #1 and #9):
 *   - send() answers with exactly its status and body after the framework set a 200 status line
 *     and opened output buffers (tests/fpm/send_worker.php), under php-fpm and under `php -S`;
 *   - fromGlobals() undoes WordPress's slashes on $_SERVER and takes an explicit URL, so a
 *     correctly signed webhook to a URL containing `'` is verified.
 */
final class CallbackRequestTest extends SimTestCase
{
    private const SHIPPING = '{"addressId":"a1","shippingDetails":[{"priority":0,"amount":{"value":9900,"currency":"NOK"},'
        . '"shippingMethod":"Posten","shippingMethodId":"posten"}]}';
    private const WEBHOOK_SECRET = 'php-webhook-secret-for-magic-quotes';

    /** @var resource|null */
    private static $fpm = null;
    /** @var resource|null */
    private static $cliServer = null;
    private static int $fpmPort = 0;
    private static int $cliPort = 0;
    private static string $dir = '';

    public static function setUpBeforeClass(): void
    {
        self::$dir = sys_get_temp_dir() . '/vipps-php-send-' . getmypid();
        @mkdir(self::$dir, 0755, true);
        chmod(self::$dir, 0755);
        $worker = __DIR__ . '/fpm/send_worker.php';

        $fpm = getenv('PHP_FPM') ?: trim((string) shell_exec('command -v php-fpm8.2 php-fpm 2>/dev/null | head -n1'));
        if ($fpm === '' && is_executable('/usr/sbin/php-fpm8.2')) {
            $fpm = '/usr/sbin/php-fpm8.2';
        }
        self::assertNotSame('', $fpm, 'php-fpm not found (apt-get install php8.2-fpm)');
        self::$fpmPort = self::closedPort();
        $root = function_exists('posix_geteuid') && posix_geteuid() === 0;
        file_put_contents(self::$dir . '/fpm.conf', "[global]\npid = " . self::$dir . "/fpm.pid\nerror_log = "
            . self::$dir . "/fpm.log\ndaemonize = no\n\n[send]\nlisten = 127.0.0.1:" . self::$fpmPort
            . "\npm = static\npm.max_children = 1\n" . ($root ? "user = nobody\ngroup = nogroup\n" : ''));
        $log = ['file', self::$dir . '/servers.log', 'a'];
        self::$fpm = proc_open([$fpm, '-F', '-y', self::$dir . '/fpm.conf'], [0 => ['file', '/dev/null', 'r'], 1 => $log, 2 => $log], $pipes);

        self::$cliPort = self::closedPort();
        self::$cliServer = proc_open([PHP_BINARY, '-S', '127.0.0.1:' . self::$cliPort, $worker],
            [0 => ['file', '/dev/null', 'r'], 1 => $log, 2 => $log], $pipes, __DIR__ . '/fpm');

        self::eventually(static fn () => self::connects(self::$fpmPort) && self::connects(self::$cliPort), 10,
            'php-fpm and php -S to listen');
    }

    public static function tearDownAfterClass(): void
    {
        foreach ([self::$fpm, self::$cliServer] as $process) {
            if (is_resource($process)) {
                proc_terminate($process);
                proc_close($process);
            }
        }
        self::$fpm = self::$cliServer = null;
        array_map('unlink', glob(self::$dir . '/*') ?: []);
        @rmdir(self::$dir);
    }

    /** @return iterable<string, array{string, string}> */
    public static function servers(): iterable
    {
        foreach (['fpm', 'cli-server'] as $server) {
            foreach (['wp', 'line', 'code'] as $framework) {
                yield "$server, framework status $framework" => [$server, $framework];
            }
        }
    }

    /** @dataProvider servers */
    public function testRefusedWebhookIsAnswered401AfterTheFrameworkSet200(string $server, string $framework): void
    {
        $r = self::get($server, "framework=$framework&answer=refused");
        self::assertSame(401, $r['status'], "body: {$r['body']}");
        self::assertSame('', $r['body']);
        self::assertSame('kept', $r['headers']['x-framework'] ?? null, 'a header the framework set is kept');
    }

    /** @dataProvider servers */
    public function testShippingBodyIsExactlyTheLibrarysAfterFrameworkOutput(string $server, string $framework): void
    {
        $r = self::get($server, "framework=$framework&answer=shipping");
        self::assertSame(200, $r['status']);
        self::assertSame(self::SHIPPING, $r['body']);
        self::assertSame('application/json', $r['headers']['content-type'] ?? null);
    }

    public function testStatusOutsideHttpIsRefused(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        CallbackRequest::send(['status' => 42, 'headers' => [], 'body' => null]);
    }

    public function testSlashedServerIsUnslashedOnRequest(): void
    {
        [$server, $body] = self::signedWebhook("/vipps/webhook?order=o'1&note=\"x\"");
        $slashed = array_map('addslashes', $server);
        self::assertStringContainsString("o\\'1", $slashed['REQUEST_URI'], 'the simulation adds slashes as WordPress does');

        [$request] = CallbackRequest::fromGlobals(['kind' => 'epayment_webhook'], $slashed, $body, true);
        self::assertSame($server['REQUEST_URI'], $request['url']);
        self::assertTrue(self::verify($request, $body), 'unslash: true');

        // the defect: the slashed URL does not match the signature
        [$request] = CallbackRequest::fromGlobals(['kind' => 'epayment_webhook'], $slashed, $body, false);
        self::assertFalse(self::verify($request, $body), 'unslash: false keeps the slashes');
        // a $server array passed in is taken as is by default
        [$request] = CallbackRequest::fromGlobals(['kind' => 'epayment_webhook'], $slashed, $body);
        self::assertSame($slashed['REQUEST_URI'], $request['url']);
    }

    public function testExplicitUrlWinsOverRequestUri(): void
    {
        $url = "/vipps/webhook?order=o'2";
        [$server, $body] = self::signedWebhook($url);
        $slashed = array_map('addslashes', $server);
        [$request] = CallbackRequest::fromGlobals(['kind' => 'epayment_webhook', 'url' => $url], $slashed, $body, false);
        self::assertSame($url, $request['url']);
        self::assertTrue(self::verify($request, $body));
    }

    /**
     * Inside WordPress (detected by its wp_unslash()), reading the real $_SERVER undoes the slashes.
     * Runs in a PHP process of its own, which defines wp_unslash() and slashes $_SERVER.
     */
    public function testWordPressIsDetectedWhenReadingTheRealServer(): void
    {
        $url = "/vipps/webhook?order=o'3";
        [$server, $body] = self::signedWebhook($url);
        $script = self::$dir . '/wordpress.php';
        file_put_contents($script, '<?php require ' . var_export(dirname(__DIR__) . '/src/CallbackRequest.php', true) . ";\n"
            . 'function wp_unslash($value) { return is_string($value) ? stripslashes($value) : $value; }' . "\n"
            . '$_SERVER = array_map(static fn ($v) => is_string($v) ? addslashes($v) : $v, '
            . var_export($server, true) . " + \$_SERVER);\n"
            . '[$plain] = Vipps\CallbackRequest::fromGlobals([], null, "");' . "\n"
            . '[$kept] = Vipps\CallbackRequest::fromGlobals([], null, "", false);' . "\n"
            . 'echo json_encode([$plain, $kept]);');
        $out = (string) shell_exec(escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg($script));
        $answer = json_decode($out, true);
        self::assertIsArray($answer, $out);
        [$plain, $kept] = $answer;
        self::assertSame($url, $plain['url']);
        self::assertSame($server['HTTP_X_MS_DATE'], $plain['headers']['X-Ms-Date']);
        self::assertSame(addslashes($url), $kept['url'], 'unslash: false still reads the slashes');
        self::assertTrue(self::verify(['kind' => 'epayment_webhook'] + $plain, $body));
    }

    /** @param array<string, mixed> $request */
    private static function verify(array $request, string $body): bool
    {
        $vipps = self::client(['webhook_secrets' => [self::WEBHOOK_SECRET]]);
        $result = $vipps->handleCallback($request, $body);
        return $result['event']['verified'] === true && $result['response']['status'] === 200;
    }

    /**
     * $_SERVER of an ePayment webhook to $pathAndQuery, signed with WEBHOOK_SECRET as Vipps signs.
     *
     * @return array{0: array<string, string>, 1: string}
     */
    private static function signedWebhook(string $pathAndQuery): array
    {
        $body = json_encode(['msn' => '123456', 'reference' => 'o-1', 'pspReference' => 'psp-1', 'name' => 'AUTHORIZED',
            'amount' => ['currency' => 'NOK', 'value' => 1000], 'timestamp' => gmdate('Y-m-d\TH:i:s\Z'),
            'idempotencyKey' => null, 'success' => true], JSON_UNESCAPED_SLASHES);
        $date = gmdate('D, d M Y H:i:s \G\M\T');
        $host = 'shop.example';
        $hash = base64_encode(hash('sha256', $body, true));
        $signature = base64_encode(hash_hmac('sha256', "POST\n$pathAndQuery\n$date;$host;$hash", self::WEBHOOK_SECRET, true));
        return [[
            'REQUEST_METHOD' => 'POST',
            'REQUEST_URI' => $pathAndQuery,
            'CONTENT_TYPE' => 'application/json',
            'HTTP_HOST' => $host,
            'HTTP_X_MS_DATE' => $date,
            'HTTP_X_MS_CONTENT_SHA256' => $hash,
            'HTTP_AUTHORIZATION' => "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=$signature",
        ], $body];
    }

    /** @return array{status: int, headers: array<string, string>, body: string} */
    private static function get(string $server, string $query): array
    {
        if ($server === 'fpm') {
            $worker = __DIR__ . '/fpm/send_worker.php';
            return FastCgi::request('127.0.0.1', self::$fpmPort, ['SCRIPT_FILENAME' => $worker, 'SCRIPT_NAME' => '/send_worker.php',
                'REQUEST_METHOD' => 'POST', 'REQUEST_URI' => "/send_worker.php?$query", 'QUERY_STRING' => $query,
                'SERVER_PROTOCOL' => 'HTTP/1.1', 'GATEWAY_INTERFACE' => 'CGI/1.1', 'SERVER_NAME' => 'shop.example',
                'HTTP_HOST' => 'shop.example', 'REMOTE_ADDR' => '127.0.0.1']);
        }
        $socket = stream_socket_client('tcp://127.0.0.1:' . self::$cliPort, $errno, $error, 5);
        self::assertNotFalse($socket, $error);
        stream_set_timeout($socket, 30);
        fwrite($socket, "POST /send_worker.php?$query HTTP/1.1\r\nHost: shop.example\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        $raw = (string) stream_get_contents($socket);
        fclose($socket);
        [$head, $body] = array_pad(explode("\r\n\r\n", $raw, 2), 2, '');
        $lines = explode("\r\n", $head);
        $status = preg_match('~^HTTP/\S+ (\d{3})~', (string) array_shift($lines), $m) === 1 ? (int) $m[1] : 0;
        $headers = [];
        foreach ($lines as $line) {
            [$name, $value] = array_map('trim', explode(':', $line, 2) + [1 => '']);
            $headers[strtolower($name)] = $value;
        }
        return ['status' => $status, 'headers' => $headers, 'body' => $body];
    }

    private static function connects(int $port): bool
    {
        $socket = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $error, 1);
        if ($socket === false) {
            return false;
        }
        fclose($socket);
        return true;
    }
}
