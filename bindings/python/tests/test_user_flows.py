"""ePayment user flows through the binding: QR, PUSH_MESSAGE (approved in the simulator's
app page), long-living payments, profile sharing with get_userinfo, and card payments."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest

import vipps
from conftest import new_reference, payment_request

PHONE = "4798765432"


def fetch(url: str, data: bytes | None = None) -> tuple[int, str, bytes]:
    req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    if data is not None:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(req, timeout=10) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


def in_minutes(minutes: int) -> str:
    at = datetime.now(timezone.utc) + timedelta(minutes=minutes)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def qr_request(reference: str, **extra: object) -> dict:
    request = payment_request(reference, userFlow="QR", **extra)
    del request["returnUrl"]  # nothing to return to after a scan
    return request


def status(client: vipps.Client, reference: str) -> str:
    return client.get_payment(reference=reference)["normalized"]["status"]


def test_qr_png_image_and_target_url(sim, client) -> None:
    reference = new_reference("qr")
    created = client.create_payment(qr_request(reference, qrFormat={"format": "IMAGE/PNG", "size": 200}))
    code, ctype, body = fetch(created["redirectUrl"])
    assert (code, ctype) == (200, "image/png") and body.startswith(b"\x89PNG\r\n\x1a\n")

    reference = new_reference("qr")
    created = client.create_payment(qr_request(reference, qrFormat={"format": "TEXT/TARGETURL"}))
    target = created["redirectUrl"]
    assert reference in fetch(target)[2].decode()
    assert fetch(target + "/approve", b"")[0] == 200
    assert status(client, reference) == "authorized"

    with pytest.raises(vipps.InvalidInputError, match="qrFormat"):
        client.create_payment(payment_request(new_reference("qr"), qrFormat={"format": "IMAGE/PNG"}))


def test_push_message_is_approved_in_the_app(sim, client) -> None:
    reference = new_reference("push")
    with pytest.raises(vipps.InvalidInputError, match="customer is required"):
        client.create_payment(payment_request(reference, userFlow="PUSH_MESSAGE"))
    with pytest.raises(vipps.InvalidInputError, match="phoneNumber"):
        client.create_payment(payment_request(
            reference, userFlow="PUSH_MESSAGE", customer={"phoneNumber": "+47 98765432"}))
    created = client.create_payment(payment_request(
        reference, userFlow="PUSH_MESSAGE", customer={"phoneNumber": PHONE}))
    assert "redirectUrl" not in created
    app = f"{sim.url}/sim/app/{PHONE}"
    assert f'data-reference="{reference}"' in fetch(app)[2].decode()
    code, _, _ = fetch(f"{app}/pending/{reference}/approve", b"")  # 303, followed to the app
    assert code == 200
    assert status(client, reference) == "authorized"


def test_long_living_payment_needs_a_receipt_and_expires(fresh_sim, make_client) -> None:
    client = make_client(fresh_sim.url)
    reference = new_reference("long")
    request = payment_request(reference, userFlow="PUSH_MESSAGE", customer={"phoneNumber": PHONE},
                              expiresAt=in_minutes(20))
    del request["returnUrl"]
    with pytest.raises(vipps.InvalidInputError, match="receipt is required"):
        client.create_payment(request)
    request["receipt"] = {"orderLines": [], "bottomLine": {"currency": "NOK"}}
    client.create_payment(request)
    fresh_sim.post("/_sim/clock/advance", {"seconds": 10 * 60})
    assert status(client, reference) == "pending"
    fresh_sim.post("/_sim/clock/advance", {"seconds": 11 * 60})
    assert status(client, reference) == "expired"


def test_profile_sharing_and_get_userinfo(sim, client) -> None:
    reference = new_reference("profile")
    client.create_payment(payment_request(reference, profile={"scope": "name phoneNumber"}))
    sim.approve(reference)
    sub = client.get_payment(reference=reference)["profile"]["sub"]
    info = client.get_userinfo(sub=sub)
    assert info["sub"] == sub and info["name"] == "Ada Lovelace" and info["phone_number"]
    assert "email" not in info
    with pytest.raises(vipps.InvalidInputError):
        client.get_userinfo(sub="../x")
    with pytest.raises(vipps.NotFoundError):
        client.get_userinfo(sub="00000000-0000-0000-0000-000000000000")


def test_card_payment_through_the_card_form(sim, client) -> None:
    reference = new_reference("card")
    with pytest.raises(vipps.InvalidInputError, match="paymentMethod.type"):
        client.create_payment(payment_request(reference, userFlow="QR", paymentMethod={"type": "CARD"}))
    created = client.create_payment(payment_request(
        reference, paymentMethod={"type": "CARD"}, receiptUrl="https://shop.example/receipt/1",
        customerInteraction="CUSTOMER_NOT_PRESENT", metadata={"orderId": "7"}))
    landing = created["redirectUrl"]
    assert 'id="card-form"' in fetch(landing)[2].decode()
    # The form answers 303 to the shop's returnUrl, which does not exist here.
    req = urllib.request.Request(landing + "/approve", method="POST",
                                 data=b"cardNumber=4925000000000004&expiry=12%2F30&cvc=123")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(req, timeout=10)
    assert answer.value.code == 303
    payment = client.get_payment(reference=reference)
    assert payment["normalized"]["status"] == "authorized"
    assert payment["paymentMethod"]["type"] == "CARD" and payment["metadata"] == {"orderId": "7"}
