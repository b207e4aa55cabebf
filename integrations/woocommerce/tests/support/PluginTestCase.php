<?php

declare(strict_types=1);

namespace VippsCoreGateway\Tests;

use Vipps\Client;
use Vipps\Tests\SimTestCase;
use VippsCoreGateway\OrderSync;
use VippsCoreGateway\Payments;

/** The plugin's logic wired as the WordPress glue wires it, against the simulator. */
abstract class PluginTestCase extends SimTestCase
{
    protected MemoryOrders $orders;
    protected Client $client;
    protected OrderSync $sync;
    protected Payments $payments;
    protected static int $nextId = 0;

    protected function setUp(): void
    {
        $this->orders = new MemoryOrders();
        $this->wire(self::client());
    }

    protected function wire(Client $client): void
    {
        $this->client = $client;
        $this->sync = new OrderSync($client);
        // A unique prefix per test run: references are unique per merchant in the simulator.
        $this->payments = new Payments($client, $this->sync, 'wctest' . bin2hex(random_bytes(3)));
    }

    protected function newOrder(string $total, int $ageSeconds = 600): MemoryOrder
    {
        return $this->orders->add(++self::$nextId, $total, 'NOK', 'vipps_core', $ageSeconds);
    }

    protected function approve(string $reference): void
    {
        $this->client->forceApprove(['reference' => $reference, 'customer' => ['phoneNumber' => '4791234567']]);
    }

    /** @return array<string, mixed> the simulator's ledger entry */
    protected function ledger(string $reference): array
    {
        foreach (self::sim('GET', '/_sim/ledger')['payments'] as $payment) {
            if ($payment['reference'] === $reference) {
                return $payment;
            }
        }
        self::fail("no payment $reference in the ledger");
    }

    /** Drops the answer of the next matching request after the simulator carried it out. */
    protected static function dropAnswer(string $method, string $path): void
    {
        self::sim('POST', '/_sim/faults', ['method' => $method, 'path' => $path, 'count' => 1, 'action' => 'process_then_drop']);
    }

    protected static function oneAttemptClient(): Client
    {
        return self::client(['retry' => ['max_attempts' => 1, 'base_delay_ms' => 10, 'max_delay_ms' => 10]]);
    }
}
