"""The types generated from the specs (vipps.api_types) describe what the library really
sends and answers: requests typed with them are accepted, and every answer of a full flow
against the simulator is checked, field by field and recursively, against its generated type
(required keys present, literals among the spec's values, integers where the spec says so).
A type that says more than the API gives, or a spec value the answer breaks, fails here."""

from __future__ import annotations

import typing
from typing import Any, Dict, List, Literal, Union, get_args, get_origin, get_type_hints

import pytest

from vipps import api_types as t

from conftest import new_reference


def problems(value: Any, expected: Any, where: str = "answer") -> List[str]:
    """What in `value` does not fit the type `expected` (empty when it fits)."""
    origin = get_origin(expected)
    if expected is Any:
        return []
    if expected is type(None):
        return [] if value is None else [f"{where}: {value!r} is not null"]
    if origin is Union:
        options = [problems(value, option, where) for option in get_args(expected)]
        return [] if any(not found for found in options) else min(options, key=len)
    if origin is Literal:
        return [] if value in get_args(expected) else [f"{where}: {value!r} not one of {get_args(expected)}"]
    if origin in (list, List):
        if not isinstance(value, list):
            return [f"{where}: {value!r} is not a list"]
        return [p for i, item in enumerate(value) for p in problems(item, get_args(expected)[0], f"{where}[{i}]")]
    if origin in (dict, Dict):
        return [] if isinstance(value, dict) else [f"{where}: {value!r} is not an object"]
    if typing.is_typeddict(expected):
        if not isinstance(value, dict):
            return [f"{where}: {value!r} is not an object ({expected.__name__})"]
        hints = get_type_hints(expected)
        found = [f"{where}.{key}: missing (required by {expected.__name__})"
                 for key in expected.__required_keys__ if key not in value]
        for key, item in value.items():
            if key in hints:
                found += problems(item, hints[key], f"{where}.{key}")
        return found
    if expected is bool:
        return [] if isinstance(value, bool) else [f"{where}: {value!r} is not a boolean"]
    if expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{where}: {value!r} is not an integer"]
    if expected is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return [] if ok else [f"{where}: {value!r} is not a number"]
    if expected is str:
        return [] if isinstance(value, str) else [f"{where}: {value!r} is not a string"]
    raise AssertionError(f"no check for {expected!r}")


def test_the_checker_refuses_what_does_not_fit() -> None:
    # Without this, a checker that accepts everything would make the test below pass.
    good: t.EPaymentAmount = {"value": 100, "currency": "NOK"}
    assert problems(good, t.EPaymentAmount) == []
    assert problems({"value": 100}, t.EPaymentAmount) == ["answer.currency: missing (required by EPaymentAmount)"]
    assert problems({"value": "100", "currency": "NOK"}, t.EPaymentAmount) == ["answer.value: '100' is not an integer"]
    assert problems({"value": 1, "currency": "USD"}, t.EPaymentAmount)[0].startswith("answer.currency: 'USD' not one of")
    assert problems({"status": "paid", "final": True}, t.Normalized)


def test_a_whole_epayment_flow_answers_as_the_generated_types_say(client) -> None:
    reference = new_reference("types")
    create: t.CreatePaymentRequest = {
        "reference": reference,
        "amount": {"value": 20000, "currency": "NOK"},
        "paymentMethod": {"type": "WALLET"},
        "userFlow": "WEB_REDIRECT",
        "returnUrl": "https://shop.example/return",
        "paymentDescription": "typed socks",
    }
    checks: List[tuple] = [(client.create_payment(dict(create)), t.CreatePaymentAnswer)]
    client.force_approve(reference=reference)
    checks.append((client.get_payment(reference=reference), t.GetPaymentAnswer))
    capture: t.CaptureRequest = {"reference": reference, "amount": {"value": 15000, "currency": "NOK"}}
    checks.append((client.capture(dict(capture)), t.CaptureAnswer))
    refund: t.RefundRequest = {"reference": reference, "modificationAmount": {"value": 5000, "currency": "NOK"}}
    checks.append((client.refund(dict(refund)), t.RefundAnswer))
    checks.append((client.cancel(reference=reference), t.CancelAnswer))
    checks.append((client.get_payment_events(reference=reference), t.GetPaymentEventsAnswer))
    found = [p for answer, expected in checks for p in problems(answer, expected, expected.__name__)]
    assert found == []


