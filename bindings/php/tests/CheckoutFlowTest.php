<?php

declare(strict_types=1);

namespace Vipps\Tests;

use Vipps\ConflictException;
use Vipps\NotFoundException;

final class CheckoutFlowTest extends SimTestCase
{
    public function testSessionApprovedCapturedRefundedWithItsCallbackFolded(): void
    {
        $vipps = self::client();
        $ref = self::ref('sess');
        $port = self::closedPort();
        $callbackUrl = "http://127.0.0.1:$port/vipps/callback";
        $session = $vipps->createSession(self::sessionRequest($ref, 49900, $callbackUrl));
        self::assertNotEmpty($session['token']);
        self::assertStringContainsString('/sim/checkout/', $session['checkoutFrontendUrl']);
        self::assertNotEmpty($session['callback_authorization_token']);

        $read = $vipps->getSession(['reference' => $ref]);
        self::assertSame('pending', $read['normalized']['status']);

        $updated = $vipps->updateSession(['reference' => $ref, 'transaction' => ['amount' => self::nok(59900)]]);
        self::assertSame(59900, $updated['paymentDetails']['amount']['value']);
        self::assertSame(59900, $vipps->getSession(['reference' => $ref])['normalized']['amount']);

        self::sim('POST', "/_sim/payments/$ref/approve");
        $read = $vipps->getSession(['reference' => $ref]);
        self::assertSame('PaymentSuccessful', $read['sessionState']);
        self::assertSame('authorized', $read['normalized']['status']);

        // The simulator's callback (to a closed port, so it only shows in the log) verifies.
        $delivery = self::eventually(static fn () => self::deliveries($callbackUrl)[0] ?? null, 10, 'the session callback');
        $result = $vipps->handleCallback(
            ['method' => 'POST', 'url' => '/vipps/callback', 'headers' => $delivery['headers']],
            $delivery['body']
        );
        $event = $result['event'];
        self::assertTrue($event['verified']);
        self::assertSame('checkout_callback', $event['kind']);
        self::assertSame($ref, $event['reference']);
        self::assertSame('authorized', $event['status']);
        self::assertSame(200, $result['response']['status']);

        $folded = $vipps->applyEvent(['record' => null, 'event' => $event]);
        self::assertTrue($folded['applied']);
        self::assertSame('authorized', $folded['record']['status']);
        // The record survives a round trip through PHP arrays (and through JSON storage).
        $stored = json_decode(json_encode($folded['record']), true);
        $again = $vipps->applyEvent(['record' => $stored, 'event' => $event]);
        self::assertFalse($again['applied']);
        self::assertSame('authorized', $again['record']['status']);

        $captured = $vipps->capture(['reference' => $ref, 'amount' => self::nok(59900)]);
        self::assertSame('captured', $captured['normalized']['status']);
        $refunded = $vipps->refund(['reference' => $ref, 'amount' => self::nok(59900)]);
        self::assertSame('refunded', $refunded['normalized']['status']);
        self::assertSame('refunded', $vipps->getSession(['reference' => $ref])['normalized']['status']);
    }

    public function testExpireSessionAndDuplicates(): void
    {
        $vipps = self::client();
        $ref = self::ref('exp');
        $vipps->createSession(self::sessionRequest($ref));
        try {
            $vipps->createSession(self::sessionRequest($ref));
            self::fail('a duplicate reference was accepted');
        } catch (ConflictException $e) {
            self::assertSame(409, $e->getHttpStatus());
        }
        $expired = $vipps->expireSession(['reference' => $ref]);
        self::assertSame('SessionExpired', $expired['sessionState']);
        self::assertSame('expired', $vipps->getSession(['reference' => $ref])['normalized']['status']);
        try {
            $vipps->getSession(['reference' => self::ref('missing')]);
            self::fail('an unknown session was found');
        } catch (NotFoundException $e) {
            self::assertSame(404, $e->getHttpStatus());
            self::assertSame('Session-00100', $e->getErrorCode());
        }
    }

    public function testForgedCheckoutCallbackIsUnverifiedWith401(): void
    {
        $vipps = self::client();
        $ref = self::ref('forged');
        $body = json_encode(['sessionId' => 'x', 'sessionState' => 'PaymentSuccessful', 'reference' => $ref,
            'paymentDetails' => ['state' => 'AUTHORIZED', 'amount' => self::nok(100)]]);
        foreach ([['Authorization' => 'forged-token'], []] as $headers) {
            $result = $vipps->handleCallback(['method' => 'POST', 'url' => '/vipps/callback', 'headers' => $headers], $body);
            self::assertFalse($result['event']['verified']);
            self::assertSame(401, $result['response']['status']);
            self::assertNotEmpty($result['event']['rejection']);
            self::assertStringNotContainsString('forged-token', $result['event']['rejection']);
        }
        $wrongMethod = $vipps->handleCallback(['method' => 'GET', 'url' => '/vipps/callback', 'headers' => []], $body);
        self::assertSame(405, $wrongMethod['response']['status']);
        $garbage = $vipps->handleCallback(['method' => 'POST', 'url' => '/vipps/callback', 'headers' => []], "\x00\xff not json");
        self::assertSame(400, $garbage['response']['status']);
        self::assertFalse($garbage['event']['verified']);
    }

    public function testShippingOptionsResponse(): void
    {
        $vipps = self::client();
        $answer = $vipps->shippingOptionsResponse(['kind' => 'ecom_shipping_details', 'order_id' => 'o-1', 'address_id' => 7,
            'options' => [['id' => 'post', 'brand' => 'POSTEN', 'amount' => self::nok(4999), 'priority' => 1,
                'isDefault' => true, 'title' => 'Posten']]]);
        self::assertSame(200, $answer['status']);
        self::assertSame('application/json', $answer['headers']['Content-Type']);
        self::assertStringContainsString('"shippingCost":49.99', $answer['body']);
        $body = json_decode($answer['body'], true);
        self::assertSame('Y', $body['shippingDetails'][0]['isDefault']);
        self::assertSame('o-1', $body['orderId']);
    }
}
