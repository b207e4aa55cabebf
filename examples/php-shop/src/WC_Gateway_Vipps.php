<?php

declare(strict_types=1);

use Shop\OrderStore;
use Vipps\CallbackRequest;
use Vipps\Client;
use Vipps\VippsException;

/**
 * A WooCommerce-style payment gateway on top of the vipps binding. In a real plugin this class
 * would extend WC_Payment_Gateway and the store would be WC_Order; the method names and return
 * values follow WooCommerce (process_payment returns ['result' => 'success', 'redirect' => …],
 * process_refund takes the amount as a decimal string and returns true or a WP_Error-like
 * exception message), so the flow reads the same.
 *
 * - process_payment(): a Checkout v3 session (embedded with the SDK) or an ePayment payment
 *   (redirect to the landing page), by the gateway's `flow` setting or the order's choice;
 * - handle_callback(): the endpoint Vipps calls (Checkout callbacks and ePayment webhooks):
 *   verified, folded into the order with applyEvent, and answered with the library's response;
 * - check_payment_status(): what the return page polls: the stored status, reconciled with the
 *   API while it is not final (callbacks are not guaranteed);
 * - on_order_completed(): captures what is left to capture when the order is completed;
 * - process_refund() and cancel_order(): admin actions.
 *
 * Money calls store their idempotency key on the order before calling, so a retry after a
 * timeout (same key, same body) can never move money twice.
 */
final class WC_Gateway_Vipps
{
    public string $id = 'vipps';
    public string $method_title = 'Vipps MobilePay';
    /** @var list<string> */
    public array $supports = ['products', 'refunds'];

    /** Normalized statuses by rank (see the README's rank rule). */
    private const RANK = ['pending' => 0, 'authorized' => 10, 'partially_captured' => 20, 'captured' => 30,
        'partially_refunded' => 40, 'refunded' => 50, 'cancelled' => 60, 'aborted' => 60, 'expired' => 60, 'failed' => 60];

    /** WooCommerce order status for each normalized payment status. */
    private const ORDER_STATUS = ['pending' => 'pending', 'authorized' => 'on-hold', 'partially_captured' => 'processing',
        'captured' => 'completed', 'partially_refunded' => 'completed', 'refunded' => 'refunded',
        'cancelled' => 'cancelled', 'aborted' => 'failed', 'expired' => 'failed', 'failed' => 'failed'];

    public const WEBHOOK_EVENTS = ['epayments.payment.created.v1', 'epayments.payment.authorized.v1',
        'epayments.payment.captured.v1', 'epayments.payment.refunded.v1', 'epayments.payment.cancelled.v1',
        'epayments.payment.aborted.v1', 'epayments.payment.expired.v1', 'epayments.payment.terminated.v1'];

    /** Fixed shipping options offered in Checkout (the customer picks one in the iframe). */
    public const SHIPPING_OPTIONS = [
        ['id' => 'pickup', 'brand' => 'POSTEN', 'type' => 'PICKUP_POINT', 'amount' => ['value' => 4900, 'currency' => 'NOK'],
            'priority' => 0, 'isDefault' => true],
        ['id' => 'home', 'brand' => 'POSTEN', 'type' => 'HOME_DELIVERY', 'amount' => ['value' => 9900, 'currency' => 'NOK'],
            'priority' => 1, 'isDefault' => false],
    ];

    private ?Client $client = null;

    /**
     * @param array<string, mixed> $config the library configuration (without webhook_secrets)
     */
    public function __construct(
        private array $config,
        private OrderStore $orders,
        private string $shopUrl,
        private string $flow = 'checkout',
        private ?string $libraryPath = null
    ) {
    }

    /** The client, with the stored webhook secret so that webhooks verify. */
    public function client(): Client
    {
        if ($this->client === null) {
            $config = $this->config;
            $webhook = $this->orders->setting('webhook');
            if ($webhook !== null) {
                $config['webhook_secrets'] = [$webhook['secret']];
            }
            $this->client = new Client($config, $this->libraryPath);
        }
        return $this->client;
    }

