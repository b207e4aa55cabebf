<?php

declare(strict_types=1);

namespace Vipps;

/** 409: a duplicate reference, or an idempotency key reused with another body (error kind `conflict`). */
class ConflictException extends ApiException
{
}
