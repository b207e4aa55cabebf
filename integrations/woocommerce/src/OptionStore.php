<?php

declare(strict_types=1);

namespace VippsCoreGateway;

/** Site-wide settings storage (WordPress options), and a lock across PHP workers. */
interface OptionStore
{
    public function get(string $key): mixed;

    public function set(string $key, mixed $value): void;

    public function delete(string $key): void;

    /**
     * Runs $work while holding a named lock across processes, or returns null when the lock
     * could not be had within $waitSeconds.
     *
     * @template T
     * @param callable(): T $work
     * @return T|null
     */
    public function withLock(string $name, int $waitSeconds, callable $work): mixed;
}
