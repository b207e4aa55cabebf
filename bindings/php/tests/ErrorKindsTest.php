<?php

declare(strict_types=1);

namespace Vipps\Tests;

use Vipps\ApiException;
use Vipps\ConfigException;
use Vipps\NetworkException;
use Vipps\NotFoundException;
use Vipps\RateLimitedException;
use Vipps\TimeoutException;
use Vipps\UnauthorizedException;
use Vipps\UnknownOutcomeException;
use Vipps\InvalidInputException;

/** Every error kind the simulator can provoke, as its exception class. */
final class ErrorKindsTest extends SimTestCase
{
    protected function tearDown(): void
    {
        self::sim('DELETE', '/_sim/faults');
    }

    public function testDecimalAmountIsValidationBeforeSending(): void
    {
        $vipps = self::client();
        $reference = self::ref();
        try {
            $vipps->capture(['reference' => $reference, 'amount' => ['value' => 10.5, 'currency' => 'NOK']]);
            self::fail('a decimal amount was accepted');
        } catch (InvalidInputException $e) {
            self::assertSame('invalid_input', $e->getKind());
            self::assertFalse($e->isRetryable());
            self::assertNull($e->getHttpStatus());
        }
        // Filtered by this reference: a request that an earlier test delayed and gave up on can
        // still be logged on the shared simulator while this test runs.
        self::assertSame([], self::sim('GET', "/_sim/requests?path_prefix=/epayment/v1/payments/{$reference}"));
    }

    public function testUnknownSettingIsConfig(): void
    {
        $this->expectException(ConfigException::class);
        new \Vipps\Client(self::config(['timeout' => 5]));
    }

    public function testWrongSecretIsUnauthorized(): void
    {
        $vipps = self::client(['client_id' => 'sim-client-id', 'client_secret' => 'not-the-secret',
            'subscription_key' => 'sim-subscription-key', 'merchant_serial_number' => '123456']);
        try {
            $vipps->getPayment(['reference' => self::ref()]);
            self::fail('a wrong secret was accepted');
        } catch (UnauthorizedException $e) {
            self::assertSame('unauthorized', $e->getKind());
            self::assertSame(401, $e->getHttpStatus());
            self::assertFalse($e->isRetryable());
            self::assertStringNotContainsString('not-the-secret', $e->getMessage());
        }
    }

    public function testAnUnreadableCaptureAnswerIsUnknownOutcomeAndTheSameKeyCapturesOnce(): void
    {
        $vipps = self::client();
        $ref = self::ref('unknown');
        $vipps->createPayment(self::paymentRequest($ref, 5000));
        $vipps->forceApprove(['reference' => $ref, 'customer' => ['phoneNumber' => '4791234567']]);
        // The capture is carried out, but the answer is a proxy's HTML page.
        self::sim('POST', '/_sim/faults', ['method' => 'POST', 'path' => "/epayment/v1/payments/$ref/capture",
            'action' => 'process_then_respond', 'status' => 200, 'body' => '<html>proxy</html>',
            'headers' => ['content-type' => 'text/html']]);
        $request = ['reference' => $ref, 'amount' => self::nok(3000), 'idempotency_key' => "unknown-$ref"];
        try {
            $vipps->capture($request);
            self::fail('an unreadable answer was taken as success');
        } catch (NetworkException $e) {
            self::assertSame(UnknownOutcomeException::class, get_class($e));
            self::assertSame('unknown_outcome', $e->getKind());
            self::assertTrue($e->isRetryable());
            self::assertSame(200, $e->getHttpStatus());
            self::assertSame("unknown-$ref", $e->getIdempotencyKey());
        }
        $captured = $vipps->capture($request);
        self::assertSame(3000, $captured['normalized']['captured']);
        $ledger = self::sim('GET', '/_sim/ledger');
        $captures = [];
        foreach ($ledger['payments'] as $payment) {
            if ($payment['reference'] === $ref) {
                $captures[] = $payment['captures'];
            }
        }
        self::assertSame([[3000]], $captures);
    }

