<?php

declare(strict_types=1);

namespace Vipps\Tests;

use PHPUnit\Framework\TestCase;
use Vipps\Client;

/** Shared helpers: a client for the simulator, the /_sim control API, unique references. */
abstract class SimTestCase extends TestCase
{
    public const CALLBACK_SECRET = 'php-binding-callback-secret-0123';

    protected static function base(): string
    {
        return rtrim((string) getenv('VIPPS_BASE_URL'), '/');
    }

    /** @param array<string, mixed> $overrides */
    protected static function config(array $overrides = []): array
    {
        return array_merge([
            'base_url' => self::base(),
            'system_name' => 'phpunit',
            'system_version' => PHP_VERSION,
            'plugin_name' => 'vipps-php-tests',
            'plugin_version' => '1.0.0',
            'callback_secret' => self::CALLBACK_SECRET,
        ], $overrides);
    }

    /** @param array<string, mixed> $overrides */
    protected static function client(array $overrides = []): Client
    {
        return new Client(self::config($overrides));
    }

    protected static function ref(string $prefix = 'php'): string
    {
        return $prefix . '-' . bin2hex(random_bytes(6));
    }

    /**
     * Calls the simulator's control API (or any simulator path) and decodes the JSON answer.
     *
     * @param mixed $body
     * @return mixed
     */
    protected static function sim(string $method, string $path, $body = null, ?int &$status = null)
    {
        return self::http($method, self::base() . $path, $body, $status);
    }

    /**
     * @param mixed $body
     * @param array<string, string> $headers
     * @return mixed
     */
    protected static function http(string $method, string $url, $body = null, ?int &$status = null, array $headers = [],
        ?string &$raw = null)
    {
        $head = '';
        $headers += ['Content-Type' => 'application/json'];
        foreach ($headers as $name => $value) {
            $head .= "$name: $value\r\n";
        }
        $context = stream_context_create(['http' => [
            'method' => $method,
            'header' => $head,
            'content' => $body === null ? '' : (is_string($body) ? $body : json_encode($body)),
            'ignore_errors' => true,
            'timeout' => 30,
            'follow_location' => 0,
        ]]);
        $raw = @file_get_contents($url, false, $context);
        $status = 0;
        foreach ($http_response_header ?? [] as $line) {
            if (preg_match('#^HTTP/\S+ (\d{3})#', $line, $m)) {
                $status = (int) $m[1];
            }
        }
        if ($raw === false || $raw === '') {
            return null;
        }
        $decoded = json_decode($raw, true);
        return json_last_error() === JSON_ERROR_NONE ? $decoded : $raw;
    }

    /**
     * Waits until $probe returns something other than null/false, or fails.
     *
     * @return mixed
     */
    protected static function eventually(callable $probe, float $seconds = 10.0, string $what = 'condition')
    {
        $deadline = microtime(true) + $seconds;
        do {
            $value = $probe();
            if ($value !== null && $value !== false) {
                return $value;
            }
            usleep(100_000);
        } while (microtime(true) < $deadline);
        self::fail("timed out waiting for $what");
    }

    /**
     * Deliveries the simulator attempted to $urlPrefix.
     *
     * @return list<array<string, mixed>>
     */
    protected static function deliveries(string $urlPrefix): array
    {
        $all = self::sim('GET', '/_sim/callbacks') ?? [];
        return array_values(array_filter($all, static fn ($d) => strncmp((string) $d['url'], $urlPrefix, strlen($urlPrefix)) === 0));
    }

    /** A TCP port nothing listens on. */
    protected static function closedPort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($socket, false);
        fclose($socket);
        return (int) substr((string) $name, strrpos((string) $name, ':') + 1);
    }

    /** @return array<string, mixed> an ePayment create request */
    protected static function paymentRequest(string $reference, int $value = 10000): array
    {
        return [
            'reference' => $reference,
            'amount' => ['value' => $value, 'currency' => 'NOK'],
            'paymentMethod' => ['type' => 'WALLET'],
            'userFlow' => 'WEB_REDIRECT',
            'returnUrl' => 'http://127.0.0.1/return?order=' . $reference,
            'paymentDescription' => 'A warm winter coat',
        ];
    }

    /** @return array<string, mixed> a Checkout session request */
    protected static function sessionRequest(string $reference, int $value = 4900, string $callbackUrl = 'http://127.0.0.1:9/cb'): array
    {
        return [
            'merchantInfo' => ['callbackUrl' => $callbackUrl, 'returnUrl' => 'http://127.0.0.1/return'],
            'transaction' => [
                'amount' => ['value' => $value, 'currency' => 'NOK'],
                'reference' => $reference,
                'paymentDescription' => 'Two pairs of socks',
            ],
        ];
    }

    /** @return array<string, mixed> */
    protected static function nok(int $value): array
    {
        return ['value' => $value, 'currency' => 'NOK'];
    }
}
