"""``Client`` and ``AsyncClient``: one method per operation of the C ABI, taking and
returning dicts."""

from __future__ import annotations

import asyncio
import ctypes
import functools
import json
import os
import threading
import weakref
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any, Callable, Dict, Mapping, Optional, TypeVar, Union, cast

from . import _lib
from .errors import ClientClosedError, InvalidInputError, error_from_envelope
from .types import (
    ApplyEventAnswer,
    ApplyEventRequest,
    CallbackAnswer,
    CallbackRequest,
    CancelRequest,
    Config,
    CreatePaymentAnswer,
    CreatePaymentRequest,
    CreateSessionAnswer,
    CreateSessionRequest,
    EcomInitiateAnswer,
    HttpResponse,
    MoneyRequest,
    OrderIdRequest,
    PaymentAnswer,
    ReconcileAnswer,
    ReferenceRequest,
    RegisterWebhookRequest,
    ShippingOptionsRequest,
    WaitRequest,
    WebhookRegistration,
)

T = TypeVar("T")
Request = Optional[Mapping[str, Any]]
Body = Union[bytes, bytearray, memoryview, None]


def _encode(request: Request, fields: Mapping[str, Any]) -> bytes:
    """The request as NUL-free UTF-8 JSON (NUL characters in strings are escaped by JSON)."""
    merged: Dict[str, Any] = {}
    if request is not None:
        if not isinstance(request, Mapping):
            raise InvalidInputError(f"a request must be a dict, got {type(request).__name__}")
        merged.update(request)
    merged.update(fields)
    try:
        return json.dumps(merged, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError) as exc:  # not JSON-serializable, NaN, lone surrogates
        raise InvalidInputError(f"the request cannot be sent as JSON: {exc}") from exc


def _unwrap(text: bytes) -> Any:
    envelope = json.loads(text.decode("utf-8"))
    if envelope.get("ok"):
        return envelope.get("data")
    raise error_from_envelope(envelope.get("error") or {})


def abi_version() -> int:
    """The ABI version of the loaded library."""
    return int(_lib.load().vipps_abi_version())


def version() -> str:
    """The version of the loaded library, e.g. ``"0.1.0"``."""
    raw = _lib.load().vipps_version()  # static const char *: never freed
    return raw.decode("utf-8") if raw else ""


def make_order_id(request: Optional[OrderIdRequest] = None, **fields: Any) -> str:
    """An order id per the orderId recommendations:
    ``{"prefix", "order_number", "msn"?, "attempt"?}`` → the id string, e.g.
    ``"123456-acme-42-2"``. Needs no client.

    Returns the string, as Node's ``makeOrderId`` and PHP's ``Client::makeOrderId`` do (before
    issue 18 it returned the ``{"order_id": ...}`` dict of the C envelope)."""
    lib = _lib.load()
    payload = _encode(cast(Request, request), fields)
    data = _unwrap(_lib.take_string(lib, lib.vipps_make_order_id(payload)))
    return cast(str, data["order_id"])


def idempotency_key(request: Optional[Request] = None, **fields: Any) -> str:
    """A stable idempotency key from ``{"reference", "operation", "attempt"?, "api"?}``
    (operation: create, session, initiate, capture, refund, cancel; attempt from 1; api
    ``"ecom"`` for the 40-character X-Request-Id). The same input gives the same key, within
    the API's limit: store the inputs on the order before a money call, and a retry after a
    crash sends the same key. Needs no client."""
    lib = _lib.load()
    payload = _encode(cast(Request, request), fields)
    data = _unwrap(_lib.take_string(lib, lib.vipps_idempotency_key(payload)))
    return cast(str, data["idempotency_key"])


def build_receipt(request: Optional[Request] = None, **fields: Any) -> Dict[str, Any]:
    """A receipt's ``orderLines`` and ``bottomLine`` from a shop's lines and the payment's
    amount, with the tax rounding of the README's "Receipts" (integer minor units, per line
    half away from zero, tax derived from the gross): ``{"amount": {"value", "currency"},
    "lines": [{"name", "id", "quantity"?, "unit_price" | "total_amount", "tax_rate"
    (basis points, 2500 = 25 %) | "tax_percentage", "discount"?, "is_shipping"?,
    "is_return"?, "quantity_unit"?, "product_url"?}], "bottom_line"?}``. Raises
    :class:`~vipps.InvalidInputError` naming the lines and the difference when they do not
    add up to ``amount``. Needs no client; pass the answer to :meth:`Client.add_receipt`."""
    lib = _lib.load()
    payload = _encode(cast(Request, request), fields)
    return cast(Dict[str, Any], _unwrap(_lib.take_string(lib, lib.vipps_build_receipt(payload))))


