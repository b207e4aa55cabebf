<?php

declare(strict_types=1);

namespace VippsCoreGateway;

use Vipps\Client;

/**
 * The webhook endpoint's logic: verify, find the order, fold the event in under the order's
 * lock, and say which HTTP answer to send. The WordPress side sends it with
 * Vipps\CallbackRequest::send() and exits (WooCommerce's dispatcher would otherwise answer 200
 * and print "-1").
 *
 * Answers: the library's 401/400 for a refused delivery (Vipps retries it, so a misconfigured
 * secret recovers once fixed); 2xx for an event about a payment this shop does not know (every
 * registration of a merchant serial number receives every payment's events: a refusal would be
 * retried for days); 503 when the order is locked or the update failed, so Vipps delivers again.
 */
final class WebhookEndpoint
{
    public function __construct(
        private Client $client,
        private OrderRepository $orders,
        private OrderSync $sync,
        private ?\Closure $log = null,
    ) {
    }

    /**
     * @param array<string, mixed> $request the request as Vipps\CallbackRequest::fromGlobals() reads it
     * @return array{status: int, headers: array<string, mixed>, body: mixed}
     */
    public function handle(array $request, string $body): array
    {
        $result = $this->client->handleCallback($request + ['kind' => 'epayment_webhook'], $body);
        $event = $result['event'];
        $response = $result['response'];
        if (($event['verified'] ?? false) !== true) {
            $this->log(sprintf('webhook refused (%d): %s', (int) $response['status'], (string) ($event['rejection'] ?? '')));
            return $response;
        }
        $reference = (string) $event['reference'];
        $order = $this->orders->findByReference($reference);
        if ($order === null) {
            return $response;
        }
        try {
            $done = $this->orders->withLockedOrder($order->id(), fn (ShopOrder $fresh) => $this->sync->event($fresh, $reference, $event));
        } catch (\Throwable $e) {
            $this->log(sprintf('webhook for %s not applied, asking for a redelivery: %s', $reference, $e->getMessage()));
            return ['status' => 503, 'headers' => [], 'body' => ''];
        }
        if ($done === null) {
            $this->log(sprintf('webhook for %s: order %d is locked or gone, asking for a redelivery', $reference, $order->id()));
            return ['status' => 503, 'headers' => [], 'body' => ''];
        }
        return $response;
    }

    private function log(string $line): void
    {
        if ($this->log !== null) {
            ($this->log)($line);
        }
    }
}
