<?php

declare(strict_types=1);

// opcache.preload script for the vipps binding.
//
//   opcache.preload=/path/to/bindings/php/preload.php
//   ffi.enable=preload
//
// It preloads the Vipps\ classes and FFI::load()s the header with FFI_SCOPE "VIPPS" and FFI_LIB
// (VIPPS_LIB, else target/release, else target/debug) prepended, so that every request finds the
// library with FFI::scope('VIPPS') (Vipps\Client does that by itself) while FFI::cdef stays off.
//
// PHP refuses FFI::load() in a preload script that runs under opcache.preload_user, which is
// required whenever PHP starts as root (the usual php-fpm master). Then load the library with the
// ffi.preload setting instead (bin/scoped-header.php writes the file) and keep this script for the
// classes only: it sees the scope already present and skips FFI::load().

require_once __DIR__ . '/autoload.php';
foreach (glob(__DIR__ . '/src/*.php') ?: [] as $file) {
    require_once $file;
}

if (!Vipps\Native::hasScope()) {
    $header = getenv('VIPPS_SCOPED_HEADER') ?: null;
    Vipps\Native::preload(null, $header);
}
