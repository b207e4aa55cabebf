"""The README's callback-token formula, recomputed with Python's standard library.

The README ("Callback tokens") prints a worked example; this recomputes it with hmac, hashlib and
base64 as a Python shop would, and checks that the library derives the same token for a session
it creates (Checkout ``callbackAuthorizationToken``) and an eCom order it initiates (``authToken``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from conftest import REPO, new_reference, session_request

import vipps


def derive(secret: str, purpose: str, reference: str) -> str:
    message = f"vipps-callback:{purpose}:{reference}".encode()
    mac = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def readme_example() -> dict:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Callback tokens"):]
    found = {}
    for label in ["callback_secret", "reference", "Checkout callback token", "eCom authToken"]:
        match = re.search(rf"^{re.escape(label)}:\s+(\S+)$", section, re.MULTILINE)
        assert match, f"the README example has no {label!r} line"
        found[label] = match.group(1)
    return found


def test_the_readme_example_recomputes_with_the_standard_library() -> None:
    ex = readme_example()
    assert derive(ex["callback_secret"], "checkout", ex["reference"]) == ex["Checkout callback token"]
    assert derive(ex["callback_secret"], "ecom", ex["reference"]) == ex["eCom authToken"]


def test_the_library_derives_the_documented_tokens(make_client) -> None:
    secret = readme_example()["callback_secret"]
    client = make_client(callback_secret=secret)
    reference = new_reference("tokdoc")
    session = client.create_session(session_request(reference))
    assert session["callback_authorization_token"] == derive(secret, "checkout", reference)
    order_id = vipps.make_order_id(prefix="pytok", order_number=new_reference("").replace("-", "")[:10], msn="123456")
    initiated = client.ecom_initiate({
        "merchantInfo": {"merchantSerialNumber": "123456", "callbackPrefix": "https://shop.example/vipps",
                         "fallBack": "https://shop.example/return"},
        "customerInfo": {"mobileNumber": "91234567"},
        "transaction": {"orderId": order_id, "amount": 20000, "transactionText": "One pair of socks"},
    })
    assert initiated["auth_token"] == derive(secret, "ecom", order_id)
