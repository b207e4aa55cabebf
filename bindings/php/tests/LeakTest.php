<?php

declare(strict_types=1);

namespace Vipps\Tests;

use Vipps\Client;
use Vipps\Native;

/**
 * Every owned string is freed. memory_get_usage() sees only PHP's heap, so this measures the
 * process RSS (VmRSS in /proc/self/status) around 10,000 calls that do no I/O.
 */
final class LeakTest extends SimTestCase
{
    private const CALLS = 10000;
    private const LIMIT = 1024 * 1024;

    private static function rss(): int
    {
        gc_collect_cycles();
        $status = (string) file_get_contents('/proc/self/status');
        if (!preg_match('/^VmRSS:\s+(\d+) kB/m', $status, $m)) {
            self::markTestSkipped('no VmRSS in /proc/self/status');
        }
        return (int) $m[1] * 1024;
    }

    /** @return array<string, mixed> a verified-looking event for applyEvent */
    private static function event(Client $vipps): array
    {
        $ref = 'leak-ref';
        $body = json_encode(['sessionId' => 's1', 'sessionState' => 'PaymentSuccessful', 'reference' => $ref,
            'paymentDetails' => ['state' => 'AUTHORIZED', 'amount' => self::nok(1000), 'aggregate' => [
                'authorizedAmount' => self::nok(1000), 'capturedAmount' => self::nok(0),
                'refundedAmount' => self::nok(0), 'cancelledAmount' => self::nok(0)]]]);
        $token = $vipps->createSession(self::sessionRequest(self::ref('leak')))['callback_authorization_token'];
        $result = $vipps->handleCallback(['method' => 'POST', 'url' => '/cb', 'headers' => ['Authorization' => $token],
            'expected_token' => $token, 'reference' => $ref], $body);
        self::assertTrue($result['event']['verified'], $result['event']['rejection'] ?? '');
        return $result['event'];
    }

    /**
     * @param callable(int): void $call
     */
    private static function growth(callable $call): int
    {
        for ($i = 0; $i < 1000; $i++) {
            $call($i);
        }
        $before = self::rss();
        for ($i = 0; $i < self::CALLS; $i++) {
            $call($i);
        }
        return self::rss() - $before;
    }

    public function testNoLeakOverTenThousandCalls(): void
    {
        $vipps = self::client();
        $event = self::event($vipps);
        $forged = json_encode(['sessionId' => 's1', 'sessionState' => 'PaymentSuccessful', 'reference' => 'r']);
        $growth = [
            'makeOrderId' => self::growth(static function (int $i): void {
                Client::makeOrderId(['prefix' => 'acme', 'order_number' => $i]);
            }),
            'applyEvent' => self::growth(static function () use ($vipps, $event): void {
                $vipps->applyEvent(['record' => null, 'event' => $event]);
            }),
            'handleCallback' => self::growth(static function () use ($vipps, $forged): void {
                $vipps->handleCallback(['method' => 'POST', 'url' => '/cb', 'headers' => ['Authorization' => 'x']], $forged);
            }),
            'errors' => self::growth(static function () use ($vipps): void {
                try {
                    $vipps->capture(['reference' => 'r', 'amount' => ['value' => 1.5, 'currency' => 'NOK']]);
                } catch (\Vipps\InvalidInputException $e) {
                }
            }),
            'client lifecycle' => self::growth(static function (): void {
                new Client(self::config());
            }),
        ];
        $report = [];
        foreach ($growth as $what => $bytes) {
            $report[] = sprintf('%s %+d KiB', $what, intdiv($bytes, 1024));
        }
        fwrite(STDERR, "\nRSS growth over " . self::CALLS . ' calls: ' . implode(', ', $report) . "\n");
        foreach ($growth as $what => $bytes) {
            self::assertLessThan(self::LIMIT, $bytes, "$what grew the RSS by $bytes bytes");
        }
    }

    public function testTheMeasurementSeesALeak(): void
    {
        // Control: the same applyEvent call with the owned string copied but never freed.
        $vipps = self::client();
        $event = self::event($vipps);
        $ffi = Native::ffi();
        $handle = (new \ReflectionProperty(Client::class, 'handle'));
        $handle->setAccessible(true);
        $native = $handle->getValue($vipps);
        $request = Native::encode(['record' => null, 'event' => $event]);
        $bytes = self::growth(static function () use ($ffi, $native, $request): void {
            \FFI::string($ffi->vipps_apply_event($native, $request));
        });
        fwrite(STDERR, sprintf("leak control (never freed): %+d KiB\n", intdiv($bytes, 1024)));
        self::assertGreaterThan(self::LIMIT, $bytes, 'the leak control did not show in the RSS');
    }
}
