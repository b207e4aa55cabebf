<?php

declare(strict_types=1);

namespace VippsCoreGateway;

/**
 * The gateway's settings (WooCommerce stores them as an array of strings) and the library
 * configuration made from them. Without credentials the plugin talks to vipps-sim, so a shop
 * can be tried end to end before the merchant has keys.
 */
final class Settings
{
    public const PLUGIN_NAME = 'vipps-core-gateway';

    /** @param array<string, mixed> $values */
    public function __construct(private array $values)
    {
    }

    public function environment(): string
    {
        $environment = $this->string('environment', 'sim');
        return in_array($environment, ['sim', 'test', 'production'], true) ? $environment : 'sim';
    }

    /** The prefix of every payment reference: letters, digits and '-', long enough for ePayment's 8. */
    public function referencePrefix(): string
    {
        $prefix = preg_replace('/[^A-Za-z0-9-]/', '', $this->string('reference_prefix', 'wcorder')) ?? '';
        return strlen($prefix) >= 6 ? substr($prefix, 0, 30) : 'wcorder';
    }

    public function libraryPath(): ?string
    {
        $path = $this->string('library_path', '');
        return $path === '' ? null : $path;
    }

    /** The problems that keep the gateway from taking payments, for the settings page. */
    public function problems(): array
    {
        $problems = [];
        if ($this->environment() !== 'sim') {
            foreach (['client_id', 'client_secret', 'subscription_key', 'merchant_serial_number'] as $key) {
                if ($this->string($key, '') === '') {
                    $problems[] = "$key is required for the " . $this->environment() . ' environment';
                }
            }
        }
        return $problems;
    }

    /**
     * The configuration for Vipps\Client.
     *
     * @param array{id?: string, secret?: string}|null $webhook the stored webhook state
     * @return array<string, mixed>
     */
    public function clientConfig(string $wooCommerceVersion, string $pluginVersion, ?array $webhook): array
    {
        $config = [
            'system_name' => 'woocommerce',
            'system_version' => substr($wooCommerceVersion !== '' ? $wooCommerceVersion : 'unknown', 0, 30),
            'plugin_name' => self::PLUGIN_NAME,
            'plugin_version' => substr($pluginVersion, 0, 30),
            // PHP's default max_execution_time is 30 s: every call ends within 20.
            'timeouts' => ['connect_ms' => 3000, 'request_ms' => 10000, 'total_ms' => 20000],
        ];
        if ($this->environment() === 'sim') {
            $config['base_url'] = $this->string('sim_base_url', 'http://127.0.0.1:7878');
        } else {
            $config['environment'] = $this->environment();
            foreach (['client_id', 'client_secret', 'subscription_key', 'merchant_serial_number'] as $key) {
                $config[$key] = $this->string($key, '');
            }
        }
        if (isset($webhook['secret']) && is_string($webhook['secret']) && $webhook['secret'] !== '') {
            $config['webhook_secrets'] = [$webhook['secret']];
        }
        return $config;
    }

    private function string(string $key, string $default): string
    {
        $value = $this->values[$key] ?? null;
        return is_string($value) ? trim($value) : $default;
    }
}
