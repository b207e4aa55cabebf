<?php

declare(strict_types=1);

namespace Vipps;

/** 404: no such payment, session or webhook (error kind `not_found`). */
class NotFoundException extends ApiException
{
}
