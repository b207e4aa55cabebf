<?php

declare(strict_types=1);

namespace Vipps\Tests;

use PHPUnit\Framework\TestCase;
use Vipps\Client;
use Vipps\InvalidInputException;

/** Derived idempotency keys: the same as every other binding's, within each API's limit. */
final class IdempotencyKeyTest extends TestCase
{
    public function testSameInputsSameKey(): void
    {
        $request = ['reference' => 'acme-order-1001', 'operation' => 'capture', 'attempt' => 2];
        self::assertSame('capture-2-acme-order-1001', Client::idempotencyKey($request));
        self::assertSame(Client::idempotencyKey($request), Client::idempotencyKey($request));
    }

    public function testLongReferencesFitEachHeader(): void
    {
        $reference = str_repeat('acme-', 12) . '1001';
        self::assertSame(50, strlen(Client::idempotencyKey(['reference' => $reference, 'operation' => 'refund'])));
        self::assertSame(40, strlen(Client::idempotencyKey(['reference' => $reference, 'operation' => 'refund', 'api' => 'ecom'])));
    }

    public function testBadInputIsRefused(): void
    {
        $this->expectException(InvalidInputException::class);
        Client::idempotencyKey(['reference' => 'acme-order-1001', 'operation' => 'steal']);
    }
}
