<?php

declare(strict_types=1);

namespace VippsCoreGateway\Tests;

use VippsCoreGateway\OptionStore;

final class MemoryOptions implements OptionStore
{
    /** @var array<string, mixed> */
    public array $values = [];
    /** @var array<string, bool> */
    public array $held = [];

    public function get(string $key): mixed { return $this->values[$key] ?? null; }
    public function set(string $key, mixed $value): void { $this->values[$key] = $value; }
    public function delete(string $key): void { unset($this->values[$key]); }

    public function withLock(string $name, int $waitSeconds, callable $work): mixed
    {
        if (!empty($this->held[$name])) {
            return null;
        }
        $this->held[$name] = true;
        try {
            return $work();
        } finally {
            unset($this->held[$name]);
        }
    }
}
