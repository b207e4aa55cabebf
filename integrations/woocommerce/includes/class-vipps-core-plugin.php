<?php
/**
 * The WordPress wiring: builds the plugin's WordPress-free services (src/) for this request and
 * hooks them to WooCommerce. Order-lifecycle hooks are global, because wp-admin and cron never
 * build the checkout's gateway objects.
 */

declare(strict_types=1);

defined('ABSPATH') || exit;

use VippsCoreGateway\OrderSync;
use VippsCoreGateway\PaymentException;
use VippsCoreGateway\Payments;
use VippsCoreGateway\Reconciler;
use VippsCoreGateway\Settings;
use VippsCoreGateway\ShopOrder;
use VippsCoreGateway\UnpaidOrderSweep;
use VippsCoreGateway\WebhookEndpoint;
use VippsCoreGateway\WebhookRegistration;

final class VippsCore_Plugin
{
    public const RECONCILE_HOOK = 'vipps_core_reconcile';
    public const API_NAME = 'vipps_core';

    private static ?\Vipps\Client $client = null;

    public static function register_hooks(): void
    {
        require_once __DIR__ . '/class-vipps-core-wc-order.php';
        require_once __DIR__ . '/class-vipps-core-order-repository.php';
        require_once __DIR__ . '/class-vipps-core-option-store.php';

        add_action('woocommerce_api_' . self::API_NAME, [self::class, 'handle_webhook']);
        add_action('woocommerce_order_status_completed', [self::class, 'on_completed'], 10, 1);
        add_action('woocommerce_order_status_cancelled', [self::class, 'on_cancelled'], 10, 1);
        add_filter('woocommerce_cancel_unpaid_order', [self::class, 'may_cancel_unpaid'], 10, 2);
        add_action('woocommerce_thankyou_' . VIPPS_CORE_GATEWAY_ID, [self::class, 'on_return'], 5, 1);
        add_action(self::RECONCILE_HOOK, [self::class, 'reconcile']);
        add_action('init', [self::class, 'schedule_reconcile']);
        add_action('woocommerce_blocks_payment_method_type_registration', static function ($registry): void {
            require_once __DIR__ . '/class-vipps-core-blocks-support.php';
            $registry->register(new VippsCore_Blocks_Support());
        });
    }

    public static function settings(): Settings
    {
        $values = get_option('woocommerce_' . VIPPS_CORE_GATEWAY_ID . '_settings', []);
        return new Settings(is_array($values) ? $values : []);
    }

    public static function options(): VippsCore_Option_Store
    {
        return new VippsCore_Option_Store();
    }

    public static function orders(): VippsCore_Order_Repository
    {
        return new VippsCore_Order_Repository();
    }

    /** One client per request; rebuilt when the webhook secret changed. */
    public static function client(bool $fresh = false): \Vipps\Client
    {
        if (self::$client === null || $fresh) {
            $settings = self::settings();
            $webhook = (new WebhookRegistration(self::options()))->stored();
            $config = $settings->clientConfig(defined('WC_VERSION') ? (string) WC_VERSION : '', VIPPS_CORE_VERSION, $webhook);
            // Without a path, the bundled binding loads the library shipped in its own lib/ folder.
            self::$client = new \Vipps\Client($config, $settings->libraryPath());
        }
        return self::$client;
    }

    public static function sync(): OrderSync
    {
        return new OrderSync(self::client());
    }

    public static function payments(): Payments
    {
        return new Payments(self::client(), self::sync(), self::settings()->referencePrefix());
    }

    public static function webhook_url(): string
    {
        return WC()->api_request_url(self::API_NAME);
    }

    /** Registers the webhook when it is missing or the shop's URL changed (cheap when it did not). */
    public static function ensure_webhook(): void
    {
        $registration = new WebhookRegistration(self::options());
        $stored = $registration->stored();
        if ($stored !== null && $stored['url'] === self::webhook_url()) {
            return;
        }
        $state = $registration->ensure(self::client(), self::webhook_url());
        if ($state !== null && $state['changed']) {
            self::client(true);
        }
    }

