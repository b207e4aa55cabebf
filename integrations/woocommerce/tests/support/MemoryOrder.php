<?php

declare(strict_types=1);

namespace VippsCoreGateway\Tests;

use VippsCoreGateway\ShopOrder;

/**
 * An order kept in memory, behaving as WC_Order does for what ShopOrder exposes: set() is
 * visible only after save() to another reader (as order meta is), markPaid() moves a waiting
 * order to processing.
 */
final class MemoryOrder implements ShopOrder
{
    /** @var array<string, mixed> */
    private array $unsaved = [];
    /** @var list<string> */
    public array $notes = [];

    /**
     * @param list<array{name: string, id: string, quantity: int, total: string, tax_rate: int, is_shipping: bool}> $lines
     */
    public function __construct(private MemoryOrders $store, public readonly int $id, private string $total,
        private string $currency = 'NOK', private string $gateway = 'vipps_core', private array $lines = [])
    {
    }

    public function id(): int { return $this->id; }
    public function paymentMethod(): string { return $this->gateway; }
    public function total(): string { return $this->total; }
    public function currency(): string { return $this->currency; }
    public function status(): string { return $this->store->row($this->id)['status']; }

    public function setTotal(string $total): void { $this->total = $total; }
    public function lines(): array { return $this->lines; }
    public function orderPageUrl(): ?string { return "https://shop.example/my-account/view-order/{$this->id}/"; }

    public function get(string $key): mixed
    {
        return array_key_exists($key, $this->unsaved) ? $this->unsaved[$key] : ($this->store->row($this->id)['meta'][$key] ?? null);
    }

    public function set(string $key, mixed $value): void { $this->unsaved[$key] = $value; }

    public function markPaid(string $transactionId): void
    {
        $this->store->update($this->id, ['status' => 'processing', 'transaction_id' => $transactionId]);
    }

    public function setStatus(string $status, string $note): void
    {
        $this->store->update($this->id, ['status' => $status]);
        $this->addNote($note);
    }

    public function addNote(string $note): void { $this->store->note($this->id, $note); }

    public function save(): void
    {
        $this->store->saveMeta($this->id, $this->unsaved);
        $this->unsaved = [];
    }
}
