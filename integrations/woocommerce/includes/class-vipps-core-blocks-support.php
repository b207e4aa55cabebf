<?php
/**
 * The block checkout's side of the gateway: the script that registers it (plain JavaScript on
 * WooCommerce's globals, no build step) and the data the script reads.
 */

declare(strict_types=1);

defined('ABSPATH') || exit;

use Automattic\WooCommerce\Blocks\Payments\Integrations\AbstractPaymentMethodType;

final class VippsCore_Blocks_Support extends AbstractPaymentMethodType
{
    protected $name = VIPPS_CORE_GATEWAY_ID;

    public function initialize()
    {
        $settings = get_option('woocommerce_' . VIPPS_CORE_GATEWAY_ID . '_settings', []);
        $this->settings = is_array($settings) ? $settings : [];
    }

    public function is_active()
    {
        return ($this->settings['enabled'] ?? 'no') === 'yes';
    }

    public function get_payment_method_script_handles()
    {
        wp_register_script(
            'vipps-core-blocks',
            plugins_url('assets/js/blocks.js', VIPPS_CORE_FILE),
            ['wc-blocks-registry', 'wc-settings', 'wp-element', 'wp-html-entities'],
            VIPPS_CORE_VERSION,
            true
        );
        return ['vipps-core-blocks'];
    }

    public function get_payment_method_data()
    {
        return [
            'title' => $this->settings['title'] ?? 'Vipps MobilePay',
            'description' => $this->settings['description'] ?? '',
            'supports' => ['products'],
        ];
    }
}
