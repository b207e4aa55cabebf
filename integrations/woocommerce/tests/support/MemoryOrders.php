<?php

declare(strict_types=1);

namespace VippsCoreGateway\Tests;

use VippsCoreGateway\Meta;
use VippsCoreGateway\OrderRepository;
use VippsCoreGateway\ShopOrder;

/** Orders in memory, with the repository's contract: fresh reads inside a lock, lookup by any reference. */
final class MemoryOrders implements OrderRepository
{
    /** @var array<int, array{status: string, meta: array<string, mixed>, notes: list<string>, transaction_id: ?string, created: int}> */
    private array $rows = [];
    /** @var array<int, array{total: string, currency: string, gateway: string, lines?: list<array{name: string, id: string, quantity: int, total: string, tax_rate: int, is_shipping: bool}>}> */
    private array $shape = [];
    /** @var array<int, bool> */
    public array $locked = [];

    public function add(int $id, string $total, string $currency = 'NOK', string $gateway = 'vipps_core', int $ageSeconds = 600): MemoryOrder
    {
        $this->rows[$id] = ['status' => 'pending', 'meta' => [], 'notes' => [], 'transaction_id' => null, 'created' => time() - $ageSeconds];
        $this->shape[$id] = ['total' => $total, 'currency' => $currency, 'gateway' => $gateway];
        return $this->find($id);
    }

    /**
     * The order's lines as WooCommerce would give them (see ShopOrder::lines()).
     *
     * @param list<array{name: string, id: string, quantity: int, total: string, tax_rate: int, is_shipping: bool}> $lines
     */
    public function setLines(int $id, array $lines): void { $this->shape[$id]['lines'] = $lines; }

    /** @return array{status: string, meta: array<string, mixed>, notes: list<string>, transaction_id: ?string, created: int} */
    public function row(int $id): array { return $this->rows[$id]; }

    /** @param array<string, mixed> $fields */
    public function update(int $id, array $fields): void { $this->rows[$id] = $fields + $this->rows[$id]; }

    public function note(int $id, string $note): void { $this->rows[$id]['notes'][] = $note; }

    /** @param array<string, mixed> $meta */
    public function saveMeta(int $id, array $meta): void { $this->rows[$id]['meta'] = $meta + $this->rows[$id]['meta']; }

    public function find(int $id): ?ShopOrder
    {
        if (!isset($this->rows[$id])) {
            return null;
        }
        $s = $this->shape[$id];
        return new MemoryOrder($this, $id, $s['total'], $s['currency'], $s['gateway'], $s['lines'] ?? []);
    }

    public function findByReference(string $reference): ?ShopOrder
    {
        foreach ($this->rows as $id => $row) {
            if (in_array($reference, (array) ($row['meta'][Meta::REFERENCES] ?? []), true)) {
                return $this->find($id);
            }
        }
        return null;
    }

    public function withLockedOrder(int $id, callable $work): mixed
    {
        if (!empty($this->locked[$id])) {
            return null;
        }
        $order = $this->find($id);
        if ($order === null) {
            return null;
        }
        $this->locked[$id] = true;
        try {
            return $work($order) ?? true;
        } finally {
            unset($this->locked[$id]);
        }
    }

    public function awaitingPayment(string $gatewayId, int $minAgeSeconds, int $limit): array
    {
        $ids = [];
        foreach ($this->rows as $id => $row) {
            if ($row['status'] === 'pending' && $this->shape[$id]['gateway'] === $gatewayId && $row['created'] <= time() - $minAgeSeconds) {
                $ids[] = $id;
            }
        }
        return array_slice($ids, 0, $limit);
    }
}
