<?php

declare(strict_types=1);

namespace Vipps\Tests;

use Vipps\Client;
use Vipps\ConfigException;
use Vipps\Native;

/** Loading the library, the ABI check, and how PHP FFI hands back strings. */
final class LoadingTest extends SimTestCase
{
    protected function tearDown(): void
    {
        Native::setLibraryPath(null);
        Native::reset();
    }

    public function testAbiAndVersion(): void
    {
        self::assertSame(1, Client::abiVersion());
        self::assertMatchesRegularExpression('/^\d+\.\d+\.\d+/', Client::version());
        self::assertStringStartsWith('/', Native::resolveLibraryPath());
    }

    public function testOwnedStringsComeBackAsPointersAndStaticOnesAsStrings(): void
    {
        $ffi = Native::ffi();
        // `char *` return: PHP FFI keeps the pointer (a CData), so the binding can free it.
        $ptr = $ffi->vipps_make_order_id('{"prefix":"acme","order_number":"1001"}');
        self::assertInstanceOf(\FFI\CData::class, $ptr);
        self::assertSame('char*', \FFI::typeof($ptr)->getName());
        self::assertSame('{"data":{"order_id":"acme-1001"},"ok":true}', Native::take($ffi, $ptr));
        // `const char *` return: PHP FFI copies into a PHP string and the pointer is gone, which
        // is right only for static strings like vipps_version().
        self::assertIsString($ffi->vipps_version());
        // Declaring an owned string `const char *` would lose the pointer: take() refuses that.
        $this->expectException(\Vipps\InternalException::class);
        Native::take($ffi, 'a copied string');
    }

    public function testVippsLibMustExist(): void
    {
        $old = getenv('VIPPS_LIB');
        putenv('VIPPS_LIB=/nonexistent/libvipps.so');
        try {
            Native::reset();
            Native::resolveLibraryPath();
            self::fail('no exception');
        } catch (ConfigException $e) {
            self::assertStringContainsString('/nonexistent/libvipps.so', $e->getMessage());
            self::assertSame('config', $e->getKind());
        } finally {
            putenv($old === false ? 'VIPPS_LIB' : "VIPPS_LIB=$old");
        }
    }

    public function testExplicitLibraryPath(): void
    {
        $path = Native::resolveLibraryPath();
        $client = new Client(self::config(), $path);
        self::assertSame('acme-7', Client::makeOrderId(['prefix' => 'acme', 'order_number' => 7], $path));
        unset($client);
        $this->expectException(ConfigException::class);
        new Client(self::config(), '/nonexistent/libvipps.so');
    }

    public function testAbiMismatchIsRefused(): void
    {
        $gcc = trim((string) shell_exec('command -v gcc cc 2>/dev/null | head -n1'));
        if ($gcc === '') {
            self::markTestSkipped('no C compiler to build a fake library');
        }
        // A library with every symbol of the header whose vipps_abi_version() says 2.
        $c = "#include <stdint.h>\n#include <stddef.h>\ntypedef struct vipps_client vipps_client;\n";
        foreach (explode("\n", Native::declarations()) as $line) {
            if (!preg_match('/^(.*?\b)(vipps_\w+)\((.*)\);$/', $line, $m)) {
                continue;
            }
            $ret = trim($m[1]);
            $body = $m[2] === 'vipps_abi_version' ? 'return 2;' : (str_contains($ret, '*') ? 'return NULL;' : ($ret === 'void' ? '' : 'return 0;'));
            $c .= "$ret $m[2]($m[3]) { $body }\n";
        }
        $dir = sys_get_temp_dir() . '/vipps-php-fake-' . getmypid();
        @mkdir($dir);
        file_put_contents("$dir/fake.c", $c);
        exec(escapeshellarg($gcc) . " -shared -fPIC -o $dir/libfake.so $dir/fake.c 2>&1", $out, $rc);
        self::assertSame(0, $rc, implode("\n", $out));
        try {
            new Client([], "$dir/libfake.so");
            self::fail('a library with ABI 2 was accepted');
        } catch (ConfigException $e) {
            self::assertStringContainsString('ABI version 2', $e->getMessage());
        } finally {
            @unlink("$dir/fake.c");
            @unlink("$dir/libfake.so");
            @rmdir($dir);
        }
    }

    public function testScopedHeaderForPreload(): void
    {
        $dest = sys_get_temp_dir() . '/vipps-php-test-scoped-' . getmypid() . '.h';
        try {
            $path = Native::writeScopedHeader(null, $dest);
            $text = (string) file_get_contents($path);
            self::assertStringStartsWith("#define FFI_SCOPE \"VIPPS\"\n#define FFI_LIB \"/", $text);
            self::assertStringContainsString(Native::resolveLibraryPath(), $text);
            self::assertStringContainsString('char *vipps_make_order_id(const char *request_json);', $text);
            // FFI::load accepts exactly this form (the scope only persists under opcache.preload).
            $ffi = \FFI::load($path);
            self::assertSame(1, $ffi->vipps_abi_version());
        } finally {
            @unlink($dest);
        }
    }

    public function testBadConfigurationIsConfigException(): void
    {
        try {
            new Client(['base_url' => self::base(), 'bogus' => 1]);
            self::fail('no exception');
        } catch (ConfigException $e) {
            self::assertStringContainsString('bogus is not a known setting', $e->getMessage());
            self::assertFalse($e->isRetryable());
        }
    }
}
