<?php

declare(strict_types=1);

namespace Shop;

/**
 * Orders in one JSON file under the data directory. `php -S` (and PHP-FPM) serve each request in
 * a fresh script, possibly in parallel workers, so every read-modify-write holds an exclusive
 * flock() on the file for its whole duration.
 */
final class OrderStore
{
    private string $file;

    public function __construct(private string $dir)
    {
        if (!is_dir($dir) && !mkdir($dir, 0700, true) && !is_dir($dir)) {
            throw new \RuntimeException("cannot create the data directory $dir");
        }
        $this->file = $dir . '/orders.json';
    }

    public function dir(): string
    {
        return $this->dir;
    }

    /** @return array<string, mixed>|null */
    public function get(int $id): ?array
    {
        return $this->all()[$id] ?? null;
    }

    /** @return array<int, array<string, mixed>> */
    public function all(): array
    {
        return $this->locked(LOCK_SH, static fn (array $orders) => [$orders, false]);
    }

    /**
     * Creates an order with the next number.
     *
     * @param array<string, mixed> $fields
     * @return array<string, mixed>
     */
    public function create(array $fields): array
    {
        return $this->locked(LOCK_EX, static function (array $orders) use ($fields) {
            $id = $orders === [] ? 1001 : max(array_keys($orders)) + 1;
            $order = ['id' => $id, 'created' => gmdate('c'), 'notes' => []] + $fields;
            $orders[$id] = $order;
            return [$order, $orders];
        });
    }

    /**
     * Changes one order under the lock: $change gets the order and returns it changed.
     *
     * @param callable(array<string, mixed>): array<string, mixed> $change
     * @return array<string, mixed> the stored order
     */
    public function update(int $id, callable $change): array
    {
        return $this->locked(LOCK_EX, static function (array $orders) use ($id, $change) {
            if (!isset($orders[$id])) {
                throw new \OutOfBoundsException("no order $id");
            }
            $orders[$id] = $change($orders[$id]);
            return [$orders[$id], $orders];
        });
    }

    /**
     * Settings shared between requests (e.g. the webhook registration), one JSON file each.
     *
     * @return array<string, mixed>|null
     */
    public function setting(string $name): ?array
    {
        $file = $this->dir . '/' . basename($name) . '.json';
        $text = is_file($file) ? file_get_contents($file) : false;
        return $text === false ? null : json_decode($text, true);
    }

    /** @param array<string, mixed> $value */
    public function saveSetting(string $name, array $value): void
    {
        $file = $this->dir . '/' . basename($name) . '.json';
        file_put_contents($file . '.tmp', json_encode($value, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES));
        rename($file . '.tmp', $file);
    }

    /**
     * @param callable(array<int, array<string, mixed>>): array{0: mixed, 1: array<int, array<string, mixed>>|false} $work
     * @return mixed what $work returned first
     */
    private function locked(int $mode, callable $work)
    {
        $handle = fopen($this->file, 'c+');
        if ($handle === false) {
            throw new \RuntimeException("cannot open {$this->file}");
        }
        try {
            flock($handle, $mode);
            $text = stream_get_contents($handle);
            $orders = [];
            foreach (($text === '' || $text === false ? [] : json_decode($text, true)) as $order) {
                $orders[(int) $order['id']] = $order;
            }
            [$result, $changed] = $work($orders);
            if ($changed !== false) {
                ftruncate($handle, 0);
                rewind($handle);
                fwrite($handle, json_encode(array_values($changed), JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES));
                fflush($handle);
            }
            return $result;
        } finally {
            flock($handle, LOCK_UN);
            fclose($handle);
        }
    }
}
