<?php

declare(strict_types=1);

namespace Vipps;

/** The API refused the request; getProblem() has its error body, getTraceId() its trace id (error kind `api`). */
class ApiException extends VippsException
{
}
