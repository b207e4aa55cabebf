<?php

declare(strict_types=1);

namespace VippsCoreGateway\Tests;

use Vipps\Client;
use VippsCoreGateway\Meta;
use VippsCoreGateway\OrderSync;
use VippsCoreGateway\WebhookEndpoint;
use VippsCoreGateway\WebhookRegistration;

/** Webhooks as the simulator signs and delivers them, handled by the endpoint's logic. */
final class WebhookEndpointTest extends PluginTestCase
{
    /** @var array<string, mixed> */
    private array $policy = [];
    private string $url = '';
    private MemoryOptions $options;
    /** @var list<string> */
    private array $logged = [];

    protected function setUp(): void
    {
        parent::setUp();
        // Deliveries go to a closed port and are read back from the simulator's log.
        $this->policy = self::sim('GET', '/_sim/delivery-policy');
        self::sim('PUT', '/_sim/delivery-policy', ['webhook_max_attempts' => 1] + $this->policy);
        $this->url = 'http://127.0.0.1:' . self::closedPort() . '/?wc-api=vipps_core';
        $this->options = new MemoryOptions();
        (new WebhookRegistration($this->options))->ensure($this->client, $this->url);
    }

    protected function tearDown(): void
    {
        self::sim('PUT', '/_sim/delivery-policy', $this->policy);
        $state = (new WebhookRegistration($this->options))->stored();
        $this->client->deleteWebhook(['id' => $state['id']]);
    }

    private function endpoint(?Client $receiver = null): WebhookEndpoint
    {
        $state = (new WebhookRegistration($this->options))->stored();
        $receiver ??= self::client(['webhook_secrets' => [$state['secret']]]);
        return new WebhookEndpoint($receiver, $this->orders, new OrderSync($receiver), function (string $line): void {
            $this->logged[] = $line;
        });
    }

    /** @return array{0: array<string, mixed>, 1: string} the request and body of one delivery */
    private function delivery(string $reference, string $name): array
    {
        $delivery = self::eventually(function () use ($reference, $name) {
            foreach (self::deliveries($this->url) as $d) {
                $body = json_decode($d['body'], true);
                if (($body['reference'] ?? null) === $reference && ($body['name'] ?? null) === $name) {
                    return $d;
                }
            }
            return null;
        }, 10, "the $name webhook");
        $path = substr($delivery['url'], strlen(strstr($this->url, '/?', true)));
        return [['method' => 'POST', 'url' => $path, 'headers' => $delivery['headers']], $delivery['body']];
    }

    public function testAnAuthorizationWebhookPaysTheOrderOnce(): void
    {
        $order = $this->newOrder('120.00');
        $this->payments->start($order, 'https://shop.example/r/w1');
        $reference = (string) $order->get(Meta::REFERENCE);
        $this->approve($reference);
        [$request, $body] = $this->delivery($reference, 'AUTHORIZED');
        $endpoint = $this->endpoint();
        self::assertSame(200, $endpoint->handle($request, $body)['status']);
        self::assertSame('processing', $this->orders->row($order->id())['status']);
        $notes = count($this->orders->row($order->id())['notes']);
        self::assertSame(200, $endpoint->handle($request, $body)['status'], 'a redelivery is acknowledged');
        self::assertCount($notes, $this->orders->row($order->id())['notes'], 'and changes nothing');
    }

    public function testAWebhookSignedWithAnotherSecretIsRefusedAndChangesNothing(): void
    {
        $order = $this->newOrder('120.00');
        $this->payments->start($order, 'https://shop.example/r/w2');
        $reference = (string) $order->get(Meta::REFERENCE);
        $this->approve($reference);
        [$request, $body] = $this->delivery($reference, 'AUTHORIZED');
        $wrong = self::client(['webhook_secrets' => ['a-secret-that-is-not-the-registered-one']]);
        $response = $this->endpoint($wrong)->handle($request, $body);
        self::assertSame(401, $response['status'], 'Vipps retries it, so fixing the secret recovers it');
        self::assertSame('pending', $this->orders->row($order->id())['status']);
        self::assertStringContainsString('webhook refused (401)', implode("\n", $this->logged));
        $forged = str_replace('"AUTHORIZED"', '"CAPTURED"', $body);
        self::assertSame(401, $this->endpoint()->handle($request, $forged)['status']);
        self::assertSame('pending', $this->orders->row($order->id())['status']);
    }

    public function testEventsForPaymentsThisShopDoesNotKnowAreAcknowledged(): void
    {
        $reference = self::ref('othershop');
        $this->client->createPayment(self::paymentRequest($reference, 1000));
        $this->approve($reference);
        [$request, $body] = $this->delivery($reference, 'AUTHORIZED');
        self::assertSame(200, $this->endpoint()->handle($request, $body)['status'], 'or it is retried for days');
    }

    public function testALockedOrderAsksForARedelivery(): void
    {
        $order = $this->newOrder('120.00');
        $this->payments->start($order, 'https://shop.example/r/w3');
        $reference = (string) $order->get(Meta::REFERENCE);
        $this->approve($reference);
        [$request, $body] = $this->delivery($reference, 'AUTHORIZED');
        $this->orders->locked[$order->id()] = true;
        self::assertSame(503, $this->endpoint()->handle($request, $body)['status']);
        self::assertSame('pending', $this->orders->row($order->id())['status']);
        unset($this->orders->locked[$order->id()]);
        self::assertSame(200, $this->endpoint()->handle($request, $body)['status']);
        self::assertSame('processing', $this->orders->row($order->id())['status']);
    }

    public function testAnEarlierAttemptPaidInAnotherTabPaysTheOrder(): void
    {
        $order = $this->newOrder('80.00');
        $this->payments->start($order, 'https://shop.example/r/w4');
        $first = (string) $order->get(Meta::REFERENCE);
        // The customer came back to the checkout and paid again: a second payment, then the
        // first one (still open in another tab) is approved.
        $this->payments->start($order, 'https://shop.example/r/w4');
        self::assertNotSame($first, $order->get(Meta::REFERENCE));
        $this->approve($first);
        [$request, $body] = $this->delivery($first, 'AUTHORIZED');
        self::assertSame(200, $this->endpoint()->handle($request, $body)['status']);
        self::assertSame('processing', $this->orders->row($order->id())['status']);
        self::assertSame($first, $this->orders->find($order->id())->get(Meta::REFERENCE));
    }
}
