<?php

declare(strict_types=1);

namespace Vipps;

/**
 * Loads libvipps through PHP FFI and owns the rules of talking to it:
 *
 * - the library path is absolute: the path given to the Client, else Native::setLibraryPath(),
 *   else the VIPPS_LIB environment variable, else the repository's target/release then
 *   target/debug (relative to this package);
 * - the declarations are include/vipps_php.h (VIPPS_HEADER overrides where it is read from);
 * - a scope preloaded under the name "VIPPS" (opcache.preload with FFI::load, or ffi.preload)
 *   is used when present and no path is given to the Client, so that ffi.enable=preload works
 *   outside the CLI (it wins over setLibraryPath() and VIPPS_LIB, which then only matter to the
 *   preload script);
 * - vipps_abi_version() must be ABI_VERSION, or nothing is called;
 * - every owned `char *` is copied with FFI::string and freed with vipps_string_free.
 *
 * PHP FFI turns a `const char *` return value into a PHP string (the pointer is lost), and keeps a
 * `char *` return value as an FFI\CData pointer. The header declares every owned string `char *`
 * (only the static vipps_version() is `const char *`), which is what lets the binding free them.
 */
final class Native
{
    public const ABI_VERSION = 1;
    public const SCOPE = 'VIPPS';

    private static ?string $libraryPath = null;
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

    /** The absolute path of the library to load when none is given explicitly. */
    public static function resolveLibraryPath(?string $path = null): string
    {
        $candidates = [];
        $given = $path ?? self::$libraryPath ?? (getenv('VIPPS_LIB') ?: null);
        if ($given !== null) {
            $candidates[] = $given;
        } else {
            $repo = dirname(self::packageDir(), 2);
            $candidates[] = $repo . '/target/release/libvipps.so';
            $candidates[] = $repo . '/target/debug/libvipps.so';
        }
        foreach ($candidates as $candidate) {
            $real = realpath($candidate);
            if ($real !== false && is_file($real)) {
                return $real;
            }
        }
        throw VippsException::of('config', 'libvipps not found (tried ' . implode(', ', $candidates)
            . '); build it with `cargo build -p vipps` or set VIPPS_LIB to its absolute path');
    }

    /** The path of the flattened header (include/vipps_php.h). */
    public static function headerPath(): string
    {
        $env = getenv('VIPPS_HEADER');
        if (is_string($env) && $env !== '') {
            return $env;
        }
        return dirname(self::packageDir(), 2) . '/include/vipps_php.h';
    }

    /** The header's declarations. */
    public static function declarations(): string
    {
        $path = self::headerPath();
        $text = is_file($path) ? file_get_contents($path) : false;
        if ($text === false) {
            throw VippsException::of('config', "cannot read the vipps header at $path (set VIPPS_HEADER)");
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
        try {
            \FFI::scope(self::SCOPE);
            return true;
        } catch (\Throwable $e) {
            return false;
        }
    }

    /**
     * The loaded library. With no explicit path, the preloaded "VIPPS" scope wins when it exists;
     * otherwise FFI::cdef() loads the header against the resolved library path.
     */
    public static function ffi(?string $libraryPath = null): \FFI
    {
        if (!extension_loaded('ffi')) {
            throw VippsException::of('config', 'the PHP FFI extension is not loaded (Debian: php8.2-common provides it)');
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
            try {
                $ffi = \FFI::cdef(self::declarations(), $path);
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

    /** Refuses a library whose vipps_abi_version() is not ABI_VERSION. */
    public static function checkAbi(\FFI $ffi, string $what): void
    {
        $abi = $ffi->vipps_abi_version();
        if ($abi !== self::ABI_VERSION) {
            throw VippsException::of('config', sprintf(
                '%s has ABI version %d, this binding needs %d', $what, $abi, self::ABI_VERSION));
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
            throw new ValidationException(['kind' => 'invalid_input', 'message' => 'the request cannot be encoded as JSON: '
                . $e->getMessage()], $e);
        }
    }
}
