<?php

declare(strict_types=1);

namespace Vipps;

/** Inbound verification failed (error kind `signature_invalid`). */
class SignatureException extends VippsException
{
}
