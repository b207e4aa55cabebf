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

    /**
     * The order's lines for the receipt in the customer's app (products, shipping, fees), each
     * as charged: `total` the line's decimal total including tax and after its discount ("99.50"),
     * `tax_rate` in basis points (2500 = 25 %), `quantity` a whole number.
     *
     * @return list<array{name: string, id: string, quantity: int, total: string, tax_rate: int, is_shipping: bool}>
     */
    public function lines(): array;

    /** The customer's page of the order (the app links to it), or null when there is none. */
    public function orderPageUrl(): ?string;

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
