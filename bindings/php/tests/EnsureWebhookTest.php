<?php

declare(strict_types=1);

namespace Vipps\Tests;

/** ensureWebhook through the binding: register once, store, pass back, unchanged. */
final class EnsureWebhookTest extends SimTestCase
{
    private const EVENTS = ['epayments.payment.authorized.v1', 'epayments.payment.captured.v1'];

    public function testRegisterOnceThenUnchangedThenReplaced(): void
    {
        $client = self::client();
        $url = 'https://shop.example/php-ensure-' . self::ref();
        $first = $client->ensureWebhook(['url' => $url, 'events' => self::EVENTS]);
        self::assertTrue($first['changed']);
        self::assertGreaterThanOrEqual(32, strlen($first['secret']));
        $stored = ['id' => $first['id'], 'secret' => $first['secret'], 'url' => $url, 'events' => self::EVENTS];
        $again = $client->ensureWebhook(['url' => $url, 'events' => self::EVENTS, 'current' => $stored]);
        self::assertFalse($again['changed']);
        self::assertSame($first['secret'], $again['secret']);
        $moved = $client->ensureWebhook(['url' => $url . '-2', 'events' => self::EVENTS, 'current' => $stored]);
        self::assertSame([$first['id']], $moved['removed']);
        $urls = array_column($client->listWebhooks()['webhooks'], 'url');
        self::assertNotContains($url, $urls);
        self::assertContains($url . '-2', $urls);
    }
}
