"""Exceptions mirroring the error kinds of the C ABI (README, "The C ABI").

One class per kind, with the same stem and hierarchy as Node's errors and PHP's exceptions (the
repository README's "Errors in the bindings" has the table): the API's refusals ``conflict``,
``not_found`` and ``rate_limited`` are :class:`ApiError` subclasses, ``unknown_outcome`` is a
:class:`NetworkError`. ``ERROR_CLASSES`` below is this binding's only kind → class table."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Type


class VippsError(Exception):
    """An error envelope from libvipps.

    ``kind`` is one of the stable kinds (``invalid_input``, ``config``, ``unauthorized``,
    ``api``, ``conflict``, ``not_found``, ``rate_limited``, ``timeout``, ``network``,
    ``signature_invalid``, ``internal``, ``unknown_outcome``); ``retryable`` says whether the same call with the
    same ``idempotency_key`` may succeed later; ``problem`` is the API's error body.
    """

    kind: str = "unknown"

    def __init__(
        self,
        message: str,
        *,
        kind: Optional[str] = None,
        retryable: bool = False,
        http_status: Optional[int] = None,
        problem: Any = None,
        trace_id: Optional[str] = None,
        error_code: Optional[str] = None,
        idempotency_key: Optional[str] = None,
        raw: Optional[Dict[str, Any]] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if kind is not None:
            self.kind = kind
        self.retryable = retryable
        self.http_status = http_status
        self.problem = problem
        self.trace_id = trace_id
        self.error_code = error_code
        self.idempotency_key = idempotency_key
        self.raw: Dict[str, Any] = dict(raw or {})

    def __str__(self) -> str:
        parts = [f"[{self.kind}] {self.message}"]
        if self.http_status is not None:
            parts.append(f"http_status={self.http_status}")
        if self.error_code:
            parts.append(f"error_code={self.error_code}")
        if self.trace_id:
            parts.append(f"trace_id={self.trace_id}")
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, kind={self.kind!r}, retryable={self.retryable!r})"


class InvalidInputError(VippsError, ValueError):
    """Rejected before sending: bad JSON, a wrong type, a constraint of the spec."""

    kind = "invalid_input"


class ConfigError(VippsError):
    """The client configuration is wrong."""

    kind = "config"


class UnauthorizedError(VippsError):
    """401/403: wrong credentials or a merchant serial number not allowed."""

    kind = "unauthorized"


class ApiError(VippsError):
    """Any other refusal by the API (e.g. capturing more than was authorized)."""

    kind = "api"


class ConflictError(ApiError):
    """409: duplicate reference, or an idempotency key reused with another body."""

    kind = "conflict"


class NotFoundError(ApiError, LookupError):
    """404."""

    kind = "not_found"


class RateLimitedError(ApiError):
    """429 after the retries the deadline allowed."""

    kind = "rate_limited"


class VippsTimeoutError(VippsError, TimeoutError):
    """The call's deadline passed (named so as not to shadow the builtin ``TimeoutError``,
    which it also subclasses)."""

    kind = "timeout"


class NetworkError(VippsError, ConnectionError):
    """The connection failed (refused, reset, DNS, TLS)."""

    kind = "network"


class UnknownOutcomeError(NetworkError):
    """The API answered a money call with success, but the answer could not be read: the money
    may have moved. Always retryable, and only with the same ``idempotency_key`` (carried by
    the exception), never a new one. A subclass of :class:`NetworkError`, so code that
    already retries network errors with the same key does the right thing."""

    kind = "unknown_outcome"


class SignatureInvalidError(VippsError):
    """Inbound verification failed. :meth:`vipps.Client.handle_callback` reports a failed
    verification as an event with ``verified: false`` and a 401 response rather than raising;
    this class exists so that every kind maps to an exception."""

    kind = "signature_invalid"


class InternalError(VippsError):
    """A bug in libvipps (e.g. a caught panic)."""

    kind = "internal"


class ClientClosedError(InvalidInputError):
    """The client was used after :meth:`close` (like a NULL handle: a mistake of the caller)."""


ERROR_CLASSES: Mapping[str, Type[VippsError]] = {
    cls.kind: cls
    for cls in (
        InvalidInputError,
        ConfigError,
        UnauthorizedError,
        ApiError,
        ConflictError,
        NotFoundError,
        RateLimitedError,
        VippsTimeoutError,
        NetworkError,
        SignatureInvalidError,
        InternalError,
        UnknownOutcomeError,
    )
}


def error_from_envelope(error: Mapping[str, Any]) -> VippsError:
    """The exception for the ``error`` object of an ``{"ok": false}`` envelope. An unknown
    kind (a newer library) becomes a plain :class:`VippsError` with that kind."""
    kind = str(error.get("kind") or "unknown")
    cls = ERROR_CLASSES.get(kind, VippsError)
    return cls(
        str(error.get("message") or kind),
        kind=kind,
        retryable=bool(error.get("retryable", False)),
        http_status=error.get("http_status"),
        problem=error.get("problem"),
        trace_id=error.get("trace_id"),
        error_code=error.get("error_code"),
        idempotency_key=error.get("idempotency_key"),
        raw=dict(error),
    )
