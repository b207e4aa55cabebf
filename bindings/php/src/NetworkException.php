<?php

declare(strict_types=1);

namespace Vipps;

/** The connection failed (refused, reset, DNS) (error kind `network`). */
class NetworkException extends VippsException
{
}
