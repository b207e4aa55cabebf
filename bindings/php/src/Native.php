<?php

declare(strict_types=1);

namespace Vipps;

/**
 * Loads libvipps through PHP FFI and owns the rules of talking to it:
 *
 * - the library path is absolute: the path given to the Client, else Native::setLibraryPath(),
 *   else the VIPPS_LIB environment variable, else this package's lib/<platform>/libvipps.so
 *   (the Composer package ships lib/linux-x86_64-gnu/; the folder is chosen at run time from
 *   PHP_OS_FAMILY and php_uname('m')), else the repository's target/release then target/debug,
 *   only when this package sits in a checkout of the repository. Never the current directory or
 *   its parents, and never a folder beside the package (a library planted there is not loaded);
 * - the declarations are this package's include/vipps_php.h, else the repository's (checkout
 *   only); VIPPS_HEADER overrides where they are read from;
 * - a scope preloaded under the name "VIPPS" (opcache.preload with FFI::load, or ffi.preload)
 *   is used when present and no path is given to the Client, so that ffi.enable=preload works
 *   outside the CLI (it wins over setLibraryPath() and VIPPS_LIB, which then only matter to the
 *   preload script);
 * - vipps_abi_version() must be ABI_VERSION and vipps_version() must be VERSION (the binding and
 *   the library are released together, with one version), or nothing is called;
 * - every owned `char *` is copied with FFI::string and freed with vipps_string_free.
 *
 * PHP FFI turns a `const char *` return value into a PHP string (the pointer is lost), and keeps a
 * `char *` return value as an FFI\CData pointer. The header declares every owned string `char *`
 * (only the static vipps_version() is `const char *`), which is what lets the binding free them.
 */
final class Native
{
    public const ABI_VERSION = 1;
    /** This binding's release: the workspace version of Cargo.toml (scripts/check-versions.sh). */
    public const VERSION = '0.1.0';
    /** The Composer package name ("vipps" names would look official; this is not). */
    public const PACKAGE = 'unofficial-vipps/vipps-ffi';
    public const SCOPE = 'VIPPS';

    private static ?string $libraryPath = null;
    private static ?string $headerPath = null;
    /** @var array<string, \FFI> loaded libraries by absolute path ('' for the preloaded scope) */
    private static array $loaded = [];

    /** Sets the library path for every later load (absolute, or made absolute with realpath). */
    public static function setLibraryPath(?string $path): void
    {
        self::$libraryPath = $path;
        unset(self::$loaded['']);
    }

    /** The package directory (bindings/php). */
    public static function packageDir(): string
    {
        return dirname(__DIR__);
    }

    /**
     * The repository checkout this package sits in (bindings/php of a tree with Cargo.toml and
     * include/vipps.h), or null for an installed package.
     */
    public static function repositoryRoot(): ?string
    {
        $root = dirname(self::packageDir(), 2);
        $here = realpath(self::packageDir());
        if ($here === false || realpath($root . '/bindings/php') !== $here) {
            return null;
        }
        return is_file($root . '/Cargo.toml') && is_file($root . '/include/vipps.h') ? $root : null;
    }

    /**
     * The folder under lib/ that holds the library for this machine, e.g. "linux-x86_64-gnu":
     * the OS from PHP_OS_FAMILY, the CPU from php_uname('m'), and on Linux the C library (musl
     * when its loader is there, else glibc).
     */
    public static function platformDir(): string
    {
        $arch = strtolower(php_uname('m'));
        $arch = ['amd64' => 'x86_64', 'x64' => 'x86_64', 'arm64' => 'aarch64'][$arch] ?? $arch;
        switch (PHP_OS_FAMILY) {
            case 'Linux':
                return "linux-$arch-" . (is_file("/lib/ld-musl-$arch.so.1") ? 'musl' : 'gnu');
            case 'Darwin':
                return "macos-$arch";
            case 'Windows':
                return "windows-$arch";
            default:
                return strtolower(PHP_OS_FAMILY) . "-$arch";
        }
    }

    /** The library's file name on this OS. */
    public static function libraryFileName(): string
    {
        return ['Darwin' => 'libvipps.dylib', 'Windows' => 'vipps.dll'][PHP_OS_FAMILY] ?? 'libvipps.so';
    }

