<?php

declare(strict_types=1);

namespace Vipps;

/**
 * The API answered a money call with success, but the answer could not be read, so the money
 * may have moved (error kind `unknown_outcome`). Always retryable, and only with the same
 * idempotency key (getIdempotencyKey()), never a new one. A NetworkException, so a plugin that
 * already retries network errors with the same key does the right thing.
 */
class UnknownOutcomeException extends NetworkException
{
}
