<?php

declare(strict_types=1);

namespace VippsCoreGateway;

use Vipps\Client;
use Vipps\Money;
use Vipps\VippsException;

/**
 * The money steps of an order: start a payment, capture, refund, cancel.
 *
 * Every call that moves money stores its idempotency key (and its amount) on the order before
 * it is sent. When the answer cannot be read (a timeout, a dropped connection, an unreadable
 * success), the key stays stored and the next attempt of the same step sends the same request
 * with the same key, so the API carries it out once. A different request while one is unsettled
 * is refused with a message that says which one to repeat.
 */
final class Payments
{
    public function __construct(
        private Client $client,
        private OrderSync $sync,
        private string $referencePrefix,
    ) {
    }

    /**
     * Creates the payment for $order (ePayment, web redirect) and answers the landing page URL.
     *
     * @throws PaymentException
     */
    public function start(ShopOrder $order, string $returnUrl): string
    {
        $minor = $this->minorUnits($order->total(), $order->currency());
        $creating = $order->get(Meta::CREATING);
        $body = is_array($creating) ? $creating['body'] : null;
        if (!is_array($body) || ($body['amount']['value'] ?? null) !== $minor || ($body['returnUrl'] ?? null) !== $returnUrl) {
            // A new attempt: the order changed since an unsettled create (that payment, if it
            // exists, was never shown to the customer and expires by itself), or none is open.
            $creating = $this->newAttempt($order, $minor, $returnUrl);
        }
        try {
            $created = $this->client->createPayment($creating['body'] + ['idempotency_key' => $creating['key']]);
        } catch (VippsException $e) {
            if ($e->isRetryable()) {
                throw new PaymentException('Vipps MobilePay did not answer in time. Please try again: the payment will not be made twice.', true, $e);
            }
            $order->set(Meta::CREATING, null);
            $order->addNote(sprintf('Vipps MobilePay refused payment %s: %s', $creating['reference'], $e->getMessage()));
            $order->save();
            throw new PaymentException('Vipps MobilePay could not start the payment. Please try again or choose another payment method.', false, $e);
        }
        $url = (string) ($created['redirectUrl'] ?? '');
        $order->set(Meta::CREATING, null);
        $order->set(Meta::REDIRECT_URL, $url);
        $order->addNote(sprintf('Vipps MobilePay payment %s created (%s).', $creating['reference'], Money::fromMinorUnits($minor, $order->currency()) . ' ' . $order->currency()));
        $order->save();
        return $url;
    }

    /**
     * Captures what the order still owes of the reservation (called when the order is completed).
     *
     * @throws PaymentException
     */
    public function capture(ShopOrder $order): void
    {
        $reference = $this->reference($order);
        if ($reference === null) {
            return;
        }
        $pending = $this->pending($order, 'capture');
        if ($pending !== null) {
            $this->send($order, 'capture', $reference, $pending);
        }
        $status = $this->sync->poll($order, $reference);
        $owed = $this->minorUnits($order->total(), $order->currency()) - (int) $status['captured'];
        $amount = min((int) $status['capturable'], $owed);
        if ($amount > 0) {
            $this->send($order, 'capture', $reference, $this->stage($order, 'capture', $reference, $amount));
        }
        if ($amount > 0 || (int) $status['captured'] > 0) {
            $this->postReceipt($order, $reference, (int) ($status['amount'] ?? $status['authorized']));
        }
    }

    /**
     * Puts the order's lines into the customer's payment history (Order Management), with the
     * order's page as ORDER_CONFIRMATION when the order has one. Once per reference. The money
     * has moved already, so a failure (lines that do not add up to the payment, the API not
     * answering) becomes an order note and the capture stands; the next completion tries again.
     */
    private function postReceipt(ShopOrder $order, string $reference, int $paymentAmount): void
    {
        $lines = $order->lines();
        if ($lines === [] || $order->get(Meta::RECEIPT) === $reference) {
            return;
        }
        try {
            $receipt = Client::buildReceipt([
                'amount' => ['value' => $paymentAmount, 'currency' => $order->currency()],
                'lines' => array_map(fn (array $line): array => $this->receiptLine($line, $order->currency()), $lines),
            ]);
            $this->client->addReceipt(['reference' => $reference] + $receipt);
            $order->set(Meta::RECEIPT, $reference);
            $order->addNote(sprintf('Vipps MobilePay: the receipt (%d lines) is in the customer\'s app.', count($lines)));
            $url = $order->orderPageUrl();
            if ($url !== null) {
                $this->client->setCategory(['reference' => $reference, 'category' => 'ORDER_CONFIRMATION', 'orderDetailsUrl' => $url]);
            }
        } catch (VippsException | PaymentException $e) {
            $order->addNote('Vipps MobilePay: the receipt was not posted: ' . $e->getMessage());
        }
        $order->save();
    }

