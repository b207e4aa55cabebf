<?php

declare(strict_types=1);

// Writes include/vipps_php.h with `#define FFI_SCOPE "VIPPS"` and `#define FFI_LIB "<absolute path>"`
// prepended, for the ffi.preload ini setting (or FFI::load), and prints its path.
//
//   php bin/scoped-header.php [library path] [output path]
//   php -d ffi.enable=preload -d ffi.preload=$(php bin/scoped-header.php) app.php

require dirname(__DIR__) . '/autoload.php';

try {
    echo Vipps\Native::writeScopedHeader($argv[1] ?? null, $argv[2] ?? null), "\n";
} catch (Vipps\VippsException $e) {
    fwrite(STDERR, $e->getMessage() . "\n");
    exit(1);
}
