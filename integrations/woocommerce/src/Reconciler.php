<?php

declare(strict_types=1);

namespace VippsCoreGateway;

/**
 * The scheduled job (Action Scheduler, every few minutes): webhooks are not guaranteed, so
 * orders still waiting for their payment are checked against the API.
 */
final class Reconciler
{
    public function __construct(private OrderRepository $orders, private OrderSync $sync, private string $gatewayId)
    {
    }

    /**
     * @return array{checked: int, failed: int}
     */
    public function run(int $minAgeSeconds = 120, int $limit = 25): array
    {
        $checked = 0;
        $failed = 0;
        foreach ($this->orders->awaitingPayment($this->gatewayId, $minAgeSeconds, $limit) as $id) {
            try {
                $this->orders->withLockedOrder($id, function (ShopOrder $order): void {
                    $reference = $order->get(Meta::REFERENCE);
                    if (is_string($reference) && $reference !== '') {
                        $this->sync->poll($order, $reference);
                    }
                });
                $checked++;
            } catch (\Throwable $e) {
                // One order's failure must not stop the others; it is tried again next run.
                $failed++;
            }
        }
        return ['checked' => $checked, 'failed' => $failed];
    }
}
