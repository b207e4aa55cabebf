"""TypedDicts for the main requests and answers. Requests are the APIs' own JSON bodies
(camelCase; unknown fields pass through untouched) plus the snake_case keys the library reads
(``idempotency_key``, ``merchant_serial_number``, ``reference``, ``api``, ...). They describe
the common fields; any other field of the API may be added."""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional, TypedDict, Union

Status = Literal[
    "pending",
    "authorized",
    "partially_captured",
    "captured",
    "partially_refunded",
    "refunded",
    "cancelled",
    "expired",
    "aborted",
    "failed",
]

ErrorKind = Literal[
    "invalid_input",
    "config",
    "unauthorized",
    "api",
    "conflict",
    "not_found",
    "rate_limited",
    "timeout",
    "network",
    "signature_invalid",
    "internal",
]


class Amount(TypedDict):
    value: int  # minor units (øre, cents); a float is refused
    currency: str


class _CallKeys(TypedDict, total=False):
    idempotency_key: str
    merchant_serial_number: str
    system_name: str
    system_version: str
    plugin_name: str
    plugin_version: str


class Timeouts(TypedDict, total=False):
    connect_ms: int
    request_ms: int
    total_ms: int


class Retry(TypedDict, total=False):
    max_attempts: int
    base_delay_ms: int
    max_delay_ms: int


class Tls(TypedDict, total=False):
    """Trusted certificate authorities: `webpki` (built in, the default) or the OS store, plus a PEM bundle."""

    roots: Literal["webpki", "platform"]
    ca_file: str


class Config(TypedDict, total=False):
    environment: Literal["test", "production", "sim"]
    base_url: str
    client_id: str
    client_secret: str
    subscription_key: str
    merchant_serial_number: str
    system_name: str
    system_version: str
    plugin_name: str
    plugin_version: str
    timeouts: Timeouts
    retry: Retry
    proxy: str
    tls: Tls
    callback_secret: str
    webhook_secrets: List[str]
    webhook_max_age_secs: int
    polling: Dict[str, int]
    log: Dict[str, str]


# --- Checkout v3 -------------------------------------------------------------------------


class SessionMerchantInfo(TypedDict, total=False):
    callbackUrl: str
    returnUrl: str
    callbackAuthorizationToken: str
    termsAndConditionsUrl: str


class SessionTransaction(TypedDict, total=False):
    amount: Amount
    reference: str
    paymentDescription: str
    orderSummary: Dict[str, Any]


class CreateSessionRequest(_CallKeys, total=False):
    merchantInfo: SessionMerchantInfo
    transaction: SessionTransaction
    logistics: Dict[str, Any]
    prefillCustomer: Dict[str, Any]
    configuration: Dict[str, Any]
    type: str


class CreateSessionAnswer(TypedDict, total=False):
    token: str
    checkoutFrontendUrl: str
    pollingUrl: str
    reference: str
    callback_authorization_token: str
    idempotency_key: str


class ReferenceRequest(_CallKeys, total=False):
    reference: str
    api: Literal["epayment", "ecom"]


# --- ePayment v1 -------------------------------------------------------------------------


class CreatePaymentRequest(_CallKeys, total=False):
    amount: Amount
    paymentMethod: Dict[str, Any]
    reference: str
    userFlow: Literal["PUSH_MESSAGE", "NATIVE_REDIRECT", "WEB_REDIRECT", "QR"]
    returnUrl: str
    paymentDescription: str
    customer: Dict[str, Any]
    expiresAt: str
    #: Express: ``{"scope": "name address email phoneNumber"}``.
    profile: Dict[str, Any]
    #: Express: ``fixedOptions`` (shipping groups) or ``dynamicOptions`` (``callbackUrl``).
    shipping: Dict[str, Any]


class CreatePaymentAnswer(TypedDict, total=False):
    reference: str
    redirectUrl: str
    idempotency_key: str
    #: Express with dynamic options: the token the shipping callbacks carry.
    shipping_callback_token: str


class MoneyRequest(_CallKeys, total=False):
    """capture / refund: ``amount`` (or the API's ``modificationAmount``) is required."""

    reference: str
    amount: Amount
    modificationAmount: Amount
    api: Literal["epayment", "ecom"]


