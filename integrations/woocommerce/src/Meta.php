<?php

declare(strict_types=1);

namespace VippsCoreGateway;

/** The keys the plugin stores on an order (the WordPress adapter prefixes them with "_vipps_core_"). */
final class Meta
{
    /** The reference of the payment that pays the order. */
    public const REFERENCE = 'reference';
    /** Every reference ever created for the order, for webhooks about an earlier attempt. */
    public const REFERENCES = 'references';
    /** How many payments were started for the order. */
    public const ATTEMPT = 'attempt';
    /** A create whose outcome is not known yet: {reference, key, body}, reused until it is. */
    public const CREATING = 'creating';
    /** The landing page of the current payment. */
    public const REDIRECT_URL = 'redirect_url';
    /** The apply_event record per reference: {reference: record}. */
    public const RECORDS = 'records';
    /** A money call whose outcome is not known yet, per operation: {amount, key, attempt}. */
    public const PENDING = 'pending_';
    /** The reference whose receipt is in Order Management (posted at capture). */
    public const RECEIPT = 'receipt';
    /** How many calls of an operation were made (captures, refunds, cancels). */
    public const COUNT = 'count_';

    private function __construct()
    {
    }
}
