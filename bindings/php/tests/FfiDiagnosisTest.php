<?php

declare(strict_types=1);

namespace Vipps\Tests;

use PHPUnit\Framework\TestCase;
use Vipps\Native;

/**
 * Under ffi.enable=preload (php-fpm's and php -S's default), a web request gets an error that
 * names exactly the php.ini settings that are missing: opcache.preload for the classes,
 * ffi.preload for the library, or both. Driven through `php -S`, a non-CLI SAPI like php-fpm.
 */
final class FfiDiagnosisTest extends TestCase
{
    private static string $dir = '';

    public static function setUpBeforeClass(): void
    {
        self::$dir = sys_get_temp_dir() . '/vipps-ffi-diagnosis-' . getmypid();
        @mkdir(self::$dir);
        chmod(self::$dir, 0755);
        $library = Native::resolveLibraryPath();
        exec(sprintf('php %s %s %s', escapeshellarg(Native::packageDir() . '/bin/scoped-header.php'),
            escapeshellarg($library), escapeshellarg(self::$dir . '/scoped.h')), $out, $code);
        self::assertSame(0, $code, implode("\n", $out));
        chmod(self::$dir . '/scoped.h', 0644);
        // A preload script that loads the classes but not the library (what a site's own script may do).
        file_put_contents(self::$dir . '/classes-only.php', "<?php\nrequire '" . Native::packageDir() . "/autoload.php';\n"
            . "foreach (glob('" . Native::packageDir() . "/src/*.php') as \$f) { require_once \$f; }\n");
        file_put_contents(self::$dir . '/other.php', "<?php\n");
        chmod(self::$dir . '/classes-only.php', 0644);
        chmod(self::$dir . '/other.php', 0644);
    }

    /** @param list<string> $ini */
    private static function serve(array $ini): string
    {
        $port = self::freePort();
        $args = ['php', '-d', 'ffi.enable=preload', '-d', 'opcache.enable=1', '-d', 'opcache.enable_cli=1'];
        foreach ($ini as $setting) {
            array_push($args, '-d', $setting);
        }
        if (function_exists('posix_getuid') && posix_getuid() === 0) {
            array_push($args, '-d', 'opcache.preload_user=nobody');
        }
        array_push($args, '-S', "127.0.0.1:$port", '-t', dirname(__DIR__) . '/tests/preload');
        $server = proc_open($args, [1 => ['file', '/dev/null', 'w'], 2 => ['file', self::$dir . '/server.err', 'w']], $pipes,
            null, ['VIPPS_LIB' => Native::resolveLibraryPath()] + getenv());
        try {
            $deadline = microtime(true) + 10;
            do {
                $body = @file_get_contents("http://127.0.0.1:$port/diagnose.php");
                if ($body !== false) {
                    return $body;
                }
                usleep(50_000);
            } while (microtime(true) < $deadline);
            self::fail('php -S did not answer: ' . file_get_contents(self::$dir . '/server.err'));
        } finally {
            proc_terminate($server);
            proc_close($server);
        }
    }

    private static function freePort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $name = (string) stream_socket_get_name($socket, false);
        fclose($socket);
        return (int) substr($name, strrpos($name, ':') + 1);
    }

    public function testNothingPreloadedNamesBothSettings(): void
    {
        $said = self::serve([]);
        self::assertStringContainsString('opcache.preload is not set', $said);
        self::assertStringContainsString('`opcache.preload=' . Native::packageDir() . '/preload.php`', $said);
        self::assertStringContainsString('`ffi.preload=', $said);
    }

    public function testTheLibraryPreloadedButNotTheClassesNamesOnlyOpcachePreload(): void
    {
        $said = self::serve(['ffi.preload=' . self::$dir . '/scoped.h']);
        self::assertStringContainsString('opcache.preload is not set', $said);
        self::assertStringContainsString('the library itself is preloaded', $said);
        self::assertStringNotContainsString('`ffi.preload=<', $said, 'the library is preloaded: not asked for again');
        self::assertStringNotContainsString('preload the library as FFI scope', $said, 'the old, wrong diagnosis');
    }

    public function testAnotherPreloadScriptIsNamed(): void
    {
        $said = self::serve(['opcache.preload=' . self::$dir . '/other.php']);
        self::assertStringContainsString('opcache.preload=' . self::$dir . '/other.php did not load the Vipps classes', $said);
    }

    public function testTheClassesPreloadedButNotTheLibraryNamesOnlyFfiPreload(): void
    {
        $said = self::serve(['opcache.preload=' . self::$dir . '/classes-only.php']);
        self::assertStringContainsString('the Vipps classes are preloaded, but the library is not', $said);
        self::assertStringContainsString('`ffi.preload=', $said);
    }

    public function testBothPreloadedLoads(): void
    {
        self::assertSame('loaded', self::serve(['opcache.preload=' . self::$dir . '/classes-only.php',
            'ffi.preload=' . self::$dir . '/scoped.h']));
    }
}