class CancelRequest(_CallKeys, total=False):
    reference: str
    cancelTransactionOnly: bool
    shouldReleaseRemainingFunds: bool
    api: Literal["epayment", "ecom"]


class Normalized(TypedDict, total=False):
    status: Status
    final: bool
    currency: str
    amount: int
    authorized: int
    captured: int
    refunded: int
    cancelled: int
    capturable: int
    refundable: int
    #: ePayment Express only: option_id, option_name, cost (minor units), address.
    shipping_details: Dict[str, Any]
    #: ePayment Express only: first_name, last_name, email, phone_number.
    user_details: Dict[str, Any]


class PaymentAnswer(TypedDict, total=False):
    """An ePayment payment (or Checkout session) as read, plus ``normalized``."""

    reference: str
    state: str
    amount: Amount
    aggregate: Dict[str, Any]
    pspReference: str
    normalized: Normalized
    idempotency_key: str


class ReconcileAnswer(Normalized, total=False):
    reference: str
    polls: int
    timed_out: bool
    #: The PSP reference of the authorization (the transaction id to show), when known.
    psp_reference: Optional[str]
    #: The status as an event for ``apply_event``: polling folds into the webhooks' record.
    event: Dict[str, Any]


class WaitRequest(ReferenceRequest, total=False):
    timeout_ms: int
    initial_delay_ms: int
    interval_ms: int


# --- Callbacks and webhooks --------------------------------------------------------------


class CallbackRequest(TypedDict, total=False):
    method: str
    url: str
    headers: Dict[str, Union[str, List[str]]]
    kind: Literal[
        "checkout_callback",
        "checkout_shipping",
        "epayment_webhook",
        "ecom_callback",
        "ecom_shipping_details",
        "ecom_consent_removal",
        "epayment_shipping",
    ]
    expected_token: str
    reference: str
    #: The host the webhook is registered for: the only host its signature is checked against.
    host: str
    #: Webhook secrets tried besides the client's (e.g. one just registered with ensure_webhook).
    webhook_secrets: List[str]


class HttpResponse(TypedDict):
    status: int
    headers: Dict[str, str]
    body: Optional[str]


class Event(TypedDict, total=False):
    kind: str
    api: str
    reference: Optional[str]
    verified: bool
    rejection: str
    id: str
    name: Optional[str]
    state: Optional[str]
    status: Optional[Status]
    final: bool
    rank: int
    progress: Optional[int]
    timestamp: Optional[str]
    success: bool
    currency: str
    amount: int
    amounts: Dict[str, Any]
    raw: Any


class CallbackAnswer(TypedDict):
    event: Event
    response: HttpResponse


class ApplyEventRequest(TypedDict):
    record: Optional[Dict[str, Any]]
    event: Event


class ApplyEventAnswer(TypedDict):
    applied: bool
    reason: str
    record: Dict[str, Any]


class ShippingOption(TypedDict, total=False):
    id: str
    brand: str
    amount: Amount
    priority: int
    isDefault: bool
    title: str
    description: str
    type: str


class ShippingOptionsRequest(TypedDict, total=False):
    kind: Literal["checkout_shipping", "ecom_shipping_details", "epayment_shipping"]
    #: Checkout and eCom.
    options: List[ShippingOption]
    order_id: str
    address_id: Union[int, str]
    #: ePayment Express: the shipping groups for the callback's address.
    groups: List[Dict[str, Any]]
    #: ePayment Express: the payment's currency, which every option must use.
    currency: str
    #: ePayment Express: False answers 400 (cannot ship to this address).
    deliverable: bool


# --- Webhooks, eCom, helpers -------------------------------------------------------------


class RegisterWebhookRequest(_CallKeys, total=False):
    url: str
    events: List[str]


class WebhookRegistration(TypedDict, total=False):
    id: str
    secret: str
    url: str
    events: List[str]


class EcomInitiateAnswer(TypedDict, total=False):
    orderId: str
    url: str
    auth_token: str
    idempotency_key: str


class OrderIdRequest(TypedDict, total=False):
    prefix: str
    order_number: Union[int, str]
    msn: str
    attempt: int