    /** The absolute path of the library to load when none is given explicitly. */
    public static function resolveLibraryPath(?string $path = null): string
    {
        $candidates = [];
        $given = $path ?? self::$libraryPath ?? (getenv('VIPPS_LIB') ?: null);
        if ($given !== null) {
            $candidates[] = $given;
        } else {
            $candidates[] = self::packageDir() . '/lib/' . self::platformDir() . '/' . self::libraryFileName();
            $repo = self::repositoryRoot();
            if ($repo !== null) {
                $candidates[] = $repo . '/target/release/libvipps.so';
                $candidates[] = $repo . '/target/debug/libvipps.so';
            }
        }
        foreach ($candidates as $candidate) {
            $real = realpath($candidate);
            if ($real !== false && is_file($real)) {
                return $real;
            }
        }
        throw VippsException::of('config', 'libvipps not found (tried ' . implode(', ', $candidates)
            . '); the Composer package ships lib/linux-x86_64-gnu only: on another platform build it with '
            . '`cargo build --release -p vipps` and set VIPPS_LIB to its absolute path');
    }

    /**
     * Sets the header path for every later load, for a vendored copy of the binding whose
     * include/ is elsewhere (the path given to the Client still wins).
     */
    public static function setHeaderPath(?string $path): void
    {
        self::$headerPath = $path;
    }

    /**
     * The path of the flattened header: the one given, else Native::setHeaderPath(), else
     * VIPPS_HEADER, else include/vipps_php.h of the package, else of the checkout.
     */
    public static function headerPath(?string $given = null): string
    {
        if ($given !== null && $given !== '') {
            return $given;
        }
        if (self::$headerPath !== null && self::$headerPath !== '') {
            return self::$headerPath;
        }
        $env = getenv('VIPPS_HEADER');
        if (is_string($env) && $env !== '') {
            return $env;
        }
        $packaged = self::packageDir() . '/include/vipps_php.h';
        $repo = self::repositoryRoot();
        return is_file($packaged) || $repo === null ? $packaged : $repo . '/include/vipps_php.h';
    }

    /**
     * Why FFI cannot be used in this process, naming the php.ini settings to change, or null when
     * it can. With ffi.enable=preload (php-fpm's default), only a preloaded scope is usable outside
     * the CLI.
     */
    public static function ffiProblem(): ?string
    {
        if (!extension_loaded('ffi')) {
            return 'the PHP FFI extension is not loaded: add `extension=ffi` to php.ini (Debian and Ubuntu ship it '
                . 'in php8.x-common; `php -m` lists FFI when it is on). Hosts that cannot enable FFI are not '
                . 'supported (see the README of ' . self::PACKAGE . ')';
        }
        $enable = strtolower((string) ini_get('ffi.enable'));
        if (in_array($enable, ['0', '', 'off', 'false', 'no'], true)) {
            return 'PHP FFI is disabled (ffi.enable=' . ini_get('ffi.enable') . '): set `ffi.enable=preload` in php.ini '
                . 'together with `opcache.preload=' . self::packageDir() . '/preload.php` (or '
                . '`ffi.preload=<header written by bin/scoped-header.php>`), or `ffi.enable=true`';
        }
        if ($enable === 'preload' && PHP_SAPI !== 'cli') {
            return self::preloadProblem(self::scopeState());
        }
        return null;
    }

    /**
     * Under ffi.enable=preload outside the CLI, FFI works only in code that opcache.preload loaded,
     * through a scope that ffi.preload (or a preload script's FFI::load) declared. Names exactly the
     * settings that are missing, from what php.ini says and what FFI answered.
     */
    private static function preloadProblem(string $scope): ?string
    {
        $classes = '`opcache.preload=' . self::packageDir() . '/preload.php` (with `opcache.preload_user=<the pool user>` when PHP starts as root)';
        $library = '`ffi.preload=<the header bin/scoped-header.php writes>`';
        $ffiPreload = (string) ini_get('ffi.preload');
        $opcachePreload = (string) ini_get('opcache.preload');
        $or = ', or set `ffi.enable=true`';
        if ($scope === 'present') {
            return null;
        }
        if ($scope === 'missing') {
            // This code was preloaded (FFI answered), but no scope "VIPPS" exists.
            return 'ffi.enable=preload: the Vipps classes are preloaded, but the library is not: set ' . $library
                . ($ffiPreload !== '' ? " (ffi.preload=$ffiPreload declares no FFI_SCOPE \"VIPPS\")" : '') . $or;
        }
        if ($opcachePreload !== '') {
            return "ffi.enable=preload lets only preloaded code use FFI, and opcache.preload=$opcachePreload did not load "
                . 'the Vipps classes: require ' . self::packageDir() . '/preload.php from that script' . $or;
        }
        return 'ffi.enable=preload lets only preloaded code use FFI, and opcache.preload is not set: set ' . $classes
            . ($ffiPreload === ''
                ? ' and ' . $library . ' (or let preload.php load the library when PHP does not start as root)'
                : " (ffi.preload=$ffiPreload is set: the library itself is preloaded)") . $or;
    }

