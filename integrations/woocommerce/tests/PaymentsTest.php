<?php

declare(strict_types=1);

namespace VippsCoreGateway\Tests;

use VippsCoreGateway\Meta;
use VippsCoreGateway\PaymentException;

/** Start, capture on completion, refunds and cancel, with keys stored before every call. */
final class PaymentsTest extends PluginTestCase
{
    public function testStartApprovePollCaptureRefund(): void
    {
        $order = $this->newOrder('199.90');
        $url = $this->payments->start($order, 'https://shop.example/checkout/order-received/1');
        self::assertStringContainsString('/sim/landing/', $url);
        $reference = (string) $order->get(Meta::REFERENCE);
        self::assertSame(19990, $this->ledger($reference)['amount']);
        self::assertSame([$reference], $order->get(Meta::REFERENCES));
        self::assertNull($order->get(Meta::CREATING), 'settled');

        $this->approve($reference);
        $this->sync->poll($order, $reference);
        self::assertSame('processing', $order->status(), 'paid once the API says authorized');
        self::assertSame($this->client->reconcile(['reference' => $reference])['psp_reference'], $this->orders->row($order->id())['transaction_id'], 'the PSP reference is the transaction id');
        self::assertNotEmpty($this->orders->row($order->id())['transaction_id']);

        $this->payments->capture($order);
        self::assertSame(19990, $this->ledger($reference)['captured']);
        $this->payments->capture($order); // completed twice: nothing more is owed
        self::assertSame(19990, $this->ledger($reference)['captured']);

        $this->payments->refund($order, '5.00');   // process_refund's decimal string
        $this->payments->refund($order, 10.0);     // get_total_refunded()-style float
        self::assertSame(1500, $this->ledger($reference)['refunded']);
        $notes = implode("\n", $this->orders->row($order->id())['notes']);
        self::assertStringContainsString('refund of 5.00 NOK', $notes);
        self::assertStringContainsString('capture of 199.90 NOK', $notes);
    }

    public function testAStartWhoseAnswerIsLostIsRetriedWithTheSameKeyAndCreatesOnePayment(): void
    {
        $this->wire(self::oneAttemptClient());
        $order = $this->newOrder('49.00');
        self::dropAnswer('POST', '/epayment/v1/payments');
        try {
            $this->payments->start($order, 'https://shop.example/r/2');
            self::fail('the lost answer was not reported');
        } catch (PaymentException $e) {
            self::assertTrue($e->retrySafe, $e->getMessage());
        }
        $creating = $order->get(Meta::CREATING);
        self::assertIsArray($creating, 'the key stays stored for the retry');
        $url = $this->payments->start($order, 'https://shop.example/r/2');
        self::assertStringContainsString('/sim/landing/', $url);
        self::assertSame(1, (int) $order->get(Meta::ATTEMPT), 'the same attempt, not a new payment');
        $mine = array_filter(self::sim('GET', '/_sim/ledger')['payments'], static fn ($p) => $p['reference'] === $creating['reference']);
        self::assertCount(1, $mine);
    }

    public function testAChangedOrderTotalStartsANewAttempt(): void
    {
        $this->wire(self::oneAttemptClient());
        $order = $this->newOrder('49.00');
        self::dropAnswer('POST', '/epayment/v1/payments');
        try {
            $this->payments->start($order, 'https://shop.example/r/3');
        } catch (PaymentException) {
        }
        $first = (string) $order->get(Meta::REFERENCE);
        $order->setTotal('59.00');
        $this->payments->start($order, 'https://shop.example/r/3');
        $second = (string) $order->get(Meta::REFERENCE);
        self::assertNotSame($first, $second);
        self::assertSame(5900, $this->ledger($second)['amount']);
        self::assertSame([$first, $second], $order->get(Meta::REFERENCES), 'webhooks for either find the order');
    }

    public function testACaptureWhoseAnswerIsLostCapturesOnceWhenRepeated(): void
    {
        $order = $this->newOrder('300.00');
        $this->payments->start($order, 'https://shop.example/r/4');
        $reference = (string) $order->get(Meta::REFERENCE);
        $this->approve($reference);
        $this->wire(self::oneAttemptClient());
        self::dropAnswer('POST', "/epayment/v1/payments/$reference/capture");
        try {
            $this->payments->capture($order);
            self::fail('the lost answer was not reported');
        } catch (PaymentException $e) {
            self::assertTrue($e->retrySafe);
        }
        self::assertSame(30000, $this->ledger($reference)['captured'], 'the simulator did capture');
        $this->payments->capture($order);
        self::assertSame(30000, $this->ledger($reference)['captured'], 'and not twice');
        self::assertNull($order->get(Meta::PENDING . 'capture'));
    }

    public function testAnUnsettledRefundMustBeRepeatedBeforeAnotherAmount(): void
    {
        $order = $this->newOrder('100.00');
        $this->payments->start($order, 'https://shop.example/r/5');
        $reference = (string) $order->get(Meta::REFERENCE);
        $this->approve($reference);
        $this->payments->capture($order);
        $this->wire(self::oneAttemptClient());
        self::dropAnswer('POST', "/epayment/v1/payments/$reference/refund");
        try {
            $this->payments->refund($order, '20.00');
            self::fail('the lost answer was not reported');
        } catch (PaymentException $e) {
            self::assertTrue($e->retrySafe);
        }
        try {
            $this->payments->refund($order, '30.00');
            self::fail('a second amount went out while the first was unsettled');
        } catch (PaymentException $e) {
            self::assertStringContainsString('Refund exactly 20.00 NOK again', $e->getMessage());
        }
        $this->payments->refund($order, '20.00');
        self::assertSame(2000, $this->ledger($reference)['refunded']);
        $this->payments->refund($order, '30.00');
        self::assertSame(5000, $this->ledger($reference)['refunded']);
    }

    public function testCancelBeforeApprovalEndsThePaymentAndBadAmountsAreRefused(): void
    {
        $order = $this->newOrder('25.00');
        $this->payments->start($order, 'https://shop.example/r/6');
        $reference = (string) $order->get(Meta::REFERENCE);
        $this->payments->cancel($order);
        self::assertSame('cancelled', $this->client->reconcile(['reference' => $reference])['status']);
        $this->payments->cancel($order); // nothing left: no second call, no error

        $paid = $this->newOrder('25.00');
        $this->payments->start($paid, 'https://shop.example/r/7');
        $this->approve((string) $paid->get(Meta::REFERENCE));
        $this->payments->capture($paid);
        foreach (['0.001', '-5', '0'] as $bad) {
            try {
                $this->payments->refund($paid, $bad);
                self::fail("refund of $bad went out");
            } catch (PaymentException $e) {
                self::assertFalse($e->retrySafe);
            }
        }
        self::assertSame(0, $this->ledger((string) $paid->get(Meta::REFERENCE))['refunded']);
    }
}
