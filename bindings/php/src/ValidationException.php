<?php

declare(strict_types=1);

namespace Vipps;

// Deprecated: the name of InvalidInputException before issue 18, when the PHP names differed
// from Python's and Node's. An alias (the same class), so existing plugins keep working; new code
// uses InvalidInputException. Loading InvalidInputException usually declares the alias already;
// under opcache.preload the alias is not kept between requests, so this file declares it again.
if (!class_exists(ValidationException::class, false)) {
    class_exists(InvalidInputException::class);
    if (!class_exists(ValidationException::class, false)) {
        class_alias(InvalidInputException::class, ValidationException::class);
    }
}