    /** The header's declarations. */
    public static function declarations(?string $headerPath = null): string
    {
        $path = self::headerPath($headerPath);
        $text = is_file($path) ? file_get_contents($path) : false;
        if ($text === false) {
            throw VippsException::of('config', "cannot read the vipps header at $path (pass its path to the Client, "
                . 'call Vipps\Native::setHeaderPath(), or set VIPPS_HEADER)');
        }
        return $text;
    }

    /**
     * The header with `#define FFI_SCOPE "VIPPS"` and `#define FFI_LIB "<absolute path>"` prepended,
     * for FFI::load() in an opcache.preload script or for the ffi.preload ini setting.
     * Written to $dest (default: the system temp directory, named after the library and header).
     */
    public static function writeScopedHeader(?string $libraryPath = null, ?string $dest = null): string
    {
        $lib = self::resolveLibraryPath($libraryPath);
        $text = sprintf("#define FFI_SCOPE \"%s\"\n#define FFI_LIB \"%s\"\n", self::SCOPE, addcslashes($lib, "\"\\"))
            . self::declarations();
        $dest ??= sys_get_temp_dir() . '/vipps-php-' . substr(hash('sha256', $text), 0, 16) . '.h';
        if (!is_file($dest) || file_get_contents($dest) !== $text) {
            $tmp = $dest . '.' . getmypid() . '.tmp';
            if (file_put_contents($tmp, $text) === false || !rename($tmp, $dest)) {
                throw VippsException::of('config', "cannot write the scoped vipps header to $dest");
            }
        }
        return $dest;
    }

    /**
     * For an opcache.preload script: FFI::load() the scoped header, so that requests get the
     * library with FFI::scope('VIPPS') under ffi.enable=preload. Returns the header path.
     */
    public static function preload(?string $libraryPath = null, ?string $dest = null): string
    {
        $header = self::writeScopedHeader($libraryPath, $dest);
        $ffi = \FFI::load($header);
        if ($ffi === null) {
            throw VippsException::of('config', "FFI::load($header) failed");
        }
        self::checkAbi($ffi, $header);
        return $header;
    }

    /** Whether the preloaded "VIPPS" scope exists in this process. */
    public static function hasScope(): bool
    {
        return self::scopeState() === 'present';
    }

    /**
     * Whether the "VIPPS" scope can be used here: 'present'; 'missing' (nothing preloaded it);
     * or 'restricted', when ffi.enable=preload refuses FFI to this code because opcache.preload
     * did not load it. The last two need different php.ini settings, so they are told apart.
     */
    public static function scopeState(): string
    {
        try {
            \FFI::scope(self::SCOPE);
            return 'present';
        } catch (\Throwable $e) {
            return str_contains($e->getMessage(), 'restricted') ? 'restricted' : 'missing';
        }
    }

