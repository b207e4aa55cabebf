<?php

declare(strict_types=1);

namespace Vipps\Tests;

use Vipps\Client;
use Vipps\VippsException;

/** The shared conformance cases (conformance/README.md), run through the PHP binding. */
final class ConformanceTest extends SimTestCase
{
    private const PRESENT = '<present>';
    private const HELPERS = ['make_order_id' => 'makeOrderId', 'idempotency_key' => 'idempotencyKey', 'build_receipt' => 'buildReceipt'];

    private static function dir(): string
    {
        return dirname(__DIR__, 3) . '/conformance';
    }

    /** @return array<string, array{string}> */
    public static function cases(): array
    {
        $cases = [];
        foreach (glob(self::dir() . '/cases/*.json') ?: [] as $file) {
            $cases[basename($file, '.json')] = [$file];
        }
        return $cases;
    }

    public function testThereAreAtLeastFortyCases(): void
    {
        self::assertGreaterThanOrEqual(40, count(self::cases()));
    }

    /** @dataProvider cases */
    public function testCase(string $file): void
    {
        $case = self::decode((string) file_get_contents($file));
        $names = ['reference' => 'conf-' . bin2hex(random_bytes(10)), 'sim_url' => self::base()];
        $config = self::merge(self::decode((string) file_get_contents(self::dir() . '/config.json')), $case['config'] ?? []);
        $client = null;
        try {
            foreach ($case['steps'] as $index => $step) {
                $label = 'step ' . ($index + 1) . ' (' . ($step['call'] ?? $step['sim']) . ')';
                if (isset($step['sim'])) {
                    [$method, $path] = explode(' ', $step['sim'], 2);
                    self::sim($method, self::substitute($path, $names), $method === 'GET' ? null
                        : self::substitute($step['body'] ?? new \stdClass(), $names), $status);
                    self::assertLessThan(400, $status, $label);
                    continue;
                }
                $expect = self::substitute($step['expect'] ?? ['ok' => true], $names);
                $problems = [];
                try {
                    $operation = $step['call'];
                    $request = self::substitute($step['request'] ?? [], $names);
                    if ($operation === 'client_new') {
                        new Client(self::substitute(self::merge($config, $step['request'] ?? []), $names));
                        $result = null;
                    } elseif (isset(self::HELPERS[$operation])) {
                        $result = Client::{self::HELPERS[$operation]}($request);
                    } else {
                        $client ??= new Client(self::substitute($config, $names));
                        $method = lcfirst(str_replace('_', '', ucwords($operation, '_')));
                        self::assertTrue(method_exists($client, $method), "the PHP Client lacks $method");
                        $result = $operation === 'handle_callback'
                            ? $client->handleCallback($request, self::substitute($step['body'] ?? '', $names))
                            : $client->{$method}($request);
                    }
                } catch (VippsException $e) {
                    self::assertFalse($expect['ok'], "$label threw " . get_class($e) . ': ' . $e->getMessage());
                    $kind = $expect['error']['kind'];
                    self::assertSame(VippsException::CLASSES[$kind], get_class($e), "$label: the class for $kind");
                    $fields = ['kind' => $e->getKind(), 'retryable' => $e->isRetryable(), 'http_status' => $e->getHttpStatus(),
                        'error_code' => $e->getErrorCode(), 'idempotency_key' => $e->getIdempotencyKey()];
                    self::compare($fields, $expect['error'], 'error', $problems);
                    self::assertSame([], $problems, $label);
                    continue;
                }
                self::assertTrue($expect['ok'], "$label succeeded: " . json_encode($result));
                if (array_key_exists('value', $expect)) {
                    self::compare($result, $expect['value'], 'value', $problems);
                } else {
                    self::compare($result, $expect['data'] ?? [], 'data', $problems);
                }
                self::assertSame([], $problems, $label);
                foreach ($step['save'] ?? [] as $name => $path) {
                    $names[$name] = $path === '.' ? $result : self::dig($result, $path);
                }
            }
        } finally {
            $client = null;
            self::sim('DELETE', '/_sim/faults');
        }
    }

    /** @return array<string, mixed> */
    private static function decode(string $json): array
    {
        return json_decode($json, true, 512, JSON_THROW_ON_ERROR);
    }

    /**
     * @param array<string, mixed> $base
     * @param array<string, mixed> $overrides
     * @return array<string, mixed>
     */
    private static function merge(array $base, array $overrides): array
    {
        foreach ($overrides as $key => $value) {
            if ($value === null) {
                unset($base[$key]);
            } else {
                $base[$key] = $value;
            }
        }
        return $base;
    }

    /**
     * @param mixed $value
     * @param array<string, mixed> $names
     * @return mixed
     */
    private static function substitute($value, array $names)
    {
        if (is_string($value)) {
            if (preg_match('/^\{\{(\w+)\}\}$/', $value, $m) && array_key_exists($m[1], $names)) {
                return $names[$m[1]];
            }
            return preg_replace_callback('/\{\{(\w+)\}\}/', static fn (array $m): string => (string) $names[$m[1]], $value);
        }
        if (is_array($value)) {
            return array_map(static fn ($item) => self::substitute($item, $names), $value);
        }
        return $value;
    }

    /**
     * @param mixed $actual
     * @param mixed $expected
     * @param list<string> $problems
     */
    private static function compare($actual, $expected, string $where, array &$problems): void
    {
        if ($expected === self::PRESENT) {
            if ($actual === null) {
                $problems[] = "$where: missing";
            }
        } elseif (is_array($expected) && ($expected === [] || !array_is_list($expected))) {
            // An object matches as a subset. PHP decodes `{}` and `[]` alike, so an empty expected
            // array is taken as `{}` (no case expects an empty list).
            if (!is_array($actual)) {
                $problems[] = "$where: " . json_encode($actual) . ' is not an object';
                return;
            }
            foreach ($expected as $key => $value) {
                self::compare($actual[$key] ?? null, $value, "$where.$key", $problems);
            }
        } elseif ($actual !== $expected) {
            $problems[] = "$where: " . json_encode($actual) . ' != ' . json_encode($expected);
        }
    }

    /**
     * @param array<string, mixed> $data
     * @return mixed
     */
    private static function dig(array $data, string $path)
    {
        foreach (explode('.', $path) as $part) {
            $data = $data[$part];
        }
        return $data;
    }
}
