<?php

declare(strict_types=1);

namespace VippsCoreGateway;

use Vipps\VippsException;

/**
 * WooCommerce's unpaid-order sweep (`woocommerce_cancel_unpaid_order`) cancels orders still
 * pending after the hold-stock time. A pending order may be paid at Vipps with the webhook lost
 * or late, so the sweep asks the API first: a reserved payment vetoes the cancel and pays the
 * order; a payment the customer never finished is cancelled at Vipps before the order is, so it
 * cannot be approved afterwards. When the API cannot be asked, the cancel waits for the next sweep.
 */
final class UnpaidOrderSweep
{
    public function __construct(private Payments $payments, private OrderSync $sync, private string $gatewayId)
    {
    }

    /** The filter's answer: whether WooCommerce may cancel $order now. */
    public function mayCancel(bool $cancel, ShopOrder $order): bool
    {
        if (!$cancel || $order->paymentMethod() !== $this->gatewayId) {
            return $cancel;
        }
        $reference = $order->get(Meta::REFERENCE);
        if (!is_string($reference) || $reference === '') {
            return true;
        }
        try {
            $status = $this->sync->poll($order, $reference);
            if ($status['status'] === 'pending') {
                $this->payments->cancel($order);
                $status = $this->sync->poll($order, $reference);
            }
        } catch (VippsException | PaymentException $e) {
            $order->addNote('Vipps MobilePay could not be asked before the unpaid-order sweep (' . $e->getMessage() . '): the order stays for now.');
            $order->save();
            return false;
        }
        // Paid (settle() has marked the order paid) or still open: not the sweep's to cancel.
        return (bool) ($status['final'] ?? false) && !in_array($status['status'], ['authorized', 'partially_captured', 'captured', 'partially_refunded', 'refunded'], true);
    }
}
