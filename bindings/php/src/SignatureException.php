<?php

declare(strict_types=1);

namespace Vipps;

// Deprecated: the name of SignatureInvalidException before issue 18, when the PHP names differed
// from Python's and Node's. An alias (the same class), so existing plugins keep working; new code
// uses SignatureInvalidException. Under opcache.preload the alias is not kept between requests,
// so this file declares it again.
if (!class_exists(SignatureException::class, false)) {
    class_exists(SignatureInvalidException::class);
    if (!class_exists(SignatureException::class, false)) {
        class_alias(SignatureInvalidException::class, SignatureException::class);
    }
}