# Every open Client, so a forked child can reset their call bookkeeping (see _reset_after_fork).
_live_clients: "weakref.WeakSet[Client]" = weakref.WeakSet()


def _reset_after_fork() -> None:
    """Runs in the child after ``os.fork()``, where only the forking thread exists. The calls
    that other threads had running in the parent never return in the child, so the copied
    in-flight count would make ``close()`` wait forever, and a lock one of them held at the
    fork would stay locked. Each client therefore starts over in the child: a new lock and no
    call in flight. (The native library makes its own per-process state after a fork.)"""
    for client in list(_live_clients):
        client._cond = threading.Condition()
        client._in_flight = 0


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_reset_after_fork)


class Client:
    """A libvipps client. Thread-safe: share one per configuration across threads.

    ``Client({"base_url": ..., "system_name": ..., ...})`` or the same as keyword arguments.
    Every method takes a request dict (and/or keyword fields merged into it) and returns the
    answer's ``data``; an error envelope raises the :class:`~vipps.VippsError` subclass of its
    kind. Calls block the calling thread; use :class:`AsyncClient` in asyncio code.
    """

    def __init__(self, config: Optional[Config] = None, /, **settings: Any) -> None:
        self._handle: Optional[int] = None
        self._cond = threading.Condition()
        self._in_flight = 0
        self._closed = False
        self._lib = _lib.load()
        payload = _encode(cast(Request, config), settings)
        error_out = ctypes.c_void_p()
        handle = self._lib.vipps_client_new(payload, ctypes.byref(error_out))
        if not handle:
            if error_out.value:
                _unwrap(_lib.take_string(self._lib, error_out.value))  # raises
            raise MemoryError("vipps_client_new returned NULL with no error")
        self._handle = handle
        _live_clients.add(self)

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Frees the native client once the calls running on it have returned. Idempotent;
        later calls raise :class:`~vipps.ClientClosedError`."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._cond.wait_for(lambda: self._in_flight == 0)
            handle, self._handle = self._handle, None
        if handle:
            self._lib.vipps_client_free(handle)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            if not getattr(self, "_closed", True) and getattr(self, "_handle", None):
                self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass

    def __repr__(self) -> str:
        return f"<vipps.Client {'closed' if self._closed else 'open'}>"

    # -- calling ---------------------------------------------------------------------------

    def _enter(self) -> int:
        with self._cond:
            if self._closed or not self._handle:
                raise ClientClosedError("the client is closed")
            self._in_flight += 1
            return self._handle

    def _leave(self) -> None:
        with self._cond:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._cond.notify_all()

    def _call(self, operation: str, request: Request, fields: Mapping[str, Any]) -> Any:
        payload = _encode(request, fields)
        function = getattr(self._lib, "vipps_" + operation)
        handle = self._enter()
        try:
            pointer = function(handle, payload)  # ctypes releases the GIL during the call
        finally:
            self._leave()
        return _unwrap(_lib.take_string(self._lib, pointer))

    # -- Checkout v3 -----------------------------------------------------------------------

    def create_session(self, request: Optional[CreateSessionRequest] = None, **fields: Any) -> CreateSessionAnswer:
        """``POST /checkout/v3/session``; the answer adds ``callback_authorization_token``."""
        return self._call("create_session", cast(Request, request), fields)

    def get_session(self, request: Optional[ReferenceRequest] = None, **fields: Any) -> PaymentAnswer:
        """``GET /checkout/v3/session/{reference}`` plus ``normalized``."""
        return self._call("get_session", cast(Request, request), fields)

    def update_session(self, request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
        """``PATCH /checkout/v3/session/{reference}``."""
        return self._call("update_session", request, fields)

    def expire_session(self, request: Optional[ReferenceRequest] = None, **fields: Any) -> Dict[str, Any]:
        """``POST /checkout/v3/session/{reference}/expire``."""
        return self._call("expire_session", cast(Request, request), fields)

    # -- ePayment v1 -----------------------------------------------------------------------

    def create_payment(self, request: Optional[CreatePaymentRequest] = None, **fields: Any) -> CreatePaymentAnswer:
        """``POST /epayment/v1/payments``: ``reference``, ``redirectUrl``, ``idempotency_key``."""
        return self._call("create_payment", cast(Request, request), fields)

    def get_payment(self, request: Optional[ReferenceRequest] = None, **fields: Any) -> PaymentAnswer:
        """``GET /epayment/v1/payments/{reference}`` plus ``normalized``."""
        return self._call("get_payment", cast(Request, request), fields)

    def get_payment_events(self, request: Optional[ReferenceRequest] = None, **fields: Any) -> Dict[str, Any]:
        """``GET /epayment/v1/payments/{reference}/events`` → ``{"events": [...]}``."""
        return self._call("get_payment_events", cast(Request, request), fields)

    def capture(self, request: Optional[MoneyRequest] = None, **fields: Any) -> PaymentAnswer:
        """Captures ``amount`` (required). Reuse the answer's ``idempotency_key`` to retry."""
        return self._call("capture", cast(Request, request), fields)

    def refund(self, request: Optional[MoneyRequest] = None, **fields: Any) -> PaymentAnswer:
        """Refunds ``amount`` (required) of what was captured."""
        return self._call("refund", cast(Request, request), fields)

    def cancel(self, request: Optional[CancelRequest] = None, **fields: Any) -> PaymentAnswer:
        """Cancels what is left of a payment."""
        return self._call("cancel", cast(Request, request), fields)

    def force_approve(self, request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
        """Test environment only: approves a payment as the customer would."""
        return self._call("force_approve", request, fields)

    def get_userinfo(self, request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
        """Userinfo API: ``{sub}`` (a payment's ``profile.sub``, once it is authorized) → the
        profile the customer shared for the payment's ``profile.scope`` (``name``, ``email``,
        ``phone_number``, ``address``, ``birthdate``, ...) plus ``sub``. Personal data."""
        return self._call("get_userinfo", request, fields)

    def reconcile(self, request: Optional[ReferenceRequest] = None, **fields: Any) -> ReconcileAnswer:
        """The normalized status of a payment read from the API."""
        return self._call("reconcile", cast(Request, request), fields)

    def wait_for_final_status(self, request: Optional[WaitRequest] = None, **fields: Any) -> ReconcileAnswer:
        """Polls until the payment is no longer pending or ``timeout_ms`` passes (then
        ``timed_out`` is true). Blocks the calling thread."""
        return self._call("wait_for_final_status", cast(Request, request), fields)

    # -- inbound ---------------------------------------------------------------------------

    def handle_callback(self, request: CallbackRequest, body: Body = b"") -> CallbackAnswer:
        """Verifies and normalizes a callback or webhook exactly as received.

        ``request``: ``{"method", "url", "headers", "kind"?, "expected_token"?,
        "reference"?}``; ``body``: the raw bytes. Always answer the HTTP request with the
        returned ``response``. A failed verification is not an exception: the event has
        ``verified: false`` and ``rejection``, and the response is 401 (400, 405, 413)."""
        payload = _encode(cast(Request, request), {})
        if body is None:
            data = b""
        elif isinstance(body, bytes):
            data = body
        elif isinstance(body, (bytearray, memoryview)):
            data = bytes(body)
        else:
            raise InvalidInputError(f"body must be bytes, got {type(body).__name__}")
        handle = self._enter()
        try:
            pointer = self._lib.vipps_handle_callback(handle, payload, data, len(data))
        finally:
            self._leave()
        return cast(CallbackAnswer, _unwrap(_lib.take_string(self._lib, pointer)))

    def shipping_options_response(self, request: Optional[ShippingOptionsRequest] = None, **fields: Any) -> HttpResponse:
        """The ``{status, headers, body}`` answering a shipping callback."""
        return self._call("shipping_options_response", cast(Request, request), fields)

    def apply_event(self, request: Optional[ApplyEventRequest] = None, **fields: Any) -> ApplyEventAnswer:
        """Folds a verified event into the stored record (the rank rule):
        ``{"record", "event"}`` → ``{"applied", "reason", "record"}``."""
        return self._call("apply_event", cast(Request, request), fields)

    # -- Webhooks API ----------------------------------------------------------------------

    def register_webhook(self, request: Optional[RegisterWebhookRequest] = None, **fields: Any) -> WebhookRegistration:
        """``{url, events}`` → ``{id, secret, url, events}`` (the secret is shown once)."""
        return self._call("register_webhook", cast(Request, request), fields)

    def list_webhooks(self, request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
        """``{}`` → ``{"webhooks": [{id, url, events}]}``."""
        return self._call("list_webhooks", request, fields)

    def delete_webhook(self, request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
        """``{id}`` → ``{id, deleted: true}``."""
        return self._call("delete_webhook", request, fields)

    def ensure_webhook(self, request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
        """``{url, events, current?}`` → ``{id, secret, url, events, changed, removed, remove_errors}``.

        One registration for ``url``, kept in step with ``current`` (the answer you stored last
        time): registers only when the URL or events changed or the registration is gone, then
        deletes the registrations for the same URL whose secret is unknown. Store the answer
        (it holds the secret) and hold your own lock around the call."""
        return self._call("ensure_webhook", request, fields)

    # -- eCom v2 (legacy) ------------------------------------------------------------------

    def ecom_initiate(self, request: Optional[Mapping[str, Any]] = None, **fields: Any) -> EcomInitiateAnswer:
        """``POST /ecomm/v2/payments``: ``orderId``, ``url``, ``auth_token``."""
        return self._call("ecom_initiate", request, fields)

    def ecom_status(self, request: Optional[ReferenceRequest] = None, **fields: Any) -> Dict[str, Any]:
        """The deprecated eCom ``/status`` plus ``normalized_status``."""
        return self._call("ecom_status", cast(Request, request), fields)


    # -- Order Management v2 ---------------------------------------------------------------

    def add_receipt(self, request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
        """``POST /order-management/v2/{paymentType}/receipts/{orderId}``: ``{reference,
        paymentType?, orderLines, bottomLine, payment_amount?}`` → ``{order_id, payment_type,
        created, already_existed}``. A receipt the order already has (409) is not an error:
        ``created`` is false and ``already_existed`` true."""
        return self._call("add_receipt", request, fields)

    def get_order(self, request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
        """``GET /order-management/v2/{paymentType}/{orderId}``: the stored ``category`` and
        ``receipt``."""
        return self._call("get_order", request, fields)

    def set_category(self, request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
        """``PUT /order-management/v2/{paymentType}/categories/{orderId}``: ``{reference,
        category, orderDetailsUrl, imageId?}``, the link the app shows with the payment."""
        return self._call("set_category", request, fields)

    def upload_image(self, request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
        """``POST /order-management/v1/images``: ``{src: <base64 PNG or JPEG>, imageId?}`` →
        ``{image_id, bytes, created, already_existed}``; the id defaults to the hex SHA-256 of
        the bytes, so uploading the same image again succeeds with ``created`` false."""
        return self._call("upload_image", request, fields)


def _async_method(name: str) -> Callable[..., Any]:
    sync = getattr(Client, name)

    @functools.wraps(sync)
    async def method(self: "AsyncClient", *args: Any, **kwargs: Any) -> Any:
        return await self._run(getattr(self._client, name), *args, **kwargs)

    return method


class AsyncClient:
    """The asyncio face of :class:`Client`: the same methods as coroutines. Each blocking C
    call runs in a thread pool (ctypes releases the GIL), so the event loop keeps running.

    ``max_workers`` bounds the calls running at once (default 32); pass ``executor`` to use
    your own."""

    def __init__(
        self,
        config: Optional[Config] = None,
        /,
        *,
        executor: Optional[Executor] = None,
        max_workers: int = 32,
        **settings: Any,
    ) -> None:
        self._client = Client(config, **settings)
        self._own_executor = executor is None
        self._executor = executor or ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="vipps")

    @property
    def sync(self) -> Client:
        """The underlying thread-safe :class:`Client` (same native handle)."""
        return self._client

    @property
    def closed(self) -> bool:
        return self._client.closed

    async def _run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(function, *args, **kwargs))

    async def close(self) -> None:
        """Waits for running calls, frees the client and stops the thread pool."""
        await self._run(self._client.close)
        if self._own_executor:
            self._executor.shutdown(wait=False)

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()

    create_session = _async_method("create_session")
    get_session = _async_method("get_session")
    update_session = _async_method("update_session")
    expire_session = _async_method("expire_session")
    create_payment = _async_method("create_payment")
    get_payment = _async_method("get_payment")
    get_payment_events = _async_method("get_payment_events")
    capture = _async_method("capture")
    refund = _async_method("refund")
    cancel = _async_method("cancel")
    force_approve = _async_method("force_approve")
    get_userinfo = _async_method("get_userinfo")
    reconcile = _async_method("reconcile")
    wait_for_final_status = _async_method("wait_for_final_status")
    handle_callback = _async_method("handle_callback")
    shipping_options_response = _async_method("shipping_options_response")
    apply_event = _async_method("apply_event")
    register_webhook = _async_method("register_webhook")
    list_webhooks = _async_method("list_webhooks")
    delete_webhook = _async_method("delete_webhook")
    ensure_webhook = _async_method("ensure_webhook")
    ecom_initiate = _async_method("ecom_initiate")
    ecom_status = _async_method("ecom_status")
    add_receipt = _async_method("add_receipt")
    get_order = _async_method("get_order")
    set_category = _async_method("set_category")
    upload_image = _async_method("upload_image")
