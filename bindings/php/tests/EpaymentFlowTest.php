<?php

declare(strict_types=1);

namespace Vipps\Tests;

use Vipps\ConflictException;

final class EpaymentFlowTest extends SimTestCase
{
    public function testCreateApproveCaptureRefund(): void
    {
        $vipps = self::client();
        $ref = self::ref('pay');
        $created = $vipps->createPayment(self::paymentRequest($ref, 100000) + ['idempotency_key' => "create-$ref"]);
        self::assertSame($ref, $created['reference']);
        self::assertSame("create-$ref", $created['idempotency_key']);
        self::assertStringContainsString('/sim/landing/', $created['redirectUrl']);

        self::assertSame('pending', $vipps->getPayment(['reference' => $ref])['normalized']['status']);
        $vipps->forceApprove(['reference' => $ref, 'customer' => ['phoneNumber' => '4791234567']]);
        $payment = $vipps->getPayment(['reference' => $ref]);
        self::assertSame('AUTHORIZED', $payment['state']);
        self::assertSame('authorized', $payment['normalized']['status']);
        self::assertSame(100000, $payment['normalized']['capturable']);

        $first = $vipps->capture(['reference' => $ref, 'amount' => self::nok(60000), 'idempotency_key' => "cap-$ref-1"]);
        self::assertSame('partially_captured', $first['normalized']['status']);
        // A retry with the same key and body is replayed, not captured twice.
        $replay = $vipps->capture(['reference' => $ref, 'amount' => self::nok(60000), 'idempotency_key' => "cap-$ref-1"]);
        self::assertSame(60000, $replay['normalized']['captured']);
        $rest = $vipps->capture(['reference' => $ref, 'amount' => self::nok(40000)]);
        self::assertSame('captured', $rest['normalized']['status']);
        self::assertNotEmpty($rest['idempotency_key']);

        $refund = $vipps->refund(['reference' => $ref, 'amount' => self::nok(25000), 'idempotency_key' => "ref-$ref-1"]);
        self::assertSame('partially_refunded', $refund['normalized']['status']);
        self::assertSame(75000, $refund['normalized']['refundable']);

        $reconciled = $vipps->reconcile(['reference' => $ref]);
        self::assertSame('partially_refunded', $reconciled['status']);
        self::assertSame(75000, $reconciled['refundable']);

        $events = $vipps->getPaymentEvents(['reference' => $ref]);
        $names = array_column($events['events'], 'name');
        self::assertSame(['CREATED', 'AUTHORIZED', 'CAPTURED', 'CAPTURED', 'REFUNDED'], $names);

        $ledger = self::sim('GET', '/_sim/ledger');
        $mine = array_values(array_filter($ledger['payments'], static fn ($p) => $p['reference'] === $ref))[0];
        self::assertSame(100000, $mine['captured']);
        self::assertSame(25000, $mine['refunded']);
    }

    public function testCancelBeforeAndAfterAuthorization(): void
    {
        $vipps = self::client();
        $ref = self::ref('cancel');
        $vipps->createPayment(self::paymentRequest($ref));
        $cancelled = $vipps->cancel(['reference' => $ref]);
        self::assertSame('cancelled', $cancelled['normalized']['status']);
        self::assertTrue($cancelled['normalized']['final']);

        $ref2 = self::ref('cancel');
        $vipps->createPayment(self::paymentRequest($ref2, 5000));
        $vipps->forceApprove(['reference' => $ref2, 'customer' => ['phoneNumber' => '4791234567']]);
        $vipps->capture(['reference' => $ref2, 'amount' => self::nok(2000)]);
        $after = $vipps->cancel(['reference' => $ref2]);
        self::assertSame('captured', $after['normalized']['status']);
        self::assertSame(3000, $after['normalized']['cancelled']);
        self::assertSame(0, $after['normalized']['capturable']);
    }

    public function testWaitForFinalStatus(): void
    {
        $vipps = self::client(['polling' => ['initial_delay_ms' => 0, 'interval_ms' => 100]]);
        $ref = self::ref('wait');
        $vipps->createPayment(self::paymentRequest($ref));
        $pending = $vipps->waitForFinalStatus(['reference' => $ref, 'timeout_ms' => 300]);
        self::assertSame('pending', $pending['status']);
        self::assertTrue($pending['timed_out']);
        self::sim('POST', "/_sim/payments/$ref/reject");
        $final = $vipps->waitForFinalStatus(['reference' => $ref, 'timeout_ms' => 5000]);
        self::assertSame('aborted', $final['status']);
        self::assertTrue($final['final']);
        self::assertFalse($final['timed_out']);
    }

    public function testSameIdempotencyKeyWithAnotherAmountIsConflict(): void
    {
        $vipps = self::client();
        $ref = self::ref('conflict');
        $vipps->createPayment(self::paymentRequest($ref));
        $vipps->forceApprove(['reference' => $ref, 'customer' => ['phoneNumber' => '4791234567']]);
        $vipps->capture(['reference' => $ref, 'amount' => self::nok(1000), 'idempotency_key' => "k-$ref"]);
        try {
            $vipps->capture(['reference' => $ref, 'amount' => self::nok(2000), 'idempotency_key' => "k-$ref"]);
            self::fail('no conflict');
        } catch (ConflictException $e) {
            self::assertSame('conflict', $e->getKind());
            self::assertSame(409, $e->getHttpStatus());
            self::assertSame("k-$ref", $e->getIdempotencyKey());
            self::assertFalse($e->isRetryable());
        }
    }

    public function testEcomInitiateAndStatus(): void
    {
        $vipps = self::client();
        $orderId = self::ref('ecom');
        $init = $vipps->ecomInitiate([
            'merchantInfo' => [
                'merchantSerialNumber' => '123456',
                'callbackPrefix' => 'http://127.0.0.1:9/vipps',
                'fallBack' => 'http://127.0.0.1:9/return',
            ],
            'customerInfo' => ['mobileNumber' => '91234567'],
            'transaction' => ['orderId' => $orderId, 'amount' => 20000, 'transactionText' => 'One pair of skis'],
        ]);
        self::assertSame($orderId, $init['orderId']);
        self::assertNotEmpty($init['url']);
        $status = $vipps->ecomStatus(['reference' => $orderId]);
        self::assertArrayHasKey('normalized_status', $status);
        $vipps->forceApprove(['reference' => $orderId, 'api' => 'ecom', 'customer' => ['phoneNumber' => '4791234567']]);
        $captured = $vipps->capture(['reference' => $orderId, 'api' => 'ecom', 'amount' => self::nok(20000)]);
        self::assertSame('captured', $captured['normalized']['status']);
    }
}
