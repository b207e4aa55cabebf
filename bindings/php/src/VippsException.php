<?php

declare(strict_types=1);

namespace Vipps;

/**
 * Base class of every error the library reports: one subclass per error kind of the C ABI,
 * chosen through CLASSES (the one kind → class table of this binding; the README's "Errors in
 * the bindings" lists it beside Python's and Node's). An unknown future kind comes back as this
 * base class.
 */
class VippsException extends \RuntimeException
{
    /** The error kind that maps to each class; the base class is the fallback. */
    public const CLASSES = [
        'invalid_input' => InvalidInputException::class,
        'config' => ConfigException::class,
        'unauthorized' => UnauthorizedException::class,
        'api' => ApiException::class,
        'conflict' => ConflictException::class,
        'not_found' => NotFoundException::class,
        'rate_limited' => RateLimitedException::class,
        'timeout' => TimeoutException::class,
        'network' => NetworkException::class,
        'signature_invalid' => SignatureInvalidException::class,
        'internal' => InternalException::class,
        'unknown_outcome' => UnknownOutcomeException::class,
    ];

    private string $kind;
    private bool $retryable;
    private ?int $httpStatus;
    /** @var array<string, mixed>|list<mixed>|string|null */
    private $problem;
    private ?string $traceId;
    private ?string $errorCode;
    private ?string $idempotencyKey;

    /**
     * @param array<string, mixed> $error the `error` object of a failed envelope
     */
    public function __construct(array $error, ?\Throwable $previous = null)
    {
        $message = isset($error['message']) && is_string($error['message']) ? $error['message'] : 'vipps error';
        $this->kind = isset($error['kind']) && is_string($error['kind']) ? $error['kind'] : 'internal';
        $this->retryable = (bool) ($error['retryable'] ?? false);
        $this->httpStatus = isset($error['http_status']) && is_int($error['http_status']) ? $error['http_status'] : null;
        $this->problem = $error['problem'] ?? null;
        $this->traceId = self::stringOrNull($error['trace_id'] ?? null);
        $this->errorCode = self::stringOrNull($error['error_code'] ?? null);
        $this->idempotencyKey = self::stringOrNull($error['idempotency_key'] ?? null);
        parent::__construct($message, $this->httpStatus ?? 0, $previous);
    }

    /**
     * The exception of the class that matches `$error['kind']`.
     *
     * @param array<string, mixed> $error the `error` object of a failed envelope
     */
    public static function fromError(array $error): self
    {
        $kind = $error['kind'] ?? null;
        $class = is_string($kind) && isset(self::CLASSES[$kind]) ? self::CLASSES[$kind] : self::class;
        return new $class($error);
    }

    /** A binding-side error of the given kind (no HTTP involved). */
    public static function of(string $kind, string $message, bool $retryable = false): self
    {
        return self::fromError(['kind' => $kind, 'message' => $message, 'retryable' => $retryable]);
    }

    /** The stable error kind, e.g. "conflict". */
    public function getKind(): string
    {
        return $this->kind;
    }

    /** Whether the same call, with the same idempotency key, may succeed later. */
    public function isRetryable(): bool
    {
        return $this->retryable;
    }

    /** The HTTP status of the API's answer, or null when none was received. */
    public function getHttpStatus(): ?int
    {
        return $this->httpStatus;
    }

    /**
     * The API's error body, decoded (an array for JSON bodies), or null.
     *
     * @return array<string, mixed>|list<mixed>|string|null
     */
    public function getProblem()
    {
        return $this->problem;
    }

    /** The trace id of the API's answer (ePayment/Checkout `traceId`, eCom `contextId`), or null. */
    public function getTraceId(): ?string
    {
        return $this->traceId;
    }

    /** The API's error code (e.g. "6090" or "Session-00100"), or null. */
    public function getErrorCode(): ?string
    {
        return $this->errorCode;
    }

    /** The idempotency key the failed call used: reuse it when retrying. */
    public function getIdempotencyKey(): ?string
    {
        return $this->idempotencyKey;
    }

    /** @param mixed $value */
    private static function stringOrNull($value): ?string
    {
        if (is_string($value)) {
            return $value;
        }
        return is_int($value) ? (string) $value : null;
    }
}
