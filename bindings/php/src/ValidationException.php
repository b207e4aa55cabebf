<?php

declare(strict_types=1);

namespace Vipps;

/** The request was refused before it was sent: bad JSON, a wrong type, a decimal amount, a constraint of the spec (error kind `invalid_input`). */
class ValidationException extends VippsException
{
}
