<?php
/**
 * Uninstall: delete the webhook registration at Vipps MobilePay (best effort: its deliveries
 * would otherwise be refused for days), the plugin's options and its scheduled action. Orders
 * keep their notes and payment references.
 */

declare(strict_types=1);

defined('WP_UNINSTALL_PLUGIN') || exit;

require_once __DIR__ . '/autoload.php';

$vipps_core_webhook = get_option('vipps_core_webhook', null);
if (is_array($vipps_core_webhook) && isset($vipps_core_webhook['id'])) {
    try {
        $vipps_core_settings = new \VippsCoreGateway\Settings((array) get_option('woocommerce_vipps_core_settings', []));
        $vipps_core_client = new \Vipps\Client($vipps_core_settings->clientConfig('', '0.1.0', null), $vipps_core_settings->libraryPath());
        $vipps_core_client->deleteWebhook(['id' => (string) $vipps_core_webhook['id']]);
    } catch (\Throwable $e) {
        // The registration stays at Vipps; the merchant can delete it in the portal.
    }
}
delete_option('vipps_core_webhook');
delete_option('woocommerce_vipps_core_settings');
if (function_exists('as_unschedule_all_actions')) {
    as_unschedule_all_actions('vipps_core_reconcile');
}