    public function testOverCaptureIsApiWithProblemAndTraceId(): void
    {
        $vipps = self::client();
        $ref = self::ref('over');
        $vipps->createPayment(self::paymentRequest($ref, 1000));
        $vipps->forceApprove(['reference' => $ref, 'customer' => ['phoneNumber' => '4791234567']]);
        try {
            $vipps->capture(['reference' => $ref, 'amount' => self::nok(1001), 'idempotency_key' => "over-$ref"]);
            self::fail('an over-capture was accepted');
        } catch (ApiException $e) {
            self::assertSame(ApiException::class, get_class($e));
            self::assertSame('api', $e->getKind());
            self::assertSame(400, $e->getHttpStatus());
            self::assertSame('6090', $e->getErrorCode());
            self::assertNotEmpty($e->getTraceId());
            $problem = $e->getProblem();
            self::assertIsArray($problem);
            self::assertSame($e->getTraceId(), $problem['traceId']);
            self::assertSame([['name' => 'ErrorCode', 'reason' => '6090']], $problem['extraDetails']);
            self::assertSame("over-$ref", $e->getIdempotencyKey());
            self::assertFalse($e->isRetryable());
        }
    }

    public function testUnknownPaymentIsNotFound(): void
    {
        try {
            self::client()->getPayment(['reference' => self::ref('nope')]);
            self::fail('an unknown payment was found');
        } catch (NotFoundException $e) {
            self::assertSame('not_found', $e->getKind());
            self::assertSame(404, $e->getHttpStatus());
        }
    }

    public function testRetryAfterBeyondTheDeadlineIsRateLimited(): void
    {
        $ref = self::ref('rl');
        self::sim('POST', '/_sim/faults', ['method' => 'GET', 'path' => "/epayment/v1/payments/$ref", 'count' => 10,
            'action' => 'respond', 'status' => 429, 'retry_after' => 60]);
        $vipps = self::client(['timeouts' => ['connect_ms' => 1000, 'request_ms' => 1000, 'total_ms' => 2000]]);
        $started = microtime(true);
        try {
            $vipps->getPayment(['reference' => $ref]);
            self::fail('a 429 was not reported');
        } catch (RateLimitedException $e) {
            self::assertSame('rate_limited', $e->getKind());
            self::assertSame(429, $e->getHttpStatus());
            self::assertTrue($e->isRetryable());
        }
        self::assertLessThan(5.0, microtime(true) - $started);
    }

    public function testDelayBeyondTheTimeoutsIsTimeout(): void
    {
        $vipps = self::client();
        $ref = self::ref('slow');
        $vipps->createPayment(self::paymentRequest($ref));
        self::sim('POST', '/_sim/faults', ['method' => 'GET', 'path' => "/epayment/v1/payments/$ref", 'count' => 10,
            'action' => 'delay', 'delay_ms' => 2000]);
        $slow = self::client(['timeouts' => ['connect_ms' => 300, 'request_ms' => 300, 'total_ms' => 800],
            'retry' => ['max_attempts' => 2, 'base_delay_ms' => 10, 'max_delay_ms' => 20]]);
        $started = microtime(true);
        try {
            $slow->getPayment(['reference' => $ref]);
            self::fail('a slow answer was not a timeout');
        } catch (TimeoutException $e) {
            self::assertSame('timeout', $e->getKind());
            self::assertTrue($e->isRetryable());
            self::assertNull($e->getHttpStatus());
        }
        self::assertLessThan(2.0, microtime(true) - $started);
    }

    public function testClosedPortIsNetwork(): void
    {
        $vipps = new \Vipps\Client(self::config(['base_url' => 'http://127.0.0.1:' . self::closedPort(),
            'retry' => ['max_attempts' => 2, 'base_delay_ms' => 10, 'max_delay_ms' => 20]]));
        try {
            $vipps->createPayment(self::paymentRequest(self::ref('net')) + ['idempotency_key' => 'net-key-1']);
            self::fail('a closed port was reachable');
        } catch (NetworkException $e) {
            self::assertSame('network', $e->getKind());
            self::assertSame('net-key-1', $e->getIdempotencyKey());
            self::assertTrue($e->isRetryable());
            self::assertNull($e->getHttpStatus());
        }
    }
}
