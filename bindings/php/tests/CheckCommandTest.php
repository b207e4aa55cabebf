<?php

declare(strict_types=1);

namespace Vipps\Tests;

use Vipps\Native;

/** `vendor/bin/vipps-check`: finds the vipps-check binary and passes arguments and exit code. */
final class CheckCommandTest extends SimTestCase
{
    /**
     * @param list<string> $args
     * @param array<string, string> $env
     * @return array{int, string, string}
     */
    private static function runCheck(array $args, array $env): array
    {
        $environment = array_filter(getenv(), fn ($k) => !str_starts_with((string) $k, 'VIPPS_'), ARRAY_FILTER_USE_KEY);
        $command = array_merge([PHP_BINARY, Native::packageDir() . '/bin/vipps-check'], $args);
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, array_merge($environment, $env));
        self::assertIsResource($process);
        $stdout = (string) stream_get_contents($pipes[1]);
        $stderr = (string) stream_get_contents($pipes[2]);
        return [proc_close($process), $stdout, $stderr];
    }

    private static function binary(): string
    {
        return dirname(Native::packageDir(), 2) . '/target/debug/vipps-check';
    }

    public function testRunsTheCheckAgainstTheSimulator(): void
    {
        [$code, $stdout, $stderr] = self::runCheck(['--base-url', self::base(), '--json'], ['VIPPS_CHECK' => self::binary()]);
        self::assertSame(0, $code, $stdout . $stderr);
        $report = json_decode($stdout, true, 512, JSON_THROW_ON_ERROR);
        self::assertTrue($report['passed']);
        self::assertSame(['epayment_refund', 'epayment_cancel'], array_slice(array_column($report['rows'], 'name'), 0, 2));
    }

    public function testProductionIsRefusedWithTheBinaryExitCode(): void
    {
        [$code, , $stderr] = self::runCheck(['--environment', 'production'], ['VIPPS_CHECK' => self::binary()]);
        self::assertSame(2, $code);
        self::assertStringContainsString('refused', $stderr);
    }

    public function testWithoutTheBinaryItSaysHowToBuildIt(): void
    {
        [$code, , $stderr] = self::runCheck(['--help'], ['PATH' => sys_get_temp_dir()]);
        self::assertSame(2, $code);
        self::assertStringContainsString('cargo build --release --bin vipps-check', $stderr);
    }
}
