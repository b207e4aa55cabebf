<?php

declare(strict_types=1);

namespace VippsCoreGateway\Tests;

use VippsCoreGateway\Meta;
use VippsCoreGateway\Reconciler;
use VippsCoreGateway\UnpaidOrderSweep;

/** The unpaid-order sweep's veto, and the scheduled reconcile, when a webhook was lost. */
final class UnpaidOrderSweepTest extends PluginTestCase
{
    private function sweep(): UnpaidOrderSweep
    {
        return new UnpaidOrderSweep($this->payments, $this->sync, 'vipps_core');
    }

    public function testAnAuthorizedPaymentWhoseWebhookWasLostVetoesTheCancelAndPaysTheOrder(): void
    {
        $order = $this->newOrder('60.00');
        $this->payments->start($order, 'https://shop.example/r/s1');
        $this->approve((string) $order->get(Meta::REFERENCE));
        self::assertFalse($this->sweep()->mayCancel(true, $order));
        self::assertSame('processing', $this->orders->row($order->id())['status']);
    }

    public function testAPaymentNeverFinishedIsCancelledAtVippsBeforeTheOrder(): void
    {
        $order = $this->newOrder('60.00');
        $this->payments->start($order, 'https://shop.example/r/s2');
        $reference = (string) $order->get(Meta::REFERENCE);
        self::assertTrue($this->sweep()->mayCancel(true, $order));
        self::assertSame('cancelled', $this->client->reconcile(['reference' => $reference])['status']);
        try {
            $this->approve($reference);
            self::fail('the customer could still approve a payment whose order is gone');
        } catch (\Vipps\VippsException $e) {
            self::assertSame('cancelled', $this->orders->row($order->id())['status'], $e->getMessage());
        }
    }

    public function testOtherGatewaysAndOrdersWithoutAPaymentAreLeftToWooCommerce(): void
    {
        $other = $this->orders->add(9001, '10.00', 'NOK', 'bacs');
        self::assertTrue($this->sweep()->mayCancel(true, $other));
        self::assertFalse($this->sweep()->mayCancel(false, $other));
        self::assertTrue($this->sweep()->mayCancel(true, $this->newOrder('10.00')));
    }

    public function testWhenTheApiCannotBeAskedTheOrderStays(): void
    {
        $order = $this->newOrder('60.00');
        $this->payments->start($order, 'https://shop.example/r/s3');
        $this->wire(self::client(['base_url' => 'http://127.0.0.1:' . self::closedPort(), 'retry' => ['max_attempts' => 1]]));
        self::assertFalse($this->sweep()->mayCancel(true, $order));
        self::assertSame('pending', $this->orders->row($order->id())['status']);
    }

    public function testTheScheduledReconcileRecoversALostWebhook(): void
    {
        $paid = $this->newOrder('70.00');
        $this->payments->start($paid, 'https://shop.example/r/s4');
        $this->approve((string) $paid->get(Meta::REFERENCE));
        $young = $this->newOrder('70.00', 0);
        $this->payments->start($young, 'https://shop.example/r/s5');
        $this->approve((string) $young->get(Meta::REFERENCE));
        $result = (new Reconciler($this->orders, $this->sync, 'vipps_core'))->run(120);
        self::assertSame('processing', $this->orders->row($paid->id())['status']);
        self::assertSame('pending', $this->orders->row($young->id())['status'], 'too young: its webhook may still come');
        self::assertSame(0, $result['failed']);
        self::assertGreaterThanOrEqual(1, $result['checked']);
    }
}
