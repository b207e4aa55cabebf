<?php

declare(strict_types=1);

namespace VippsCoreGateway\Tests;

use Vipps\VippsException;
use VippsCoreGateway\Meta;
use VippsCoreGateway\Tests\MemoryOrder;

/** The receipt in the customer's app, posted at capture from the order's lines. */
final class ReceiptTest extends PluginTestCase
{
    public function testCapturePostsTheOrderLinesAndTheOrderPageOnce(): void
    {
        $order = $this->orderWithLines('249.00', [
            ['name' => 'Wool socks', 'id' => 'socks', 'quantity' => 2, 'total' => '200.00', 'tax_rate' => 2500, 'is_shipping' => false],
            ['name' => 'Posten, pickup point', 'id' => 'shipping-7', 'quantity' => 1, 'total' => '49.00', 'tax_rate' => 2500, 'is_shipping' => true],
        ]);
        $reference = $this->paidReference($order);

        $this->payments->capture($order);
        self::assertSame(24900, $this->ledger($reference)['captured']);
        $stored = $this->client->getOrder(['reference' => $reference]);
        $lines = $stored['receipt']['orderLines'];
        self::assertSame(['socks', 'shipping-7'], array_column($lines, 'id'));
        self::assertSame([20000, 4900], array_column($lines, 'totalAmount'));
        self::assertSame([4000, 980], array_column($lines, 'totalTaxAmount'), 'the tax derived from the gross at 25 %');
        self::assertTrue($lines[1]['isShipping']);
        self::assertSame('2', $lines[0]['unitInfo']['quantity']);
        self::assertSame('NOK', $stored['receipt']['bottomLine']['currency']);
        self::assertSame('ORDER_CONFIRMATION', $stored['category']['category']);
        self::assertSame($order->orderPageUrl(), $stored['category']['orderDetailsUrl']);
        self::assertSame($reference, $order->get(Meta::RECEIPT));

        $this->payments->capture($order); // completed again: nothing more to capture or to post
        $notes = implode("\n", $this->orders->row($order->id())['notes']);
        self::assertSame(1, substr_count($notes, 'the receipt (2 lines) is in the customer\'s app'), $notes);
        self::assertStringNotContainsString('not posted', $notes);
    }

    public function testLinesThatDoNotAddUpLeaveANoteAndTheCaptureStands(): void
    {
        $order = $this->orderWithLines('249.00', [
            ['name' => 'Wool socks', 'id' => 'socks', 'quantity' => 2, 'total' => '200.00', 'tax_rate' => 2500, 'is_shipping' => false],
            ['name' => 'Shipping', 'id' => 'shipping-7', 'quantity' => 1, 'total' => '39.00', 'tax_rate' => 2500, 'is_shipping' => true],
        ]);
        $reference = $this->paidReference($order);

        $this->payments->capture($order);
        self::assertSame(24900, $this->ledger($reference)['captured'], 'the capture is not undone');
        $notes = implode("\n", $this->orders->row($order->id())['notes']);
        self::assertStringContainsString('capture of 249.00 NOK', $notes);
        self::assertStringContainsString('the receipt was not posted', $notes);
        self::assertStringContainsString('10.00 NOK short of the payment', $notes, 'the note names the difference');
        self::assertNull($order->get(Meta::RECEIPT), 'tried again at the next completion');
        try {
            $this->client->getOrder(['reference' => $reference]);
            self::fail('the simulator has a receipt or category for the order');
        } catch (VippsException $e) {
            self::assertSame(404, $e->getHttpStatus());
        }
    }

    public function testAnOrderWithoutLinesIsCapturedWithoutAReceipt(): void
    {
        $order = $this->orderWithLines('49.00', []);
        $reference = $this->paidReference($order);
        $this->payments->capture($order);
        self::assertSame(4900, $this->ledger($reference)['captured']);
        self::assertNull($order->get(Meta::RECEIPT));
        self::assertStringNotContainsString('receipt', implode("\n", $this->orders->row($order->id())['notes']));
    }

    /** @param list<array{name: string, id: string, quantity: int, total: string, tax_rate: int, is_shipping: bool}> $lines */
    private function orderWithLines(string $total, array $lines): MemoryOrder
    {
        $id = $this->newOrder($total)->id();
        $this->orders->setLines($id, $lines);
        $order = $this->orders->find($id);
        self::assertInstanceOf(MemoryOrder::class, $order);
        return $order;
    }

    private function paidReference(MemoryOrder $order): string
    {
        $this->payments->start($order, 'https://shop.example/checkout/order-received/' . $order->id());
        $reference = (string) $order->get(Meta::REFERENCE);
        $this->approve($reference);
        $this->sync->poll($order, $reference);
        return $reference;
    }
}
