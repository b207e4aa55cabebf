<?php

declare(strict_types=1);

namespace VippsCoreGateway;

use Vipps\Client;
use Vipps\Money;
use Vipps\VippsException;

/**
 * Moves a WooCommerce order along with its payment, from webhooks (folded into the stored
 * record with the library's rank rule, so late, repeated and reordered deliveries are harmless)
 * and from polling (callbacks are not guaranteed).
 */
final class OrderSync
{
    /** Statuses in which money is reserved or has moved. */
    private const PAID = ['authorized', 'partially_captured', 'captured', 'partially_refunded', 'refunded'];
    /** WooCommerce statuses of an order still waiting for its payment. */
    private const WAITING = ['pending', 'failed', 'on-hold'];

    public function __construct(private Client $client)
    {
    }

    /**
     * Folds a verified webhook event into the payment's record and moves the order on.
     * Answers whether the event was new.
     *
     * @param array<string, mixed> $event the `event` of Client::handleCallback
     */
    public function event(ShopOrder $order, string $reference, array $event): bool
    {
        $applied = $this->fold($order, $reference, $event);
        if ($applied === null) {
            return false;
        }
        $order->addNote(sprintf('Vipps MobilePay webhook: %s on payment %s%s.', (string) ($event['name'] ?? $event['status'] ?? 'event'), $reference, $this->amountText($event, $order->currency())));
        $order->save();
        if (($applied['complete'] ?? true) === false) {
            // A delivery is missing or still on its way: ask the API instead of guessing.
            $this->poll($order, $reference);
            return true;
        }
        $this->settle($order, $reference, $applied, 'a webhook');
        return true;
    }

    /**
     * Folds an event (a webhook's, or a poll's) into the payment's stored record.
     *
     * @param array<string, mixed> $event
     * @return array<string, mixed>|null the new record, or null when the event changed nothing
     */
    private function fold(ShopOrder $order, string $reference, array $event): ?array
    {
        $records = $order->get(Meta::RECORDS);
        $records = is_array($records) ? $records : [];
        $applied = $this->client->applyEvent(['record' => $records[$reference] ?? null, 'event' => $event]);
        if (($applied['applied'] ?? false) !== true) {
            return null;
        }
        $records[$reference] = $applied['record'];
        $order->set(Meta::RECORDS, $records);
        $order->save();
        return $applied['record'];
    }

    /**
     * Reads the payment's status from the API and moves the order on.
     *
     * @return array<string, mixed> the normalized status
     * @throws VippsException
     */
    public function poll(ShopOrder $order, string $reference): array
    {
        $status = $this->client->reconcile(['reference' => $reference]);
        // The API's answer folds into the same record as the webhooks (rank rule), so the
        // record never lags behind what polling saw, and keeps the PSP reference.
        if ($this->fold($order, $reference, $status['event']) !== null) {
            $order->addNote(sprintf('Vipps MobilePay payment %s is %s (read from the API).', $reference, (string) $status['status']));
            $order->save();
        }
        $this->settle($order, $reference, $status, 'the API');
        return $status;
    }

    /**
     * The one place that decides what a payment status means for the order.
     *
     * @param array<string, mixed> $status a record or a normalized status: status, captured, capturable...
     */
    public function settle(ShopOrder $order, string $reference, array $status, string $source): void
    {
        $name = (string) ($status['status'] ?? 'pending');
        $current = $order->get(Meta::REFERENCE) === $reference;
        if (in_array($name, self::PAID, true)) {
            if (in_array($order->status(), self::WAITING, true)) {
                if (!$current) {
                    // The customer paid an earlier attempt (another tab): that one pays the order.
                    $order->set(Meta::REFERENCE, $reference);
                }
                $order->markPaid((string) ($status['psp_reference'] ?? '') !== '' ? (string) $status['psp_reference'] : $reference);
                $order->addNote(sprintf('Vipps MobilePay payment %s is %s (from %s): order paid.', $reference, $name, $source));
                $order->save();
            } elseif ((!$current || $order->status() === 'cancelled') && $name === 'authorized') {
                // A second payment for a paid order, or one for a cancelled order: release it.
                $this->release($order, $reference);
            }
            return;
        }
        $closed = ['cancelled' => 'cancelled', 'expired' => 'cancelled', 'aborted' => 'failed', 'failed' => 'failed'];
        if ($current && isset($closed[$name]) && $order->status() === 'pending') {
            $order->setStatus($closed[$name], sprintf('Vipps MobilePay payment %s is %s (from %s).', $reference, $name, $source));
            $order->save();
        }
    }

    private function release(ShopOrder $order, string $reference): void
    {
        try {
            $this->client->cancel([
                'reference' => $reference,
                'idempotency_key' => Client::idempotencyKey(['reference' => $reference, 'operation' => 'cancel']),
            ]);
            $order->addNote(sprintf('Vipps MobilePay payment %s was authorized although the order is %s: its reservation is released.', $reference, $order->status()));
        } catch (VippsException $e) {
            $order->addNote(sprintf('Vipps MobilePay payment %s was authorized although the order is %s, and releasing it failed (%s): cancel it in the merchant portal.', $reference, $order->status(), $e->getMessage()));
        }
        $order->save();
    }

    /** @param array<string, mixed> $event */
    private function amountText(array $event, string $currency): string
    {
        $amount = $event['amount'] ?? null;
        if (!is_int($amount) || !isset(Money::CURRENCY_DECIMALS[$currency])) {
            return '';
        }
        return ' (' . Money::fromMinorUnits($amount, $currency) . ' ' . $currency . ')';
    }
}
