<?php
/**
 * The payment gateway WooCommerce shows at checkout and in its settings (WC_Payment_Gateway).
 */

declare(strict_types=1);

defined('ABSPATH') || exit;

use VippsCoreGateway\PaymentException;
use VippsCoreGateway\ShopOrder;
use VippsCoreGateway\WebhookRegistration;

class VippsCore_Gateway extends WC_Payment_Gateway
{
    public function __construct()
    {
        $this->id = VIPPS_CORE_GATEWAY_ID;
        $this->method_title = 'Vipps MobilePay (vipps core)';
        $this->method_description = 'Vipps MobilePay ePayment: the customer approves in the app; the payment is captured when the order is completed and refunded from the order page.';
        $this->has_fields = false;
        $this->supports = ['products', 'refunds'];
        $this->init_form_fields();
        $this->init_settings();
        $this->title = (string) $this->get_option('title');
        $this->description = (string) $this->get_option('description');
        add_action('woocommerce_update_options_payment_gateways_' . $this->id, [$this, 'process_admin_options']);
    }

    public function init_form_fields(): void
    {
        $this->form_fields = [
            'enabled' => ['title' => 'Enable', 'type' => 'checkbox', 'label' => 'Take payments with Vipps MobilePay', 'default' => 'no'],
            'title' => ['title' => 'Title', 'type' => 'text', 'default' => 'Vipps MobilePay'],
            'description' => ['title' => 'Description', 'type' => 'textarea', 'default' => 'Pay in the Vipps or MobilePay app.'],
            'environment' => ['title' => 'Environment', 'type' => 'select', 'default' => 'sim',
                'options' => ['sim' => 'Simulator (vipps-sim, no credentials)', 'test' => 'Test (MT)', 'production' => 'Production']],
            'client_id' => ['title' => 'client_id', 'type' => 'text'],
            'client_secret' => ['title' => 'client_secret', 'type' => 'password'],
            'subscription_key' => ['title' => 'Ocp-Apim-Subscription-Key', 'type' => 'password'],
            'merchant_serial_number' => ['title' => 'Merchant serial number', 'type' => 'text'],
            'sim_base_url' => ['title' => 'Simulator URL', 'type' => 'text', 'default' => 'http://127.0.0.1:7878'],
            'reference_prefix' => ['title' => 'Reference prefix', 'type' => 'text', 'default' => 'wcorder',
                'description' => 'Letters, digits and "-", at least 6 characters: payment references are prefix-order-attempt.'],
            'library_path' => ['title' => 'libvipps path (advanced)', 'type' => 'text',
                'description' => 'Empty: the library bundled with the plugin, or the preloaded FFI scope.'],
        ];
    }

    public function process_admin_options()
    {
        $saved = parent::process_admin_options();
        try {
            VippsCore_Plugin::client(true);
            VippsCore_Plugin::ensure_webhook();
        } catch (\Throwable $e) {
            WC_Admin_Settings::add_error('Vipps MobilePay: ' . $e->getMessage());
        }
        return $saved;
    }

    public function admin_options()
    {
        parent::admin_options();
        try {
            $version = \Vipps\Client::version(VippsCore_Plugin::settings()->libraryPath());
            $library = 'libvipps ' . $version;
        } catch (\Throwable $e) {
            $library = 'libvipps could not be loaded: ' . $e->getMessage();
        }
        $webhook = (new WebhookRegistration(VippsCore_Plugin::options()))->stored();
        $state = $webhook === null
            ? 'not registered yet (registered when the settings are saved or at the first checkout)'
            : sprintf('registered (id %s) for %s', $webhook['id'], $webhook['url']);
        $problems = VippsCore_Plugin::settings()->problems();
        echo '<h3>Status</h3><table class="form-table"><tr><th>Library</th><td>' . esc_html($library) . '</td></tr>'
            . '<tr><th>Webhook</th><td>' . esc_html($state) . '</td></tr>'
            . '<tr><th>Settings</th><td>' . esc_html($problems === [] ? 'complete' : implode('; ', $problems)) . '</td></tr></table>';
    }

    /** @param int $order_id */
    public function process_payment($order_id)
    {
        $order = wc_get_order($order_id);
        if (!$order instanceof WC_Order) {
            wc_add_notice('The order could not be found.', 'error');
            return ['result' => 'failure'];
        }
        try {
            VippsCore_Plugin::ensure_webhook();
            $url = VippsCore_Plugin::orders()->withLockedOrder((int) $order_id, fn (ShopOrder $fresh) => VippsCore_Plugin::payments()->start($fresh, $this->get_return_url($order)));
        } catch (PaymentException $e) {
            wc_add_notice($e->getMessage(), 'error');
            return ['result' => 'failure'];
        } catch (\Throwable $e) {
            wc_add_notice('Vipps MobilePay is not available right now. Please try again or choose another payment method.', 'error');
            return ['result' => 'failure'];
        }
        if (!is_string($url) || $url === '') {
            wc_add_notice('The payment is already being started in another window. Please try again in a moment.', 'error');
            return ['result' => 'failure'];
        }
        return ['result' => 'success', 'redirect' => $url];
    }

    /**
     * @param int $order_id
     * @param float|string|null $amount the decimal string WooCommerce passes ("5.00")
     * @param string $reason
     * @return bool|WP_Error
     */
    public function process_refund($order_id, $amount = null, $reason = '')
    {
        if ($amount === null || $amount === '') {
            return new WP_Error('vipps_core_refund', 'Give the amount to refund.');
        }
        try {
            VippsCore_Plugin::orders()->withLockedOrder((int) $order_id, static function (ShopOrder $order) use ($amount): void {
                VippsCore_Plugin::payments()->refund($order, is_float($amount) ? $amount : (string) $amount);
            }) ?? throw new PaymentException('The order is busy (a webhook is being applied). Try again in a moment.', true);
        } catch (PaymentException $e) {
            return new WP_Error('vipps_core_refund', $e->getMessage());
        } catch (\Throwable $e) {
            return new WP_Error('vipps_core_refund', 'Vipps MobilePay: ' . $e->getMessage());
        }
        return true;
    }
}