    /**
     * The loaded library. With no explicit path, the preloaded "VIPPS" scope wins when it exists;
     * otherwise FFI::cdef() loads the header against the resolved library path.
     */
    public static function ffi(?string $libraryPath = null, ?string $headerPath = null): \FFI
    {
        if (!extension_loaded('ffi')) {
            throw VippsException::of('config', (string) self::ffiProblem());
        }
        if ($libraryPath === null) {
            if (array_key_exists('', self::$loaded)) {
                return self::$loaded[''];
            }
            if (self::hasScope()) {
                $ffi = \FFI::scope(self::SCOPE);
                self::checkAbi($ffi, 'FFI scope ' . self::SCOPE);
                return self::$loaded[''] = $ffi;
            }
        }
        $path = self::resolveLibraryPath($libraryPath);
        if (!isset(self::$loaded[$path])) {
            $problem = self::ffiProblem();
            if ($problem !== null) {
                throw VippsException::of('config', "cannot load $path: $problem");
            }
            try {
                $ffi = \FFI::cdef(self::declarations($headerPath), $path);
            } catch (\FFI\Exception $e) {
                throw new ConfigException(['kind' => 'config', 'message' => "cannot load $path: " . $e->getMessage()
                    . ' (set ffi.enable=true, or preload the library as FFI scope "VIPPS")'], $e);
            }
            self::checkAbi($ffi, $path);
            self::$loaded[$path] = $ffi;
        }
        if ($libraryPath === null) {
            self::$loaded[''] = self::$loaded[$path];
        }
        return self::$loaded[$path];
    }

    /** Forgets loaded libraries (for tests that change the path). */
    public static function reset(): void
    {
        self::$loaded = [];
    }

    /**
     * Refuses a library whose vipps_abi_version() is not ABI_VERSION, or whose vipps_version() is
     * not VERSION, naming both versions.
     */
    public static function checkAbi(\FFI $ffi, string $what): void
    {
        $abi = $ffi->vipps_abi_version();
        if ($abi !== self::ABI_VERSION) {
            throw VippsException::of('config', sprintf(
                '%s has ABI version %d, this binding needs %d', $what, $abi, self::ABI_VERSION));
        }
        $version = (string) $ffi->vipps_version();
        if ($version !== self::VERSION) {
            throw VippsException::of('config', sprintf(
                "%s is libvipps '%s', but this binding (%s %s) needs libvipps '%s': install the binding and the "
                . 'library of one release', $what, $version, self::PACKAGE, self::VERSION, self::VERSION));
        }
    }

    /**
     * Takes an owned `char *` returned by the library: copies it, frees it, returns the copy.
     *
     * @param mixed $ptr an FFI\CData of type char*, or null for a NULL pointer
     */
    public static function take(\FFI $ffi, $ptr): string
    {
        if ($ptr === null) {
            throw VippsException::of('internal', 'libvipps returned NULL (out of memory)');
        }
        if (!$ptr instanceof \FFI\CData) {
            // A `const char *` declaration would make PHP copy the string and lose the pointer.
            throw VippsException::of('internal', 'libvipps returned a ' . get_debug_type($ptr)
                . ' instead of a char* pointer: the header must declare owned strings as char *');
        }
        try {
            if (\FFI::isNull($ptr)) {
                throw VippsException::of('internal', 'libvipps returned NULL (out of memory)');
            }
            return \FFI::string($ptr);
        } finally {
            $ffi->vipps_string_free($ptr);
        }
    }

    /**
     * Decodes an envelope: returns `data` of an ok envelope, throws the mapped exception otherwise.
     *
     * @return mixed
     */
    public static function unwrap(string $envelope)
    {
        try {
            $decoded = json_decode($envelope, true, 512, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
        } catch (\JsonException $e) {
            throw new InternalException(['kind' => 'internal', 'message' => 'libvipps answered invalid JSON: '
                . $e->getMessage()], $e);
        }
        if (!is_array($decoded) || !array_key_exists('ok', $decoded)) {
            throw VippsException::of('internal', 'libvipps answered something that is not an envelope');
        }
        if ($decoded['ok'] === true) {
            return $decoded['data'] ?? null;
        }
        $error = is_array($decoded['error'] ?? null) ? $decoded['error'] : ['kind' => 'internal', 'message' => 'error envelope without error'];
        throw VippsException::fromError($error);
    }

    /**
     * JSON for a request object. An empty PHP array becomes `{}` at the top level; use
     * `new \stdClass()` (or `(object) []`) for an empty object deeper down.
     *
     * @param array<mixed>|object $request
     */
    public static function encode($request): string
    {
        if (is_array($request) && $request === []) {
            return '{}';
        }
        try {
            return json_encode($request, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
                | JSON_PRESERVE_ZERO_FRACTION);
        } catch (\JsonException $e) {
            throw new InvalidInputException(['kind' => 'invalid_input', 'message' => 'the request cannot be encoded as JSON: '
                . $e->getMessage()], $e);
        }
    }
}
