<?php

declare(strict_types=1);

namespace Vipps;

/** The request was refused before it was sent: bad JSON, a wrong type, a decimal amount, a constraint of the spec (error kind `invalid_input`). */
class InvalidInputException extends VippsException
{
}

// The name before issue 18 (see ValidationException.php). Declared here too, so that a
// `catch (ValidationException $e)` matches even when nothing has loaded that file: PHP does not
// autoload the class named in a catch clause.
if (!class_exists(ValidationException::class, false)) {
    class_alias(InvalidInputException::class, ValidationException::class);
}
