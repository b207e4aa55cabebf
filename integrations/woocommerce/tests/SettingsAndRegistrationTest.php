<?php

declare(strict_types=1);

namespace VippsCoreGateway\Tests;

use VippsCoreGateway\Settings;
use VippsCoreGateway\WebhookRegistration;

final class SettingsAndRegistrationTest extends PluginTestCase
{
    public function testTheClientConfigurationFollowsTheSettings(): void
    {
        $sim = (new Settings(['environment' => 'sim', 'sim_base_url' => self::base()]))->clientConfig('10.0.2', '0.1.0', null);
        self::assertSame(self::base(), $sim['base_url']);
        self::assertSame('woocommerce', $sim['system_name']);
        self::assertSame('10.0.2', $sim['system_version']);
        self::assertArrayNotHasKey('webhook_secrets', $sim);
        new \Vipps\Client($sim); // the library accepts it

        $live = new Settings(['environment' => 'production', 'client_id' => 'id', 'client_secret' => 's',
            'subscription_key' => 'k', 'merchant_serial_number' => '123456']);
        $config = $live->clientConfig('7.9.0', '0.1.0', ['id' => 'w', 'secret' => 'webhook-secret-0123456789']);
        self::assertSame('production', $config['environment']);
        self::assertSame(['webhook-secret-0123456789'], $config['webhook_secrets']);
        self::assertSame([], $live->problems());
        self::assertCount(4, (new Settings(['environment' => 'test']))->problems());
        self::assertSame('wcorder', (new Settings(['reference_prefix' => 'w!']))->referencePrefix(), 'too short for ePayment');
    }

    public function testRegistrationHappensOnceAndIsStored(): void
    {
        $options = new MemoryOptions();
        $registration = new WebhookRegistration($options);
        $url = 'https://shop.example/?wc-api=vipps_core&t=' . bin2hex(random_bytes(4));
        $first = $registration->ensure($this->client, $url);
        self::assertTrue($first['changed']);
        self::assertSame($first['secret'], $registration->stored()['secret']);
        $again = $registration->ensure($this->client, $url);
        self::assertFalse($again['changed']);
        self::assertSame($first['id'], $again['id']);
        $options->held['vipps_core_webhook'] = true;
        self::assertNull($registration->ensure($this->client, $url), 'another worker is registering');
        $this->client->deleteWebhook(['id' => $first['id']]);
    }
}
