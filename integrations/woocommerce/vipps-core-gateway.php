<?php
/**
 * Plugin Name:          Vipps MobilePay payments (vipps core)
 * Description:          Vipps MobilePay ePayment for WooCommerce on libvipps, the native payment core: tokens, retries, idempotency, webhook verification and reconciliation done once, in the library.
 * Version:              0.1.0
 * Requires at least:    6.1
 * Requires PHP:         8.1
 * Requires Plugins:     woocommerce
 * WC requires at least: 7.9
 * WC tested up to:      10.0
 * License:              MIT
 * Text Domain:          vipps-core-gateway
 *
 * Not an official Vipps MobilePay plugin.
 */

declare(strict_types=1);

defined('ABSPATH') || exit;

const VIPPS_CORE_VERSION = '0.1.0';
const VIPPS_CORE_FILE = __FILE__;
const VIPPS_CORE_GATEWAY_ID = 'vipps_core';

require_once __DIR__ . '/autoload.php';
require_once __DIR__ . '/includes/class-vipps-core-plugin.php';

// HPOS and the block checkout: declared before WooCommerce initializes.
add_action('before_woocommerce_init', static function (): void {
    if (class_exists(\Automattic\WooCommerce\Utilities\FeaturesUtil::class)) {
        \Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility('custom_order_tables', VIPPS_CORE_FILE, true);
        \Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility('cart_checkout_blocks', VIPPS_CORE_FILE, true);
    }
});

add_action('plugins_loaded', static function (): void {
    if (!class_exists('WC_Payment_Gateway')) {
        return;
    }
    require_once __DIR__ . '/includes/class-vipps-core-gateway.php';
    add_filter('woocommerce_payment_gateways', static function (array $gateways): array {
        $gateways[] = VippsCore_Gateway::class;
        return $gateways;
    });
    VippsCore_Plugin::register_hooks();
});

register_deactivation_hook(__FILE__, static function (): void {
    if (function_exists('as_unschedule_all_actions')) {
        as_unschedule_all_actions(VippsCore_Plugin::RECONCILE_HOOK);
    }
});
