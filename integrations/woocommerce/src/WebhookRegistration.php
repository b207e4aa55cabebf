<?php

declare(strict_types=1);

namespace VippsCoreGateway;

use Vipps\Client;

/**
 * Keeps one webhook registration for the shop's endpoint, through Client::ensureWebhook: the
 * state (id, secret, url, events) is stored in an option, and a lock keeps two first checkouts
 * from registering twice.
 */
final class WebhookRegistration
{
    public const OPTION = 'webhook';
    public const EVENTS = [
        'epayments.payment.authorized.v1',
        'epayments.payment.captured.v1',
        'epayments.payment.refunded.v1',
        'epayments.payment.cancelled.v1',
        'epayments.payment.expired.v1',
        'epayments.payment.aborted.v1',
        'epayments.payment.terminated.v1',
    ];

    public function __construct(private OptionStore $options)
    {
    }

    /** @return array{id: string, secret: string, url: string, events: list<string>}|null */
    public function stored(): ?array
    {
        $state = $this->options->get(self::OPTION);
        return is_array($state) && isset($state['id'], $state['secret'], $state['url']) ? $state : null;
    }

    /**
     * Registers the endpoint when needed and stores the state. Null when another process
     * holds the lock (it is registering right now).
     *
     * @return array{id: string, secret: string, url: string, events: list<string>, changed: bool}|null
     */
    public function ensure(Client $client, string $url): ?array
    {
        return $this->options->withLock('vipps_core_webhook', 10, function () use ($client, $url): array {
            $answer = $client->ensureWebhook(['url' => $url, 'events' => self::EVENTS, 'current' => $this->stored()]);
            $state = ['id' => $answer['id'], 'secret' => $answer['secret'], 'url' => $answer['url'], 'events' => $answer['events']];
            if ($answer['changed']) {
                $this->options->set(self::OPTION, $state);
            }
            return $state + ['changed' => (bool) $answer['changed']];
        });
    }

    public function forget(): void
    {
        $this->options->delete(self::OPTION);
    }
}
