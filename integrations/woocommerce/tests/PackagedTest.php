<?php

declare(strict_types=1);

namespace VippsCoreGateway\Tests;

use PHPUnit\Framework\TestCase;
use Vipps\Client;
use Vipps\Native;

/** Which plugin, binding and library these tests ran on: the unpacked zip's own, when given one. */
final class PackagedTest extends TestCase
{
    public function testTheCodeAndTheLibraryComeFromThePluginUnderTest(): void
    {
        $pluginDir = getenv('VIPPS_CORE_PLUGIN_DIR') ?: dirname(__DIR__);
        $real = realpath($pluginDir) . '/';
        $class = (string) (new \ReflectionClass(\VippsCoreGateway\Payments::class))->getFileName();
        self::assertStringStartsWith($real, $class);
        if (getenv('VIPPS_CORE_PLUGIN_DIR') === false) {
            // In the repository the plugin uses the repository's binding and build.
            self::assertStringEndsWith('bindings/php/src/Client.php', (string) (new \ReflectionClass(Client::class))->getFileName());
            return;
        }
        self::assertStringStartsWith($real . 'lib/vipps-php/src/', (string) (new \ReflectionClass(Client::class))->getFileName());
        self::assertFalse(getenv('VIPPS_LIB'), 'the packaged test must not point at a library');
        self::assertStringStartsWith($real . 'lib/vipps-php/lib/', Native::resolveLibraryPath());
        self::assertSame(Native::VERSION, Client::version());
    }
}
