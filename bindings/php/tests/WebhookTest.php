<?php

declare(strict_types=1);

namespace Vipps\Tests;

final class WebhookTest extends SimTestCase
{
    /** @var array<string, mixed> */
    private array $policy = [];

    protected function setUp(): void
    {
        // Deliveries to the closed port fail; one attempt each keeps later events from waiting.
        $this->policy = self::sim('GET', '/_sim/delivery-policy');
        self::sim('PUT', '/_sim/delivery-policy', ['webhook_max_attempts' => 1] + $this->policy);
    }

    protected function tearDown(): void
    {
        self::sim('PUT', '/_sim/delivery-policy', $this->policy);
    }

    public function testRegisterReceiveVerifyFoldAndDelete(): void
    {
        $vipps = self::client();
        $port = self::closedPort();
        $url = "http://127.0.0.1:$port/vipps/webhook?site=2";
        $registered = $vipps->registerWebhook(['url' => $url, 'events' => [
            'epayments.payment.authorized.v1', 'epayments.payment.captured.v1']]);
        self::assertNotEmpty($registered['id']);
        self::assertNotEmpty($registered['secret']);
        $ids = array_column($vipps->listWebhooks()['webhooks'], 'id');
        self::assertContains($registered['id'], $ids);

        $receiver = self::client(['webhook_secrets' => [$registered['secret']]]);
        $ref = self::ref('wh');
        $vipps->createPayment(self::paymentRequest($ref, 3000));
        $vipps->forceApprove(['reference' => $ref, 'customer' => ['phoneNumber' => '4791234567']]);
        $vipps->capture(['reference' => $ref, 'amount' => self::nok(3000)]);

        $record = null;
        foreach (['AUTHORIZED' => 'authorized', 'CAPTURED' => 'captured'] as $name => $status) {
            $delivery = self::eventually(static function () use ($url, $ref, $name) {
                foreach (self::deliveries($url) as $d) {
                    $body = json_decode($d['body'], true);
                    if (($body['reference'] ?? null) === $ref && ($body['name'] ?? null) === $name) {
                        return $d;
                    }
                }
                return null;
            }, 10, "the $name webhook");
            $path = substr($delivery['url'], strlen("http://127.0.0.1:$port"));
            $result = $receiver->handleCallback(['method' => 'POST', 'url' => $path, 'headers' => $delivery['headers']],
                $delivery['body']);
            self::assertTrue($result['event']['verified'], $result['event']['rejection'] ?? '');
            self::assertSame('epayment_webhook', $result['event']['kind']);
            self::assertSame($status, $result['event']['status']);
            self::assertSame(200, $result['response']['status']);
            $folded = $receiver->applyEvent(['record' => $record, 'event' => $result['event']]);
            self::assertTrue($folded['applied']);
            $record = $folded['record'];
            self::assertSame($status, $record['status']);

            // The same bytes with one changed, or a signature from another secret: 401.
            $forged = $receiver->handleCallback(['method' => 'POST', 'url' => $path, 'headers' => $delivery['headers']],
                str_replace('3000', '9000', $delivery['body']));
            self::assertFalse($forged['event']['verified']);
            self::assertSame(401, $forged['response']['status']);
            $stranger = self::client(['webhook_secrets' => [base64_encode(random_bytes(32))]]);
            $other = $stranger->handleCallback(['method' => 'POST', 'url' => $path, 'headers' => $delivery['headers']],
                $delivery['body']);
            self::assertFalse($other['event']['verified']);
            self::assertSame(401, $other['response']['status']);
        }
        self::assertSame(3000, $record['captured']);
        // Stored as JSON text and passed back as such, a duplicate is recognized.
        $again = $receiver->applyEvent(['record' => json_encode($record), 'event' => $result['event']]);
        self::assertFalse($again['applied']);

        $vipps->deleteWebhook(['id' => $registered['id']]);
        self::assertNotContains($registered['id'], array_column($vipps->listWebhooks()['webhooks'], 'id'));
    }
}
