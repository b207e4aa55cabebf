"""Checked with ``mypy --strict`` (make check-types), never run by pytest: requests and answers
written against the TypedDicts generated from the official specs (vipps.api_types)."""

from __future__ import annotations

from typing import Any, List, Optional, cast

import vipps
from vipps.api_types import (
    CaptureAnswer,
    CaptureRequest,
    CreatePaymentAnswer,
    CreatePaymentRequest,
    CreateSessionRequest,
    EPaymentAmount,
    GetPaymentAnswer,
    NormalizedStatus,
    RegisterWebhookRequest,
    WebhookEventName,
)

create: CreatePaymentRequest = {
    "reference": "acme-order-1001",
    "amount": {"value": 49900, "currency": "NOK"},
    "paymentMethod": {"type": "WALLET"},
    "userFlow": "WEB_REDIRECT",
    "returnUrl": "https://shop.example/return",
    "idempotency_key": "create-1-acme-order-1001",
}
bad_currency: EPaymentAmount = {"value": 100, "currency": "USD"}  # type: ignore[typeddict-item]
bad_flow: CreatePaymentRequest = {**create, "userFlow": "BROWSER"}  # type: ignore[typeddict-item]
events: List[WebhookEventName] = ["epayments.payment.captured.v1"]
bad_events: List[WebhookEventName] = ["recurring.agreement-activated.v1"]  # type: ignore[list-item]
webhook: RegisterWebhookRequest = {"url": "https://shop.example/hook", "events": events}
session: CreateSessionRequest = {
    "merchantInfo": {
        "callbackUrl": "https://shop.example/cb",
        "returnUrl": "https://shop.example/r",
        "termsAndConditionsUrl": "https://shop.example/t",
    },
    "transaction": {
        "amount": {"value": 100, "currency": "NOK"},
        "reference": "acme-order-1002",
        "paymentDescription": "Socks",
    },
}


def flow(client: vipps.Client) -> NormalizedStatus:
    # The binding's methods are typed with its hand-written vipps.types, so the generated types
    # meet them through cast: at run time both are the same plain dict.
    answer = cast(CreatePaymentAnswer, client.create_payment(cast(Any, create)))
    redirect: Optional[str] = answer.get("redirectUrl")
    key: str = answer["idempotency_key"]
    read = cast(GetPaymentAnswer, client.get_payment(reference=create["reference"]))
    captured: Optional[int] = read["normalized"].get("captured")
    capture: CaptureRequest = {"reference": create["reference"], "amount": {"value": 100, "currency": "NOK"}}
    money = cast(CaptureAnswer, client.capture(cast(Any, capture)))
    print(redirect, key, captured, read["state"])
    return money["normalized"]["status"]
