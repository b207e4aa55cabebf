<?php

declare(strict_types=1);

namespace VippsCoreGateway;

/**
 * The part of a WooCommerce order that the payment logic reads and changes. The plugin wraps a
 * WC_Order in includes/class-wc-shop-order.php; the logic never sees WordPress, so it is tested
 * without it.
 */
interface ShopOrder
{
    public function id(): int;

    /** The gateway id the order is paid with. */
    public function paymentMethod(): string;

    /** The order total as WooCommerce gives it: a decimal string such as "15.50". */
    public function total(): string;

    public function currency(): string;

    /** The WooCommerce status without the "wc-" prefix: pending, processing, completed, ... */
    public function status(): string;

    /** Plugin data stored on the order (order meta under the plugin's prefix). */
    public function get(string $key): mixed;

    public function set(string $key, mixed $value): void;

    /** WC_Order::payment_complete(): the paid status and the transaction id. */
    public function markPaid(string $transactionId): void;

    /** WC_Order::update_status() with an order note. */
    public function setStatus(string $status, string $note): void;

    public function addNote(string $note): void;

    /** Writes the changes made with set() to the store. */
    public function save(): void;
}
