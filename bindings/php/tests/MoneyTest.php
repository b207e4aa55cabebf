<?php

declare(strict_types=1);

namespace Vipps\Tests;

use PHPUnit\Framework\TestCase;
use Vipps\Money;
use Vipps\InvalidInputException;

/** The money helper: decimal strings, ints and floats to minor units, never by multiplying. */
final class MoneyTest extends TestCase
{
    /** @return array<string, array{0: string|int|float, 1: string, 2: int}> */
    public static function converts(): array
    {
        return [
            '"15.50"' => ['15.50', 'NOK', 1550],
            '"15.5"' => ['15.5', 'NOK', 1550],
            '"15"' => ['15', 'NOK', 1500],
            '"0"' => ['0', 'NOK', 0],
            '"0.01" DKK' => ['0.01', 'DKK', 1],
            '"15.500" EUR' => ['15.500', 'EUR', 1550],
            '0.29 ((int)(0.29*100) is 28)' => [0.29, 'NOK', 29],
            '0.57' => [0.57, 'NOK', 57],
            '1.15' => [1.15, 'NOK', 115],
            '19.99' => [19.99, 'NOK', 1999],
            '4.35' => [4.35, 'NOK', 435],
            'float(10), get_total_refunded()' => [10.0, 'NOK', 1000],
            '10' => [10, 'NOK', 1000],
            '1e2' => [1e2, 'NOK', 10000],
            '"1e2"' => ['1e2', 'NOK', 10000],
            '"-3.20"' => ['-3.20', 'NOK', -320],
            '-3.2' => [-3.2, 'NOK', -320],
            '123456789.12' => [123456789.12, 'NOK', 12345678912],
            '"10000000000.00"' => ['10000000000.00', 'NOK', 1_000_000_000_000],
        ];
    }

    /** @dataProvider converts */
    public function testConvertsExactly(string|int|float $amount, string $currency, int $expected): void
    {
        self::assertSame($expected, Money::toMinorUnits($amount, $currency));
    }

    public function testFloatsDoNotDependOnPhpIni(): void
    {
        $old = [ini_get('precision'), ini_get('serialize_precision')];
        ini_set('precision', '17');
        ini_set('serialize_precision', '17');
        try {
            self::assertSame(29, Money::toMinorUnits(0.29, 'NOK'));
            self::assertSame(1999, Money::toMinorUnits(19.99, 'NOK'));
        } finally {
            ini_set('precision', (string) $old[0]);
            ini_set('serialize_precision', (string) $old[1]);
        }
    }

    /** @return array<string, array{0: string|int|float, 1: string, 2: string}> */
    public static function refused(): array
    {
        return [
            '"15.555"' => ['15.555', 'NOK', 'more than 2 decimals'],
            '0.1 + 0.2' => [0.1 + 0.2, 'NOK', 'more than 2 decimals'],
            '1e-7' => [1e-7, 'NOK', 'more than 2 decimals'],
            '"1,50"' => ['1,50', 'NOK', 'not a decimal number'],
            '" 15.50"' => [' 15.50', 'NOK', 'not a decimal number'],
            '"15.50\n"' => ["15.50\n", 'NOK', 'not a decimal number'],
            '""' => ['', 'NOK', 'not a decimal number'],
            'NAN' => [NAN, 'NOK', 'finite'],
            'INF' => [INF, 'NOK', 'finite'],
            'SEK' => ['15.50', 'SEK', 'currency must be one of'],
            'over the limit' => ['10000000000.01', 'NOK', "beyond any API's limit"],
            '1e300' => [1e300, 'NOK', "beyond any API's limit"],
        ];
    }

    /** @dataProvider refused */
    public function testRefusesWhatItCannotConvertExactly(string|int|float $amount, string $currency, string $message): void
    {
        try {
            Money::toMinorUnits($amount, $currency);
            self::fail('no exception');
        } catch (InvalidInputException $e) {
            self::assertSame('invalid_input', $e->getKind());
            self::assertStringContainsString($message, $e->getMessage());
        }
    }

    public function testBackToADecimalString(): void
    {
        foreach ([[1550, '15.50'], [5, '0.05'], [0, '0.00'], [-320, '-3.20'], [1_000_000_000_000, '10000000000.00']] as [$value, $text]) {
            self::assertSame($text, Money::fromMinorUnits($value, 'NOK'));
            self::assertSame($value, Money::toMinorUnits($text, 'NOK'));
        }
    }
}
