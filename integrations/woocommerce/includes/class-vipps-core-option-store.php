<?php
/**
 * OptionStore on WordPress options (not autoloaded: the webhook secret is read only when
 * needed) and MySQL named locks.
 */

declare(strict_types=1);

defined('ABSPATH') || exit;

use VippsCoreGateway\OptionStore;

final class VippsCore_Option_Store implements OptionStore
{
    private const PREFIX = 'vipps_core_';

    public function get(string $key): mixed
    {
        $value = get_option(self::PREFIX . $key, null);
        return $value === false ? null : $value;
    }

    public function set(string $key, mixed $value): void
    {
        update_option(self::PREFIX . $key, $value, false);
    }

    public function delete(string $key): void
    {
        delete_option(self::PREFIX . $key);
    }

    public function withLock(string $name, int $waitSeconds, callable $work): mixed
    {
        global $wpdb;
        if ((string) $wpdb->get_var($wpdb->prepare('SELECT GET_LOCK(%s, %d)', $name, $waitSeconds)) !== '1') {
            return null;
        }
        try {
            // Another worker may have stored a new state while this one waited for the lock.
            wp_cache_delete('alloptions', 'options');
            wp_cache_delete(self::PREFIX . 'webhook', 'options');
            return $work();
        } finally {
            $wpdb->query($wpdb->prepare('SELECT RELEASE_LOCK(%s)', $name));
        }
    }
}
