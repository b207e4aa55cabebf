"""Order Management through the Python binding: the receipt builder, receipts (a second one is
an idempotent success), categories, images named by their content, and the transaction
information beside a payment's events."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import struct
import zlib

import pytest

import vipps
from conftest import new_reference, payment_request


def png(side: int, shade: int) -> bytes:
    """A real PNG of side × side grey pixels (shade makes the bytes differ)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes([shade]) * side for _ in range(side))
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


BASKET = {
    "amount": {"value": 12478, "currency": "NOK"},
    "lines": [
        {"name": "Apples", "id": "apples", "quantity": "1.5", "quantity_unit": "KG", "unit_price": 4990, "tax_rate": 1500},
        {"name": "Home delivery", "id": "shipping", "total_amount": 4993, "tax_rate": 2500, "is_shipping": True},
    ],
}


def test_build_receipt_does_the_tax_arithmetic_in_minor_units() -> None:
    receipt = vipps.build_receipt(BASKET)
    apples, shipping = receipt["orderLines"]
    # 4990 × 1.5 = 7485; tax 7485 × 1500 / 11500 = 976.30 → 976
    assert (apples["totalAmount"], apples["totalTaxAmount"], apples["totalAmountExcludingTax"]) == (7485, 976, 6509)
    assert apples["unitInfo"] == {"unitPrice": 4990, "quantity": "1.5", "quantityUnit": "KG"}
    # 4993 × 2500 / 12500 = 998.6 → 999
    assert (shipping["totalAmount"], shipping["totalTaxAmount"], shipping["isShipping"]) == (4993, 999, True)
    assert receipt["bottomLine"] == {"currency": "NOK"}
    # Keyword fields work as for the other helpers.
    assert vipps.build_receipt(**BASKET) == receipt


def test_build_receipt_refuses_a_mismatch_naming_lines_and_difference() -> None:
    with pytest.raises(vipps.InvalidInputError) as raised:
        vipps.build_receipt({**BASKET, "amount": {"value": 12978, "currency": "NOK"}})
    message = str(raised.value)
    assert "the receipt is 5.00 NOK short of the payment" in message
    assert '[0] "Apples" (id "apples") 74.85 NOK' in message
    with pytest.raises(vipps.InvalidInputError, match="quantity"):
        vipps.build_receipt({**BASKET, "lines": [{**BASKET["lines"][0], "quantity": 1.5}]})


def test_receipt_category_and_image_against_the_simulator(sim, client) -> None:
    reference = new_reference("py-om")
    client.create_payment(payment_request(reference, 12478))
    sim.approve(reference)
    receipt = vipps.build_receipt(BASKET)
    added = client.add_receipt({"reference": reference, "payment_amount": BASKET["amount"], **receipt})
    assert added == {"order_id": reference, "payment_type": "ECOM", "created": True, "already_existed": False}
    again = client.add_receipt(reference=reference, **receipt)
    assert (again["created"], again["already_existed"]) == (False, True)

    image = png(170, 0x42)
    uploaded = client.upload_image(src=base64.b64encode(image).decode())
    assert uploaded["image_id"] == hashlib.sha256(image).hexdigest()
    assert uploaded["created"] is True
    assert client.upload_image(src=base64.b64encode(image).decode())["already_existed"] is True

    url = f"https://shop.example/orders/{reference}"
    client.set_category(reference=reference, category="ORDER_CONFIRMATION", orderDetailsUrl=url,
                        imageId=uploaded["image_id"])
    order = client.get_order(reference=reference)
    assert order["receipt"]["orderLines"] == receipt["orderLines"]
    assert order["category"]["orderDetailsUrl"] == url
    assert order["category"]["imageId"] == uploaded["image_id"]


def test_refusals_raise_the_kinds_classes(sim, client) -> None:
    with pytest.raises(vipps.InvalidInputError, match="short of the payment"):
        client.add_receipt(reference=new_reference("py-om"), payment_amount={"value": 99999, "currency": "NOK"},
                           **vipps.build_receipt(BASKET))
    with pytest.raises(vipps.InvalidInputError, match="category must be one of"):
        client.set_category(reference="acme-1", category="SHIPPING_INFO", orderDetailsUrl="https://shop.example/")
    with pytest.raises(vipps.InvalidInputError, match="PNG or JPEG"):
        client.upload_image(src=base64.b64encode(b"GIF89a").decode())
    with pytest.raises(vipps.NotFoundError):
        client.get_order(reference=new_reference("py-unknown"))


def test_the_authorizations_psp_reference_is_beside_the_events(sim, client) -> None:
    reference = new_reference("py-psp")
    client.create_payment(payment_request(reference, 10000))
    assert client.get_payment_events(reference=reference)["psp_reference"] is None
    sim.approve(reference)
    answer = client.get_payment_events(reference=reference)
    authorized = next(e for e in answer["events"] if e["name"] == "AUTHORIZED")
    assert answer["psp_reference"] == authorized["pspReference"]


def test_the_async_client_has_the_operations(sim) -> None:
    async def run() -> None:
        from conftest import base_config
        async with vipps.AsyncClient(base_config(sim.url)) as client:
            with pytest.raises(vipps.NotFoundError):
                await client.get_order(reference=new_reference("py-async"))
    asyncio.run(run())
