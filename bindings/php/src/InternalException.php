<?php

declare(strict_types=1);

namespace Vipps;

/** A bug in the library (e.g. a caught panic) or out of memory (error kind `internal`). */
class InternalException extends VippsException
{
}
