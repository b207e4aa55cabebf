<?php

declare(strict_types=1);

namespace Vipps;

/** The API refused the credentials (401/403) (error kind `unauthorized`). */
class UnauthorizedException extends VippsException
{
}