    /** `woocommerce_api_vipps_core`: verify, apply, answer, and exit before WooCommerce prints "-1". */
    public static function handle_webhook(): void
    {
        // fromGlobals() undoes WordPress's magic quotes on $_SERVER (wp_unslash exists here):
        // the signature covers the URL as it was sent.
        [$request, $body] = \Vipps\CallbackRequest::fromGlobals();
        $endpoint = new WebhookEndpoint(self::client(), self::orders(), self::sync(), static function (string $line): void {
            if (function_exists('wc_get_logger')) {
                wc_get_logger()->warning($line, ['source' => 'vipps-core-gateway']);
            }
        });
        try {
            $response = $endpoint->handle($request, $body);
        } catch (\Throwable $e) {
            // Not answered 2xx: Vipps delivers again later.
            $response = ['status' => 500, 'headers' => [], 'body' => ''];
        }
        \Vipps\CallbackRequest::send($response);
        exit;
    }

    /** Capture on completion; a capture that did not go through puts the order on hold, so it is seen. */
    public static function on_completed(int $order_id): void
    {
        self::with_our_order($order_id, static function (ShopOrder $order): void {
            try {
                self::payments()->capture($order);
            } catch (PaymentException $e) {
                $order->setStatus('on-hold', 'Vipps MobilePay capture did not go through: ' . $e->getMessage());
                $order->save();
            }
        });
    }

    public static function on_cancelled(int $order_id): void
    {
        self::with_our_order($order_id, static fn (ShopOrder $order) => self::payments()->cancel($order));
    }

    /** The return page races the webhook: read the status once, under the order's lock. */
    public static function on_return(int $order_id): void
    {
        self::with_our_order($order_id, static function (ShopOrder $order): void {
            $reference = $order->get(\VippsCoreGateway\Meta::REFERENCE);
            if (is_string($reference) && $reference !== '' && $order->status() === 'pending') {
                self::sync()->poll($order, $reference);
            }
        });
    }

    /** @param mixed $order */
    public static function may_cancel_unpaid(bool $cancel, $order): bool
    {
        if (!$order instanceof WC_Order || $order->get_payment_method() !== VIPPS_CORE_GATEWAY_ID) {
            return $cancel;
        }
        $sweep = new UnpaidOrderSweep(self::payments(), self::sync(), VIPPS_CORE_GATEWAY_ID);
        $answer = self::orders()->withLockedOrder($order->get_id(), static fn (ShopOrder $fresh) => $sweep->mayCancel($cancel, $fresh));
        return $answer === true;
    }

    public static function reconcile(): void
    {
        (new Reconciler(self::orders(), self::sync(), VIPPS_CORE_GATEWAY_ID))->run();
    }

    public static function schedule_reconcile(): void
    {
        if (function_exists('as_has_scheduled_action') && !as_has_scheduled_action(self::RECONCILE_HOOK)) {
            as_schedule_recurring_action(time() + 300, 300, self::RECONCILE_HOOK, [], 'vipps-core-gateway');
        }
    }

    /** @param callable(ShopOrder): void $work */
    private static function with_our_order(int $order_id, callable $work): void
    {
        $order = wc_get_order($order_id);
        if (!$order instanceof WC_Order || $order->get_payment_method() !== VIPPS_CORE_GATEWAY_ID) {
            return;
        }
        try {
            self::orders()->withLockedOrder($order_id, static function (ShopOrder $fresh) use ($work): void {
                $work($fresh);
            });
        } catch (PaymentException | \Vipps\VippsException $e) {
            // The order note says what happened and what to repeat; the status change stands.
            if (function_exists('wc_get_logger')) {
                wc_get_logger()->error($e->getMessage(), ['source' => 'vipps-core-gateway']);
            }
        }
    }
}