    /**
     * WooCommerce: called when the customer places the order.
     *
     * @return array{result: string, redirect?: string, message?: string}
     */
    public function process_payment(int $order_id, ?string $flow = null): array
    {
        $order = $this->orders->get($order_id);
        if ($order === null) {
            return ['result' => 'failure', 'message' => "no order $order_id"];
        }
        $flow ??= $order['flow'] ?? $this->flow;
        $attempt = (int) ($order['attempt'] ?? 0) + 1;
        $idRequest = ['prefix' => $this->referencePrefix(), 'order_number' => $order_id];
        if ($attempt > 1) {
            $idRequest['attempt'] = $attempt;
        }
        $reference = Client::makeOrderId($idRequest, $this->libraryPath);
        $amount = ['value' => (int) $order['total'], 'currency' => $order['currency']];
        try {
            if ($flow === 'epayment') {
                $this->ensure_webhook();
                $answer = $this->client()->createPayment([
                    'reference' => $reference,
                    'amount' => $amount,
                    'paymentMethod' => ['type' => 'WALLET'],
                    'userFlow' => 'WEB_REDIRECT',
                    'returnUrl' => $this->url('/return', ['order' => $order_id]),
                    'paymentDescription' => $this->description($order),
                    'idempotency_key' => "create-$reference",
                ]);
                $redirect = $answer['redirectUrl'];
                $vipps = ['redirectUrl' => $redirect];
            } else {
                $answer = $this->client()->createSession([
                    'merchantInfo' => [
                        'callbackUrl' => $this->url('/vipps/callback', ['order' => $order_id]),
                        'returnUrl' => $this->url('/return', ['order' => $order_id]),
                        'termsAndConditionsUrl' => $this->url('/terms'),
                    ],
                    'transaction' => [
                        'amount' => $amount,
                        'reference' => $reference,
                        'paymentDescription' => $this->description($order),
                    ],
                    'logistics' => ['fixedOptions' => self::SHIPPING_OPTIONS],
                    'idempotency_key' => "session-$reference",
                ]);
                $redirect = $this->url('/checkout', ['order' => $order_id]);
                $vipps = ['token' => $answer['token'], 'checkoutFrontendUrl' => $answer['checkoutFrontendUrl']];
            }
        } catch (VippsException $e) {
            $this->note($order_id, 'Payment could not be started: ' . $e->getMessage()
                . ($e->getTraceId() ? ' (trace id ' . $e->getTraceId() . ')' : ''));
            return ['result' => 'failure', 'message' => 'Vipps MobilePay is not available right now: ' . $e->getMessage()];
        }
        $this->orders->update($order_id, static function (array $o) use ($flow, $reference, $attempt, $vipps): array {
            $o['flow'] = $flow;
            $o['reference'] = $reference;
            $o['attempt'] = $attempt;
            $o['vipps'] = $vipps;
            $o['payment_status'] = 'pending';
            $o['status'] = 'pending';
            $o['record'] = null;
            $o['notes'][] = gmdate('c') . " Vipps MobilePay $flow payment started: $reference";
            return $o;
        });
        return ['result' => 'success', 'redirect' => $redirect];
    }

    /**
     * The callback/webhook endpoint (WooCommerce: the woocommerce_api_… action). Reads the
     * current request, verifies it, folds a verified event into its order and sends the answer.
     */
    public function handle_callback(): void
    {
        $extra = [];
        $orderId = isset($_GET['order']) ? (int) $_GET['order'] : null;
        $order = $orderId !== null ? $this->orders->get($orderId) : null;
        if ($order !== null && isset($order['reference'])) {
            $extra['reference'] = $order['reference'];
        }
        try {
            $result = $this->client()->handleCurrentRequest($extra);
        } catch (VippsException $e) {
            // Only the plugin's own mistakes end here; answer 500 so that Vipps retries.
            error_log('vipps callback: ' . $e->getMessage());
            CallbackRequest::send(['status' => 500, 'headers' => [], 'body' => '']);
            return;
        }
        $event = $result['event'];
        if ($event['verified'] === true) {
            $this->apply_event($event);
        } else {
            error_log('vipps callback refused: ' . ($event['rejection'] ?? 'unverified'));
        }
        CallbackRequest::send($result['response']);
    }

    /**
     * Folds a verified event into the order whose reference it names.
     *
     * @param array<string, mixed> $event
     */
    public function apply_event(array $event): bool
    {
        $orderId = $this->order_id_for_reference((string) ($event['reference'] ?? ''));
        if ($orderId === null) {
            return false;
        }
        $client = $this->client();
        $applied = false;
        $this->orders->update($orderId, function (array $o) use ($client, $event, &$applied): array {
            $folded = $client->applyEvent(['record' => $o['record'] ?? null, 'event' => $event]);
            $applied = (bool) $folded['applied'];
            if ($applied) {
                $o['record'] = $folded['record'];
                $o = $this->set_payment_status($o, (string) $folded['record']['status']);
                $o['events'][] = ['id' => $event['id'] ?? null, 'kind' => $event['kind'], 'status' => $event['status'] ?? null,
                    'verified' => true, 'at' => gmdate('c')];
                $o['notes'][] = gmdate('c') . " {$event['kind']}: payment {$folded['record']['status']}";
            }
            return $o;
        });
        return $applied;
    }

