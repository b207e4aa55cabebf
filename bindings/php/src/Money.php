<?php

declare(strict_types=1);

namespace Vipps;

/**
 * Decimal amounts to integer minor units and back, without floating-point arithmetic.
 *
 * WooCommerce hands out amounts as decimal strings ("15.50") and floats
 * (`get_total_refunded()` gives `float(10)`), while the library takes integer minor units (øre,
 * cents). `(int) (0.29 * 100)` is 28, so a float is never multiplied: it is read through its
 * shortest decimal representation (whatever `precision` or `serialize_precision` php.ini sets),
 * which is exactly the number the shop meant. More decimals than the currency has are refused
 * with a InvalidInputException, never rounded.
 *
 *     $client->refund(['reference' => $ref,
 *         'amount' => ['value' => Vipps\Money::toMinorUnits($amount, 'NOK'), 'currency' => 'NOK']]);
 */
final class Money
{
    /** Decimals per currency: the currencies of ePayment, eCom and Checkout. */
    public const CURRENCY_DECIMALS = ['NOK' => 2, 'DKK' => 2, 'EUR' => 2];

    /** The library's upper bound on any amount, in minor units. */
    public const MAX_MINOR_UNITS = 1_000_000_000_000;

    private const DECIMAL = '/^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/D';

    /** "15.50", 15.5 or 15 NOK → 1550. */
    public static function toMinorUnits(string|int|float $amount, string $currency): int
    {
        $decimals = self::decimals($currency);
        $text = self::text($amount);
        if (preg_match(self::DECIMAL, $text, $m) !== 1) {
            throw self::invalid(sprintf('amount %s is not a decimal number (digits, an optional point and decimals)', json_encode($text)));
        }
        $sign = $m[1];
        $fraction = $m[3] ?? '';
        $digits = $m[2] . $fraction;
        // The value is digits × 10^(exponent − fraction length); in minor units, shift by the decimals.
        $shift = (int) ($m[4] ?? '0') - strlen($fraction) + $decimals;
        if ($shift < 0) {
            $dropped = -$shift <= strlen($digits) ? substr($digits, $shift) : $digits;
            if (trim($dropped, '0') !== '') {
                throw self::invalid(sprintf('amount %s has more than %d decimals for %s: refused, not rounded', $text, $decimals, $currency));
            }
            $digits = -$shift < strlen($digits) ? substr($digits, 0, $shift) : '0';
            $shift = 0;
        }
        $significant = ltrim($digits, '0');
        if (strlen($significant) + $shift > 13) {
            throw self::invalid(sprintf("amount %s %s is beyond any API's limit", $text, $currency));
        }
        $value = (int) ($significant === '' ? '0' : $significant . str_repeat('0', $shift));
        if ($value > self::MAX_MINOR_UNITS) {
            throw self::invalid(sprintf("amount %s %s is beyond any API's limit", $text, $currency));
        }
        return $sign === '-' ? -$value : $value;
    }

    /** 1550 NOK → "15.50": the decimal string a shop displays or stores. */
    public static function fromMinorUnits(int $value, string $currency): string
    {
        $decimals = self::decimals($currency);
        $digits = str_pad((string) abs($value), $decimals + 1, '0', STR_PAD_LEFT);
        return ($value < 0 ? '-' : '') . substr($digits, 0, -$decimals) . '.' . substr($digits, -$decimals);
    }

    private static function decimals(string $currency): int
    {
        if (!isset(self::CURRENCY_DECIMALS[$currency])) {
            throw self::invalid(sprintf('currency must be one of %s, got %s', implode(', ', array_keys(self::CURRENCY_DECIMALS)), json_encode($currency)));
        }
        return self::CURRENCY_DECIMALS[$currency];
    }

    private static function text(string|int|float $amount): string
    {
        if (is_string($amount)) {
            return $amount;
        }
        if (is_int($amount)) {
            return (string) $amount;
        }
        if (!is_finite($amount)) {
            throw self::invalid('amount must be a finite number');
        }
        // The shortest decimal form that reads back as the same float: independent of php.ini.
        for ($precision = 1; $precision < 17; $precision++) {
            $text = sprintf('%.' . $precision . 'G', $amount);
            if ((float) $text === $amount) {
                return $text;
            }
        }
        return sprintf('%.17G', $amount);
    }

    private static function invalid(string $message): InvalidInputException
    {
        return new InvalidInputException(['kind' => 'invalid_input', 'message' => $message, 'retryable' => false]);
    }
}
