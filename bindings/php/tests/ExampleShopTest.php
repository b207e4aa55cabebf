<?php

declare(strict_types=1);

namespace Vipps\Tests;

/**
 * The example shop (examples/php-shop) under `php -S` with two workers, against the simulator:
 * the simulator delivers Checkout callbacks and signed ePayment webhooks into it over HTTP.
 */
final class ExampleShopTest extends SimTestCase
{
    /** @var resource|null */
    private static $server = null;
    private static string $shop = '';
    private static string $dataDir = '';

    public static function setUpBeforeClass(): void
    {
        $root = dirname(__DIR__, 3) . '/examples/php-shop';
        self::$dataDir = sys_get_temp_dir() . '/vipps-php-shop-test-' . getmypid();
        $port = self::closedPort();
        self::$shop = "http://127.0.0.1:$port";
        $env = getenv() + ['VIPPS_BASE_URL' => self::base()];
        $env['VIPPS_BASE_URL'] = self::base();
        $env['SHOP_DATA_DIR'] = self::$dataDir;
        $env['PHP_CLI_SERVER_WORKERS'] = '2';
        $env['VIPPS_LIB'] = \Vipps\Native::resolveLibraryPath();
        $log = self::$dataDir . '.log';
        self::$server = proc_open([PHP_BINARY, '-d', 'ffi.enable=true', '-S', "127.0.0.1:$port", 'router.php'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', $log, 'a'], 2 => ['file', $log, 'a']], $pipes, $root, $env);
        self::eventually(static function () {
            self::http('GET', self::$shop . '/', null, $status);
            return $status === 200 ? true : null;
        }, 10, 'the shop to start');
    }

    public static function tearDownAfterClass(): void
    {
        if (self::$server !== null) {
            // With PHP_CLI_SERVER_WORKERS the server forks workers that outlive a SIGTERM to their
            // parent: stop the children (found by parent pid in /proc) and then the parent.
            $pid = (int) proc_get_status(self::$server)['pid'];
            foreach (glob('/proc/[0-9]*/stat') ?: [] as $stat) {
                $text = (string) @file_get_contents($stat);
                $after = explode(' ', substr($text, (int) strrpos($text, ')') + 2)); // state, ppid, …
                if (isset($after[1]) && (int) $after[1] === $pid) {
                    posix_kill((int) $text, SIGTERM);
                }
            }
            proc_terminate(self::$server);
            proc_close(self::$server);
            self::$server = null;
        }
        foreach (glob(self::$dataDir . '/*') ?: [] as $file) {
            unlink($file);
        }
        @rmdir(self::$dataDir);
        @unlink(self::$dataDir . '.log');
    }

    /** @return array<string, mixed> */
    private static function order(string $product, string $flow): array
    {
        $answer = self::http('POST', self::$shop . '/order', http_build_query(['product' => $product, 'flow' => $flow]), $status,
            ['Content-Type' => 'application/x-www-form-urlencoded', 'Accept' => 'application/json']);
        self::assertSame(200, $status, json_encode($answer));
        self::assertSame('success', $answer['result']);
        $order = self::http('GET', self::$shop . "/orders/{$answer['order']}.json");
        return ['redirect' => $answer['redirect']] + $order;
    }

    /** @return array<string, mixed> the stored order once $accept says so (no API call is made) */
    private static function waitForOrder(int $id, callable $accept, string $what): array
    {
        return self::eventually(static function () use ($id, $accept) {
            $order = self::http('GET', self::$shop . "/orders/$id.json");
            return $accept($order) ? $order : null;
        }, 15, $what);
    }

    /** @return array<string, mixed> */
    private static function admin(int $id, string $action, array $form = [], int $expect = 200): array
    {
        $answer = self::http('POST', self::$shop . "/admin/orders/$id/$action", http_build_query($form), $status,
            ['Content-Type' => 'application/x-www-form-urlencoded', 'Accept' => 'application/json']);
        self::assertSame($expect, $status, json_encode($answer));
        return $answer;
    }

    public function testCheckoutOrderIsAuthorizedByTheSimulatorsCallbackThenCapturedAndRefunded(): void
    {
        $order = self::order('socks', 'checkout');
        self::assertSame(self::$shop . "/checkout?order={$order['id']}", $order['redirect']);
        self::assertSame('pending', $order['payment_status']);

        $page = self::http('GET', $order['redirect'], null, $status);
        self::assertSame(200, $status);
        self::assertStringContainsString('<script src="' . self::base() . '/sim/vippsCheckoutSDK.js"></script>', $page);
        self::assertStringContainsString('<section id="vipps-checkout-frame-container">', $page);
        self::assertStringContainsString('"iFrameContainerId":"vipps-checkout-frame-container"', $page);
        self::assertStringContainsString('"token":"' . $order['vipps']['token'] . '"', $page);
        self::assertStringContainsString('VippsCheckout(settings)', $page);
        self::assertStringContainsString('session_status_changed', $page);
        $sdk = self::sim('GET', '/sim/vippsCheckoutSDK.js', null, $sdkStatus);
        if ($sdkStatus === 200) {
            self::assertStringContainsString('VippsCheckout', (string) $sdk);
        }

        self::sim('POST', "/_sim/payments/{$order['reference']}/approve");
        $authorized = self::waitForOrder($order['id'], static fn ($o) => $o['payment_status'] === 'authorized', 'the callback');
        self::assertSame('on-hold', $authorized['status']);
        $kinds = array_column(array_filter($authorized['events'], static fn ($e) => $e['verified']), 'kind');
        self::assertContains('checkout_callback', $kinds);
        self::assertArrayNotHasKey('reconciled', $authorized, 'the status came from a poll, not the callback');
        $delivered = array_filter(self::deliveries(self::$shop . '/vipps/callback'),
            static fn ($d) => str_contains($d['body'], $order['reference']));
        self::assertSame([200], array_values(array_unique(array_column($delivered, 'status'))));

        $completed = self::admin($order['id'], 'complete');
        self::assertSame('captured', $completed['payment_status']);
        self::assertSame('completed', $completed['status']);
        self::assertSame(24900, $completed['captured']);

        $refunded = self::admin($order['id'], 'refund', ['amount' => '10.00', 'reason' => 'one sock was missing']);
        self::assertSame('partially_refunded', $refunded['payment_status']);
        self::assertSame(1000, $refunded['refunded']);

        $tooMuch = self::admin($order['id'], 'refund', ['amount' => '1000.00'], 409);
        self::assertSame('api', $tooMuch['kind']);
        self::assertSame('6150', $tooMuch['error_code']);
        self::assertNotEmpty($tooMuch['trace_id']);

        $ledger = self::sim('GET', '/_sim/ledger');
        $mine = array_values(array_filter($ledger['payments'], static fn ($p) => $p['reference'] === $order['reference']))[0];
        self::assertSame(24900, $mine['captured']);
        self::assertSame(1000, $mine['refunded']);
    }

    public function testEpaymentOrderIsAuthorizedBySignedWebhooksAndCancelled(): void
    {
        $order = self::order('coat', 'epayment');
        self::assertStringContainsString('/sim/landing/' . $order['reference'], $order['redirect']);

        self::sim('POST', "/_sim/payments/{$order['reference']}/approve");
        $authorized = self::waitForOrder($order['id'], static fn ($o) => $o['payment_status'] === 'authorized', 'the webhook');
        $webhooks = array_filter($authorized['events'], static fn ($e) => $e['kind'] === 'epayment_webhook' && $e['verified']);
        self::assertContains('authorized', array_column($webhooks, 'status'));
        self::assertSame(149900, $authorized['record']['capturable']);
        $delivered = array_filter(self::deliveries(self::$shop . '/vipps/webhook'),
            static fn ($d) => str_contains($d['body'], $order['reference']));
        self::assertNotEmpty($delivered);
        self::assertSame([200], array_values(array_unique(array_column($delivered, 'status'))));

        $cancelled = self::admin($order['id'], 'cancel');
        self::assertSame('cancelled', $cancelled['payment_status']);
        self::assertSame('cancelled', $cancelled['status']);
        // The CANCELLED webhook follows and changes nothing back.
        $later = self::waitForOrder($order['id'], static fn ($o) => in_array('cancelled', array_column($o['events'], 'status'), true),
            'the cancelled webhook');
        self::assertSame('cancelled', $later['payment_status']);
    }

    public function testReturnPagePollsAndReconcilesWhenTheCallbackIsLost(): void
    {
        self::sim('POST', '/_sim/callback-faults', ['target' => '*', 'action' => 'drop', 'count' => 20]);
        try {
            $order = self::order('skis', 'checkout');
            self::sim('POST', "/_sim/payments/{$order['reference']}/approve");
            $page = self::http('GET', self::$shop . "/return?order={$order['id']}");
            self::assertStringContainsString("/orders/{$order['id']}/status", $page);
            self::assertStringContainsString('setTimeout(poll', $page);
            // The simulator has dropped the session callback (no delivery of it is on its way):
            // only then does "still pending" say that the shop did not learn of it otherwise.
            self::eventually(static fn () => array_filter(self::deliveries(self::$shop),
                static fn ($d) => $d['kind'] === 'checkout' && $d['attempt'] === 0
                    && str_contains($d['body'], $order['reference'])) ?: null, 10, 'the dropped callback');
            self::assertSame('pending', self::http('GET', self::$shop . "/orders/{$order['id']}.json")['payment_status']);
            $polled = self::http('GET', self::$shop . "/orders/{$order['id']}/status", null, $status, ['Accept' => 'application/json']);
            self::assertSame(200, $status);
            self::assertSame('authorized', $polled['payment_status']);
            self::assertSame('authorized', $polled['reconciled']['status']);
        } finally {
            self::sim('DELETE', '/_sim/callback-faults');
        }
    }

    public function testForgedCallbackIsRefusedAndChangesNothing(): void
    {
        $order = self::order('socks', 'checkout');
        $body = json_encode(['sessionId' => 'forged', 'sessionState' => 'PaymentSuccessful', 'reference' => $order['reference'],
            'paymentDetails' => ['state' => 'AUTHORIZED', 'amount' => self::nok(24900), 'aggregate' => [
                'authorizedAmount' => self::nok(24900), 'capturedAmount' => self::nok(0),
                'refundedAmount' => self::nok(0), 'cancelledAmount' => self::nok(0)]]]);
        self::http('POST', self::$shop . "/vipps/callback?order={$order['id']}", $body, $status, ['Authorization' => 'forged-token']);
        self::assertSame(401, $status);
        $forgedWebhook = self::http('POST', self::$shop . '/vipps/webhook', json_encode(['reference' => $order['reference'],
            'name' => 'AUTHORIZED', 'amount' => self::nok(24900), 'success' => true, 'pspReference' => '1',
            'timestamp' => gmdate('Y-m-d\TH:i:s\Z')]), $webhookStatus, ['Authorization' => 'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=AAAA',
            'x-ms-date' => gmdate('D, d M Y H:i:s \G\M\T'), 'x-ms-content-sha256' => 'AAAA']);
        self::assertSame(401, $webhookStatus);
        $stored = self::http('GET', self::$shop . "/orders/{$order['id']}.json");
        self::assertSame('pending', $stored['payment_status']);
        // Only genuine events (the simulator's signed CREATED webhook) were folded in.
        foreach ($stored['events'] ?? [] as $event) {
            self::assertSame('epayment_webhook', $event['kind']);
            self::assertSame('pending', $event['status']);
        }
    }
}