    /**
     * What the return page polls. While the payment is not final, asks the API (reconcile) instead
     * of waiting for a callback that may never come.
     *
     * @return array<string, mixed> the order
     */
    public function check_payment_status(int $order_id): array
    {
        $order = $this->orders->get($order_id);
        if ($order === null || !isset($order['reference'])) {
            throw new OutOfBoundsException("no payment for order $order_id");
        }
        if (($order['payment_status'] ?? 'pending') !== 'pending') {
            return $order;
        }
        try {
            $truth = $this->client()->reconcile(['reference' => $order['reference']]);
        } catch (VippsException $e) {
            if ($e->isRetryable()) {
                return $order; // the page polls again
            }
            throw $e;
        }
        return $this->orders->update($order_id, function (array $o) use ($truth): array {
            $o['reconciled'] = ['status' => $truth['status'], 'at' => gmdate('c')];
            return $this->set_payment_status($o, (string) $truth['status']);
        });
    }

    /** WooCommerce: woocommerce_order_status_completed → capture what is still capturable. */
    public function on_order_completed(int $order_id): array
    {
        $order = $this->orders->get($order_id);
        if ($order === null || !isset($order['reference'])) {
            throw new OutOfBoundsException("no payment for order $order_id");
        }
        $captured = (int) ($order['captured'] ?? 0);
        $amount = (int) $order['total'] - $captured;
        if ($amount <= 0) {
            return $order;
        }
        // The key and the amount are stored first: a retry of this capture sends the same body.
        $order = $this->orders->update($order_id, static function (array $o) use ($amount): array {
            $o['pending_capture'] ??= ['amount' => $amount, 'idempotency_key' => 'capture-' . $o['reference'] . '-' . bin2hex(random_bytes(4))];
            return $o;
        });
        $pending = $order['pending_capture'];
        $answer = $this->client()->capture(['reference' => $order['reference'], 'amount' => [
            'value' => $pending['amount'], 'currency' => $order['currency']], 'idempotency_key' => $pending['idempotency_key']]);
        $this->orders->update($order_id, function (array $o) use ($answer, $pending): array {
            unset($o['pending_capture']);
            $o['captured'] = (int) $answer['normalized']['captured'];
            $o['notes'][] = gmdate('c') . sprintf(' Captured %s %s', self::format_amount($pending['amount']), $o['currency']);
            return $this->set_payment_status($o, (string) $answer['normalized']['status'], true);
        });
        $this->post_receipt($order_id);
        return $this->orders->get($order_id);
    }

    /**
     * The order's lines and a link to its page in the customer's payment history (Order
     * Management). The money has moved already: a failure becomes an order note and never
     * fails the capture. A receipt already there (409) counts as posted.
     */
    private function post_receipt(int $order_id): void
    {
        $order = $this->orders->get($order_id);
        try {
            $receipt = Client::buildReceipt([
                'amount' => ['value' => (int) $order['total'], 'currency' => $order['currency']],
                'lines' => [['name' => $order['title'], 'id' => $order['sku'] ?? (string) $order_id, 'quantity' => 1,
                    'unit_price' => (int) $order['total'], 'tax_rate' => 2500]],
            ], $this->libraryPath);
            $added = $this->client()->addReceipt(['reference' => $order['reference']] + $receipt);
            $this->client()->setCategory(['reference' => $order['reference'], 'category' => 'ORDER_CONFIRMATION',
                'orderDetailsUrl' => $this->url('/return', ['order' => $order_id])]);
            $this->note($order_id, $added['created'] ? 'Receipt posted to Vipps MobilePay' : 'Receipt already at Vipps MobilePay');
        } catch (VippsException $e) {
            $this->note($order_id, 'Receipt not posted: ' . $e->getMessage());
        }
    }

