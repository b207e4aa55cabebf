<?php

declare(strict_types=1);

namespace VippsCoreGateway;

/**
 * A payment step that did not go through, with a message fit for the customer or the merchant
 * (WooCommerce shows it at checkout or in wp-admin). `retrySafe` says whether doing the same
 * again is safe: the plugin kept the idempotency key, so a retry cannot move money twice.
 */
final class PaymentException extends \RuntimeException
{
    public function __construct(string $message, public readonly bool $retrySafe, ?\Throwable $previous = null)
    {
        parent::__construct($message, 0, $previous);
    }
}
