'use strict';
// Error classes: one per error kind of the library (README, "Error kinds"), under VippsError,
// with the same stems and hierarchy as Python's errors and PHP's exceptions (README, "Errors in
// the bindings"): conflict, not_found and rate_limited are ApiErrors (the API answered and
// refused), unknown_outcome is a NetworkError. CLASSES is this binding's only kind → class table.

class VippsError extends Error {
  /**
   * @param {object} error the `error` object of a failed envelope
   *   ({kind, message, retryable, http_status, problem, trace_id, error_code, idempotency_key})
   */
  constructor(error = {}) {
    super(error.message || `vipps: ${error.kind || 'unknown'} error`);
    this.name = new.target.name;
    /** The stable error kind, e.g. "conflict". */
    this.kind = error.kind || 'internal';
    /** Whether the same call, with the same idempotency key, may succeed later. */
    this.retryable = Boolean(error.retryable);
    /** The API's error body, when the API answered one. */
    this.problem = error.problem ?? null;
    this.traceId = error.trace_id ?? null;
    this.httpStatus = error.http_status ?? null;
    this.errorCode = error.error_code ?? null;
    /** The idempotency key of a money call: reuse it when retrying. */
    this.idempotencyKey = error.idempotency_key ?? null;
  }

  toJSON() {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      retryable: this.retryable,
      httpStatus: this.httpStatus,
      problem: this.problem,
      traceId: this.traceId,
      errorCode: this.errorCode,
      idempotencyKey: this.idempotencyKey,
    };
  }
}

class InvalidInputError extends VippsError {}
class ConfigError extends VippsError {}
class UnauthorizedError extends VippsError {}
class ApiError extends VippsError {}
class ConflictError extends ApiError {}
class NotFoundError extends ApiError {}
class RateLimitedError extends ApiError {}
/** `timeout` (named so that it does not shadow the platform's TimeoutError). */
class VippsTimeoutError extends VippsError {}
class NetworkError extends VippsError {}
/**
 * `unknown_outcome`: the API answered a money call with success, but the answer could not be
 * read, so the money may have moved. Always retryable, only with the same idempotencyKey
 * (carried by the error). A NetworkError, so code that already retries network errors with
 * the same key does the right thing.
 */
class UnknownOutcomeError extends NetworkError {}
class SignatureInvalidError extends VippsError {}
class InternalError extends VippsError {}

/** A call on a client after close(): a mistake of the caller, so an InvalidInputError. */
class ClientClosedError extends InvalidInputError {
  constructor(operation) {
    super({ kind: 'invalid_input', message: `vipps: ${operation} called on a closed client` });
  }
}

const CLASSES = {
  invalid_input: InvalidInputError,
  config: ConfigError,
  unauthorized: UnauthorizedError,
  api: ApiError,
  conflict: ConflictError,
  not_found: NotFoundError,
  rate_limited: RateLimitedError,
  timeout: VippsTimeoutError,
  network: NetworkError,
  signature_invalid: SignatureInvalidError,
  internal: InternalError,
  unknown_outcome: UnknownOutcomeError,
};

/**
 * The error for the `error` object of an envelope: the class of its kind, or a plain
 * VippsError for a kind this binding does not know yet (the kind is kept).
 */
function errorFromEnvelope(error) {
  const Class = CLASSES[error && error.kind] || VippsError;
  return new Class(error || {});
}

module.exports = {
  VippsError,
  InvalidInputError,
  ConfigError,
  UnauthorizedError,
  ApiError,
  ConflictError,
  NotFoundError,
  RateLimitedError,
  VippsTimeoutError,
  NetworkError,
  UnknownOutcomeError,
  SignatureInvalidError,
  InternalError,
  ClientClosedError,
  ERROR_CLASSES: CLASSES,
  errorFromEnvelope,
};