    /**
     * WooCommerce: refunds $amount, a decimal string in the major unit ("10.00"); null refunds
     * everything captured and not yet refunded. Returns true, or throws with the reason.
     */
    public function process_refund(int $order_id, ?string $amount = null, string $reason = ''): bool
    {
        $order = $this->orders->get($order_id);
        if ($order === null || !isset($order['reference'])) {
            throw new OutOfBoundsException("no payment for order $order_id");
        }
        $minor = $amount === null ? (int) ($order['captured'] ?? 0) - (int) ($order['refunded'] ?? 0) : self::to_minor_units($amount);
        if ($minor <= 0) {
            throw new InvalidArgumentException('nothing to refund');
        }
        $count = count($order['refunds'] ?? []) + 1;
        $answer = $this->client()->refund(['reference' => $order['reference'], 'amount' => [
            'value' => $minor, 'currency' => $order['currency']], 'idempotency_key' => "refund-{$order['reference']}-$count-$minor"]);
        $this->orders->update($order_id, function (array $o) use ($answer, $minor, $reason): array {
            $o['refunds'][] = ['amount' => $minor, 'reason' => $reason, 'at' => gmdate('c')];
            $o['refunded'] = (int) $answer['normalized']['refunded'];
            $o['notes'][] = gmdate('c') . sprintf(' Refunded %s %s%s', self::format_amount($minor), $o['currency'],
                $reason !== '' ? " ($reason)" : '');
            return $this->set_payment_status($o, (string) $answer['normalized']['status'], true);
        });
        return true;
    }

    /** Admin action: cancel (releases what is not captured). */
    public function cancel_order(int $order_id): array
    {
        $order = $this->orders->get($order_id);
        if ($order === null || !isset($order['reference'])) {
            throw new OutOfBoundsException("no payment for order $order_id");
        }
        $answer = $this->client()->cancel(['reference' => $order['reference'], 'idempotency_key' => "cancel-{$order['reference']}"]);
        return $this->orders->update($order_id, function (array $o) use ($answer): array {
            $o['notes'][] = gmdate('c') . ' Cancelled in Vipps MobilePay';
            return $this->set_payment_status($o, (string) $answer['normalized']['status'], true);
        });
    }

    /** Registers the shop's ePayment webhook once (per shop URL) and stores its secret. */
    public function ensure_webhook(): void
    {
        $url = $this->url('/vipps/webhook');
        $stored = $this->orders->setting('webhook');
        if ($stored !== null && $stored['url'] === $url) {
            return;
        }
        $registered = $this->client()->registerWebhook(['url' => $url, 'events' => self::WEBHOOK_EVENTS]);
        $this->orders->saveSetting('webhook', ['id' => $registered['id'], 'secret' => $registered['secret'], 'url' => $url]);
        $this->client = null; // the next client() knows the secret
    }

    /** "49.90" → 4990, without floats; refuses more than two decimals. */
    public static function to_minor_units(string $amount): int
    {
        if (!preg_match('/^\s*(\d+)(?:[.,](\d{1,2}))?\s*$/', $amount, $m)) {
            throw new InvalidArgumentException("not an amount: $amount");
        }
        return (int) $m[1] * 100 + (int) str_pad($m[2] ?? '0', 2, '0');
    }

    public static function format_amount(int $minor): string
    {
        return sprintf('%d.%02d', intdiv($minor, 100), $minor % 100);
    }

    /**
     * Sets the payment status unless it would go back in rank (a stale event or poll); $truth is
     * for answers of money calls, which are the API's current state.
     *
     * @param array<string, mixed> $o
     * @return array<string, mixed>
     */
    private function set_payment_status(array $o, string $status, bool $truth = false): array
    {
        $current = (string) ($o['payment_status'] ?? 'pending');
        if ($truth || (self::RANK[$status] ?? 0) >= (self::RANK[$current] ?? 0)) {
            $o['payment_status'] = $status;
            $o['status'] = self::ORDER_STATUS[$status] ?? $o['status'];
        }
        return $o;
    }

    private function order_id_for_reference(string $reference): ?int
    {
        foreach ($this->orders->all() as $id => $order) {
            if (($order['reference'] ?? null) === $reference) {
                return (int) $id;
            }
        }
        return null;
    }

    private function note(int $order_id, string $text): void
    {
        $this->orders->update($order_id, static function (array $o) use ($text): array {
            $o['notes'][] = gmdate('c') . ' ' . $text;
            return $o;
        });
    }

    /** @param array<string, mixed> $order */
    private function description(array $order): string
    {
        return substr("Order {$order['id']}: {$order['title']}", 0, 100);
    }

    /** A prefix unique to this shop's data directory, so runs against one simulator never clash. */
    private function referencePrefix(): string
    {
        $shop = $this->orders->setting('shop');
        if ($shop === null) {
            $shop = ['id' => 'phpshop-' . bin2hex(random_bytes(3))];
            $this->orders->saveSetting('shop', $shop);
        }
        return $shop['id'];
    }

    /** @param array<string, scalar> $query */
    private function url(string $path, array $query = []): string
    {
        return rtrim($this->shopUrl, '/') . $path . ($query === [] ? '' : '?' . http_build_query($query));
    }
}