    /**
     * Refunds $amount (a decimal string or float as WooCommerce gives it).
     *
     * @throws PaymentException
     */
    public function refund(ShopOrder $order, string|float|int $amount): void
    {
        $reference = $this->reference($order);
        if ($reference === null) {
            throw new PaymentException('This order has no Vipps MobilePay payment to refund.', false);
        }
        $minor = $this->minorUnits($amount, $order->currency());
        if ($minor <= 0) {
            throw new PaymentException('The refund amount must be more than 0.', false);
        }
        $pending = $this->pending($order, 'refund');
        if ($pending !== null && $pending['amount'] !== $minor) {
            throw new PaymentException(sprintf(
                'An earlier refund of %s %s has an unknown outcome. Refund exactly %1$s %2$s again to settle it (it will not be paid twice), then refund the rest.',
                Money::fromMinorUnits((int) $pending['amount'], $order->currency()),
                $order->currency(),
            ), true);
        }
        $this->send($order, 'refund', $reference, $pending ?? $this->stage($order, 'refund', $reference, $minor));
    }

    /**
     * Ends the payment (before approval) or releases what was not captured (called when the
     * order is cancelled). Nothing to do when nothing is reserved.
     *
     * @throws PaymentException
     */
    public function cancel(ShopOrder $order): void
    {
        $reference = $this->reference($order);
        if ($reference === null) {
            return;
        }
        $pending = $this->pending($order, 'cancel');
        if ($pending === null) {
            $status = $this->sync->poll($order, $reference);
            if (($status['final'] ?? false) === true || ($status['status'] !== 'pending' && (int) $status['capturable'] === 0)) {
                return;
            }
            $pending = $this->stage($order, 'cancel', $reference, 0);
        }
        $this->send($order, 'cancel', $reference, $pending);
    }

    /** @return array{reference: string, key: string, body: array<string, mixed>} */
    private function newAttempt(ShopOrder $order, int $minor, string $returnUrl): array
    {
        $attempt = (int) ($order->get(Meta::ATTEMPT) ?? 0) + 1;
        $reference = Client::makeOrderId([
            'prefix' => $this->referencePrefix,
            'order_number' => (string) $order->id(),
            'attempt' => $attempt > 1 ? $attempt : 0,
        ]);
        $creating = [
            'reference' => $reference,
            'key' => Client::idempotencyKey(['reference' => $reference, 'operation' => 'create']),
            'body' => [
                'reference' => $reference,
                'amount' => ['value' => $minor, 'currency' => $order->currency()],
                'paymentMethod' => ['type' => 'WALLET'],
                'userFlow' => 'WEB_REDIRECT',
                'returnUrl' => $returnUrl,
                'paymentDescription' => sprintf('Order %d', $order->id()),
            ],
        ];
        $references = $order->get(Meta::REFERENCES);
        $references = is_array($references) ? $references : [];
        $references[] = $reference;
        // Stored before the call: a webhook for this reference finds the order even if this
        // process dies before the answer arrives.
        $order->set(Meta::ATTEMPT, $attempt);
        $order->set(Meta::REFERENCE, $reference);
        $order->set(Meta::REFERENCES, array_values(array_unique($references)));
        $order->set(Meta::CREATING, $creating);
        $order->save();
        return $creating;
    }

