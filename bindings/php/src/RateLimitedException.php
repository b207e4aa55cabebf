<?php

declare(strict_types=1);

namespace Vipps;

/** 429 after the library's retries (error kind `rate_limited`). */
class RateLimitedException extends ApiException
{
}
