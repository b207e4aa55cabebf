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

    /** Builds a library with every symbol of the header whose ABI and version are the given ones. */
    private static function fakeLibrary(int $abi, string $version): string
    {
        $gcc = trim((string) shell_exec('command -v gcc cc 2>/dev/null | head -n1'));
        if ($gcc === '') {
            self::markTestSkipped('no C compiler to build a fake library');
        }
        $c = "#include <stdint.h>\n#include <stddef.h>\ntypedef struct vipps_client vipps_client;\n";
        foreach (explode("\n", Native::declarations()) as $line) {
            if (!preg_match('/^(.*?\b)(vipps_\w+)\((.*)\);$/', $line, $m)) {
                continue;
            }
            $ret = trim($m[1]);
            $body = match (true) {
                $m[2] === 'vipps_abi_version' => "return $abi;",
                $m[2] === 'vipps_version' => 'return "' . addslashes($version) . '";',
                str_contains($ret, '*') => 'return NULL;',
                $ret === 'void' => '',
                default => 'return 0;',
            };
            $c .= "$ret $m[2]($m[3]) { $body }\n";
        }
        $dir = sys_get_temp_dir() . '/vipps-php-fake-' . getmypid() . '-' . $abi;
        @mkdir($dir);
        file_put_contents("$dir/fake.c", $c);
        exec(escapeshellarg($gcc) . " -shared -fPIC -o $dir/libfake.so $dir/fake.c 2>&1", $out, $rc);
        self::assertSame(0, $rc, implode("\n", $out));
        return "$dir/libfake.so";
    }

    private static function removeFake(string $lib): void
    {
        @unlink($lib);
        @unlink(dirname($lib) . '/fake.c');
        @rmdir(dirname($lib));
    }

    public function testAbiMismatchIsRefused(): void
    {
        $lib = self::fakeLibrary(2, Native::VERSION);
        try {
            new Client([], $lib);
            self::fail('a library with ABI 2 was accepted');
        } catch (ConfigException $e) {
            self::assertStringContainsString('ABI version 2', $e->getMessage());
        } finally {
            self::removeFake($lib);
        }
    }

    public function testALibraryOfAnotherReleaseIsRefusedNamingBothVersions(): void
    {
        $lib = self::fakeLibrary(1, '9.9.9');
        try {
            new Client([], $lib);
            self::fail('a library of version 9.9.9 was accepted');
        } catch (ConfigException $e) {
            self::assertStringContainsString("is libvipps '9.9.9'", $e->getMessage());
            self::assertStringContainsString("needs libvipps '" . Native::VERSION . "'", $e->getMessage());
        } finally {
            self::removeFake($lib);
        }
    }

    /** Runs PHP code in a child process in $cwd, without VIPPS_LIB; returns its output. */
    private static function phpIn(string $cwd, string $code): string
    {
        $env = getenv();
        unset($env['VIPPS_LIB'], $env['VIPPS_HEADER']);
        $proc = proc_open([PHP_BINARY, '-d', 'ffi.enable=true', '-r', $code], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes, $cwd, $env);
        $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
        proc_close($proc);
        return $out;
    }

    public function testALibraryPlantedBesideTheProjectOrAboveTheCurrentDirectoryIsNeverLoaded(): void
    {
        $real = Native::resolveLibraryPath();
        $dir = sys_get_temp_dir() . '/vipps-php-planted-' . getmypid();
        // An installed copy of the package: <project>/vendor/unofficial-vipps/vipps-ffi.
        $pkg = "$dir/project/vendor/unofficial-vipps/vipps-ffi";
        @mkdir("$pkg/src", 0777, true);
        @mkdir("$pkg/include", 0777, true);
        copy(Native::packageDir() . '/autoload.php', "$pkg/autoload.php");
        foreach (glob(Native::packageDir() . '/src/*.php') ?: [] as $file) {
            copy($file, "$pkg/src/" . basename($file));
        }
        copy(Native::headerPath(), "$pkg/include/vipps_php.h");
        // Planted where the old loader looked (two folders above the package) and above the cwd.
        $planted = [];
        foreach (["$dir/project/vendor", "$dir/attic"] as $base) {
            foreach (['debug', 'release'] as $profile) {
                @mkdir("$base/target/$profile", 0777, true);
                copy($real, $planted[] = "$base/target/$profile/libvipps.so");
            }
        }
        @mkdir("$dir/attic/public", 0777, true);
        $code = 'require ' . var_export("$pkg/autoload.php", true) . '; try { echo Vipps\Client::version(), " ", '
            . 'Vipps\Native::resolveLibraryPath(); } catch (Vipps\ConfigException $e) { echo "refused: ", $e->getMessage(); }';
        try {
            $out = self::phpIn("$dir/attic/public", $code);
            self::assertStringStartsWith('refused: libvipps not found', $out);
            self::assertStringNotContainsString('/target/', $out);
            // The package's own lib/<platform>/ is where the Composer package puts it: that one is loaded.
            @mkdir("$pkg/lib/" . Native::platformDir(), 0777, true);
            copy($real, $planted[] = "$pkg/lib/" . Native::platformDir() . '/libvipps.so');
            self::assertSame(Native::VERSION . " $pkg/lib/" . Native::platformDir() . '/libvipps.so',
                self::phpIn("$dir/attic/public", $code));
        } finally {
            exec('rm -rf ' . escapeshellarg($dir));
        }
    }

    public function testAVendoredCopyTakesTheLibraryAndHeaderPathsAsConstructorArguments(): void
    {
        // A plugin that vendors only the binding's sources, with the library and the header
        // somewhere of its own choosing, outside any checkout.
        $dir = sys_get_temp_dir() . '/vipps-php-vendored-' . getmypid();
        @mkdir("$dir/plugin/vipps/src", 0777, true);
        @mkdir("$dir/native", 0777, true);
        copy(Native::packageDir() . '/autoload.php', "$dir/plugin/vipps/autoload.php");
        foreach (glob(Native::packageDir() . '/src/*.php') ?: [] as $file) {
            copy($file, "$dir/plugin/vipps/src/" . basename($file));
        }
        copy(Native::resolveLibraryPath(), "$dir/native/libvipps.so");
        copy(Native::headerPath(), "$dir/native/vipps_php.h");
        $client = 'new Vipps\Client(["base_url" => "http://127.0.0.1:9", "system_name" => "s", "system_version" => "1", '
            . '"plugin_name" => "p", "plugin_version" => "1"], ' . var_export("$dir/native/libvipps.so", true);
        $code = 'require ' . var_export("$dir/plugin/vipps/autoload.php", true) . '; '
            . 'try { ' . $client . '); echo "no header path: loaded"; } catch (Vipps\ConfigException $e) { echo "refused: ", $e->getMessage(); } '
            . 'echo "\n"; ' . $client . ', ' . var_export("$dir/native/vipps_php.h", true) . '); echo "loaded with both paths";';
        try {
            $out = explode("\n", self::phpIn($dir, $code));
            self::assertStringStartsWith('refused: cannot read the vipps header', $out[0]);
            self::assertStringContainsString('pass its path to the Client', $out[0]);
            self::assertSame('loaded with both paths', $out[1] ?? '');
        } finally {
            exec('rm -rf ' . escapeshellarg($dir));
        }
    }

    public function testThePackageInTheCheckoutFindsTheBuildTreeFromAnyDirectory(): void
    {
        $code = 'require ' . var_export(Native::packageDir() . '/autoload.php', true)
            . '; echo Vipps\Native::resolveLibraryPath();';
        $out = self::phpIn(sys_get_temp_dir(), $code);
        self::assertStringStartsWith((string) Native::repositoryRoot() . '/target/', $out);
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