def test_checkout_and_webhook_answers_fit_the_generated_types(client) -> None:
    reference = new_reference("types")
    session: t.CreateSessionRequest = {
        "merchantInfo": {
            "callbackUrl": "https://shop.example/vipps/callback",
            "returnUrl": "https://shop.example/return",
            "termsAndConditionsUrl": "https://shop.example/terms",
        },
        "transaction": {
            "amount": {"value": 30000, "currency": "NOK"},
            "reference": reference,
            "paymentDescription": "typed session",
        },
    }
    checks: List[tuple] = [(client.create_session(dict(session)), t.CreateSessionAnswer)]
    checks.append((client.get_session(reference=reference), t.GetSessionAnswer))
    webhook: t.RegisterWebhookRequest = {"url": "https://shop.example/hook",
                                         "events": ["epayments.payment.captured.v1"]}
    registered = client.register_webhook(dict(webhook))
    checks.append((registered, t.RegisterWebhookAnswer))
    checks.append((client.list_webhooks(), t.ListWebhooksAnswer))
    client.delete_webhook(id=registered["id"])
    found = [p for answer, expected in checks for p in problems(answer, expected, expected.__name__)]
    assert found == []


@pytest.mark.parametrize("express", [False, True])
def test_ecom_answers_fit_the_generated_types(client, express: bool) -> None:
    order_id = new_reference("typesecom")[:30]
    initiate: Dict[str, Any] = {
        "merchantInfo": {"merchantSerialNumber": "123456", "callbackPrefix": "https://shop.example/ecom",
                         "fallBack": "https://shop.example/return"},
        "customerInfo": {},
        "transaction": {"orderId": order_id, "amount": 10000, "transactionText": "typed ecom order"},
    }
    if express:
        initiate["merchantInfo"].update({"paymentType": "eComm Express Payment",
                                         "shippingDetailsPrefix": "https://shop.example/ecom",
                                         "consentRemovalPrefix": "https://shop.example/ecom"})
    checks: List[tuple] = [(client.ecom_initiate(initiate), t.EcomInitiateAnswer)]
    checks.append((client.ecom_status(reference=order_id), t.EcomStatusAnswer))
    checks.append((client.get_payment(reference=order_id, api="ecom"), t.EcomGetPaymentAnswer))
    found = [p for answer, expected in checks for p in problems(answer, expected, expected.__name__)]
    assert found == []


def test_order_management_answers_fit_the_generated_types(client, sim) -> None:
    import base64
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    side = 170
    rows = b"".join(b"\x00" + b"\x5a" * side for _ in range(side))
    image = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
             + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    reference = new_reference("typesom")
    client.create_payment(reference=reference, amount={"value": 14900, "currency": "NOK"},
                          paymentMethod={"type": "WALLET"}, userFlow="WEB_REDIRECT",
                          returnUrl="https://shop.example/return", paymentDescription="typed receipt")
    sim.approve(reference)
    build: t.BuildReceiptRequest = {
        "amount": {"value": 14900, "currency": "NOK"},
        "lines": [{"name": "Socks", "id": "sku-1", "quantity": 2, "unit_price": 5000, "tax_rate": 2500},
                  {"name": "Shipping", "id": "ship", "total_amount": 4900, "tax_percentage": 25, "is_shipping": True}],
    }
    import vipps
    receipt = vipps.build_receipt(dict(build))
    checks: List[tuple] = [(receipt, t.BuildReceiptAnswer)]
    checks.append((client.add_receipt(reference=reference, **receipt), t.AddReceiptAnswer))
    uploaded = client.upload_image(src=base64.b64encode(image).decode())
    checks.append((uploaded, t.UploadImageAnswer))
    category: t.SetCategoryRequest = {"reference": reference, "category": "RECEIPT",
                                      "orderDetailsUrl": "https://shop.example/receipt", "imageId": uploaded["image_id"]}
    checks.append((client.set_category(dict(category)), t.SetCategoryAnswer))
    checks.append((client.get_order(reference=reference), t.GetOrderAnswer))
    found = [p for answer, expected in checks for p in problems(answer, expected, expected.__name__)]
    assert found == []
