<?php
/**
 * ShopOrder on a WC_Order: plugin data in order meta under "_vipps_core_", which works with
 * HPOS tables and posts storage alike.
 */

declare(strict_types=1);

defined('ABSPATH') || exit;

use VippsCoreGateway\Meta;
use VippsCoreGateway\ShopOrder;

final class VippsCore_WC_Order implements ShopOrder
{
    public const PREFIX = '_vipps_core_';
    /** One meta row per reference, so an order is found by any of its payments' references. */
    public const REFERENCE_INDEX = '_vipps_core_ref';

    public function __construct(private WC_Order $order)
    {
    }

    public function id(): int
    {
        return $this->order->get_id();
    }

    public function paymentMethod(): string
    {
        return (string) $this->order->get_payment_method();
    }

    public function total(): string
    {
        // WooCommerce stores totals rounded to the shop's decimals; this is that decimal string.
        return (string) wc_format_decimal($this->order->get_total('edit'), wc_get_price_decimals());
    }

    public function currency(): string
    {
        return (string) $this->order->get_currency();
    }

    public function lines(): array
    {
        $lines = [];
        foreach ($this->order->get_items(['line_item', 'shipping', 'fee']) as $item) {
            $net = (float) $item->get_total();
            $tax = (float) $item->get_total_tax();
            $lines[] = [
                'name' => (string) $item->get_name(),
                'id' => $item->get_type() === 'line_item' && $item->get_product() ? (string) ($item->get_product()->get_sku() ?: $item->get_product_id()) : $item->get_type() . '-' . $item->get_id(),
                'quantity' => max(1, (int) $item->get_quantity()),
                // as charged: after the line's discount, with its tax, in the shop's decimals
                'total' => (string) wc_format_decimal($net + $tax, wc_get_price_decimals()),
                // WooCommerce keeps amounts, not the rate: the rate they imply, in basis points
                'tax_rate' => $net > 0 ? (int) round($tax / $net * 10000) : 0,
                'is_shipping' => $item->get_type() === 'shipping',
            ];
        }
        return $lines;
    }

    public function orderPageUrl(): ?string
    {
        return $this->order->get_customer_id() ? (string) $this->order->get_view_order_url() : null;
    }

    public function status(): string
    {
        return (string) $this->order->get_status();
    }

    public function get(string $key): mixed
    {
        $value = $this->order->get_meta(self::PREFIX . $key, true);
        return $value === '' ? null : $value;
    }

    public function set(string $key, mixed $value): void
    {
        if ($value === null) {
            $this->order->delete_meta_data(self::PREFIX . $key);
            return;
        }
        $this->order->update_meta_data(self::PREFIX . $key, $value);
        if ($key === Meta::REFERENCES && is_array($value)) {
            $indexed = array_map(static fn ($meta) => $meta->value, $this->order->get_meta(self::REFERENCE_INDEX, false));
            foreach ($value as $reference) {
                if (!in_array($reference, $indexed, true)) {
                    $this->order->add_meta_data(self::REFERENCE_INDEX, (string) $reference, false);
                }
            }
        }
    }

    public function markPaid(string $transactionId): void
    {
        $this->order->payment_complete($transactionId);
    }

    public function setStatus(string $status, string $note): void
    {
        $this->order->update_status($status, $note);
    }

    public function addNote(string $note): void
    {
        $this->order->add_order_note($note);
    }

    public function save(): void
    {
        $this->order->save();
    }
}
