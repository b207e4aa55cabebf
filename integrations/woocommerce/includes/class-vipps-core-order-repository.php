<?php
/**
 * OrderRepository on WooCommerce: lookups by meta_key/meta_value (WooCommerce 7.9's posts
 * storage ignores meta_query), a MySQL named lock per order, and a fresh read inside the lock
 * (HPOS answers wc_get_order() from a per-request cache, so the cache entry is removed first).
 */

declare(strict_types=1);

defined('ABSPATH') || exit;

use VippsCoreGateway\OrderRepository;
use VippsCoreGateway\ShopOrder;

final class VippsCore_Order_Repository implements OrderRepository
{
    private const LOCK_WAIT_SECONDS = 10;

    public function find(int $id): ?ShopOrder
    {
        $order = wc_get_order($id);
        return $order instanceof WC_Order ? new VippsCore_WC_Order($order) : null;
    }

    public function findByReference(string $reference): ?ShopOrder
    {
        $ids = wc_get_orders([
            'limit' => 5,
            'type' => 'shop_order',
            'meta_key' => VippsCore_WC_Order::REFERENCE_INDEX,
            'meta_value' => $reference,
            'return' => 'ids',
        ]);
        foreach ((array) $ids as $id) {
            $order = wc_get_order($id);
            if (!$order instanceof WC_Order) {
                continue;
            }
            // Checked on the order itself: a query that ignored the meta filter returns others.
            $references = array_map(static fn ($meta) => $meta->value, $order->get_meta(VippsCore_WC_Order::REFERENCE_INDEX, false));
            if (in_array($reference, $references, true)) {
                return new VippsCore_WC_Order($order);
            }
        }
        return null;
    }

    public function withLockedOrder(int $id, callable $work): mixed
    {
        global $wpdb;
        $name = 'vipps_core_order_' . $id;
        if ((string) $wpdb->get_var($wpdb->prepare('SELECT GET_LOCK(%s, %d)', $name, self::LOCK_WAIT_SECONDS)) !== '1') {
            return null;
        }
        try {
            $this->forget($id);
            $order = $this->find($id);
            return $order === null ? null : ($work($order) ?? true);
        } finally {
            $wpdb->query($wpdb->prepare('SELECT RELEASE_LOCK(%s)', $name));
        }
    }

    public function awaitingPayment(string $gatewayId, int $minAgeSeconds, int $limit): array
    {
        $ids = wc_get_orders([
            'limit' => $limit,
            'status' => ['pending'],
            'payment_method' => $gatewayId,
            'date_created' => '<' . (time() - $minAgeSeconds),
            'orderby' => 'date',
            'order' => 'ASC',
            'return' => 'ids',
        ]);
        return array_values(array_map('intval', (array) $ids));
    }

    /** Drops what this request cached of the order, so the read inside the lock is fresh. */
    private function forget(int $id): void
    {
        if (class_exists(\Automattic\WooCommerce\Caches\OrderCache::class) && function_exists('wc_get_container')) {
            wc_get_container()->get(\Automattic\WooCommerce\Caches\OrderCache::class)->remove($id);
        }
        clean_post_cache($id);
        wp_cache_delete($id, 'post_meta');
    }
}
