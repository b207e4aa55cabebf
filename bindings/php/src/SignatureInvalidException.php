<?php

declare(strict_types=1);

namespace Vipps;

/** Inbound verification failed (error kind `signature_invalid`). */
class SignatureInvalidException extends VippsException
{
}

// The name before issue 18 (see SignatureException.php), declared here too because PHP does not
// autoload the class named in a catch clause.
if (!class_exists(SignatureException::class, false)) {
    class_alias(SignatureInvalidException::class, SignatureException::class);
}
