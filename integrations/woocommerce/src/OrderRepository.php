<?php

declare(strict_types=1);

namespace VippsCoreGateway;

/** Finds and locks orders; WordPress's implementation is includes/class-wc-order-repository.php. */
interface OrderRepository
{
    public function find(int $id): ?ShopOrder;

    /** The order whose Vipps reference is $reference, checked on the order found. */
    public function findByReference(string $reference): ?ShopOrder;

    /**
     * Runs $work with a lock on the order, given the order read fresh from the store inside
     * the lock: a webhook and the return page race on one order.
     *
     * @template T
     * @param callable(ShopOrder): T $work
     * @return T|true|null what $work returns (true when it returns nothing), or null when
     *         the lock could not be had in time or the order is gone
     */
    public function withLockedOrder(int $id, callable $work): mixed;

    /**
     * Orders paid with this gateway that still wait for the payment, created more than
     * $minAgeSeconds ago, oldest first.
     *
     * @return list<int>
     */
    public function awaitingPayment(string $gatewayId, int $minAgeSeconds, int $limit): array;
}
