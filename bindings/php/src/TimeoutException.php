<?php

declare(strict_types=1);

namespace Vipps;

/** No answer within the configured timeouts (error kind `timeout`). */
class TimeoutException extends VippsException
{
}