    /**
     * Stores a money call before it is sent.
     *
     * @return array{amount: int, key: string, attempt: int, reference: string}
     */
    private function stage(ShopOrder $order, string $operation, string $reference, int $amount): array
    {
        $attempt = (int) ($order->get(Meta::COUNT . $operation) ?? 0) + 1;
        $pending = [
            'amount' => $amount,
            'key' => Client::idempotencyKey(['reference' => $reference, 'operation' => $operation, 'attempt' => $attempt]),
            'attempt' => $attempt,
            'reference' => $reference,
        ];
        $order->set(Meta::COUNT . $operation, $attempt);
        $order->set(Meta::PENDING . $operation, $pending);
        $order->save();
        return $pending;
    }

    /** @return array{amount: int, key: string, attempt: int, reference: string}|null */
    private function pending(ShopOrder $order, string $operation): ?array
    {
        $pending = $order->get(Meta::PENDING . $operation);
        return is_array($pending) && isset($pending['key'], $pending['reference']) ? $pending : null;
    }

    /**
     * Sends a staged money call; clears it when its outcome is known.
     *
     * @param array{amount: int, key: string, attempt: int, reference: string} $pending
     * @throws PaymentException
     */
    private function send(ShopOrder $order, string $operation, string $reference, array $pending): void
    {
        $request = ['reference' => $pending['reference'], 'idempotency_key' => $pending['key']];
        if ($operation !== 'cancel') {
            $request['amount'] = ['value' => (int) $pending['amount'], 'currency' => $order->currency()];
        }
        $shown = Money::fromMinorUnits((int) $pending['amount'], $order->currency()) . ' ' . $order->currency();
        try {
            $answer = match ($operation) {
                'capture' => $this->client->capture($request),
                'refund' => $this->client->refund($request),
                default => $this->client->cancel($request),
            };
        } catch (VippsException $e) {
            if ($e->isRetryable()) {
                $order->addNote(sprintf('Vipps MobilePay %s of %s: outcome unknown (%s). Repeat it: the same request is sent again and is carried out once.', $operation, $shown, $e->getMessage()));
                $order->save();
                throw new PaymentException(sprintf('The %s could not be confirmed (%s). Try again: it will not be carried out twice.', $operation, $e->getMessage()), true, $e);
            }
            $order->set(Meta::PENDING . $operation, null);
            $order->addNote(sprintf('Vipps MobilePay refused the %s of %s: %s', $operation, $shown, $e->getMessage()));
            $order->save();
            throw new PaymentException(sprintf('Vipps MobilePay refused the %s: %s', $operation, $e->getMessage()), false, $e);
        }
        $order->set(Meta::PENDING . $operation, null);
        $order->addNote($operation === 'cancel'
            ? sprintf('Vipps MobilePay payment %s cancelled: what was not captured is released.', $reference)
            : sprintf('Vipps MobilePay %s of %s on payment %s.', $operation === 'capture' ? 'capture' : 'refund', $shown, $reference));
        $order->save();
        if (isset($answer['normalized']) && is_array($answer['normalized'])) {
            $this->sync->settle($order, $reference, $answer['normalized'], 'the ' . $operation);
        }
    }

    /**
     * A ShopOrder line for build_receipt: with its unit price (so the app shows the quantity)
     * when the total divides evenly by the quantity, else as a total.
     *
     * @param array{name: string, id: string, quantity: int, total: string, tax_rate: int, is_shipping: bool} $line
     * @return array<string, mixed>
     */
    private function receiptLine(array $line, string $currency): array
    {
        $total = $this->minorUnits($line['total'], $currency);
        $quantity = max(1, $line['quantity']);
        $amount = $total % $quantity === 0 ? ['quantity' => $quantity, 'unit_price' => intdiv($total, $quantity)] : ['total_amount' => $total];
        return ['name' => $line['name'], 'id' => $line['id'], 'tax_rate' => $line['tax_rate'], 'is_shipping' => $line['is_shipping']] + $amount;
    }

    private function reference(ShopOrder $order): ?string
    {
        $reference = $order->get(Meta::REFERENCE);
        return is_string($reference) && $reference !== '' ? $reference : null;
    }

    /** @throws PaymentException */
    private function minorUnits(string|float|int $amount, string $currency): int
    {
        try {
            return Money::toMinorUnits($amount, $currency);
        } catch (VippsException $e) {
            throw new PaymentException($e->getMessage(), false, $e);
        }
    }
}
