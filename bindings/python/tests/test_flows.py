"""Full payment flows against vipps-sim through the binding."""

from __future__ import annotations

import json

import pytest

import vipps
from conftest import new_reference, payment_request, session_request


def test_library_is_loaded_with_the_expected_abi() -> None:
    assert vipps.abi_version() == vipps.ABI_VERSION == 1
    assert vipps.version().count(".") == 2
    assert vipps.library_path() is not None and vipps.library_path().name.startswith("libvipps")


def test_checkout_session_approve_capture_refund(sim, client) -> None:
    reference = new_reference("session")
    created = client.create_session(session_request(reference, 49900))
    assert created["reference"] == reference
    assert created["checkoutFrontendUrl"].startswith(sim.url)
    assert created["token"] and created["callback_authorization_token"] and created["idempotency_key"]

    assert client.get_session(reference=reference)["normalized"]["status"] == "pending"
    updated = client.update_session(reference=reference, transaction={"paymentDescription": "Three pairs of socks"})
    assert updated["reference"] == reference

    sim.approve(reference)
    session = client.get_session({"reference": reference})
    assert session["normalized"]["status"] == "authorized"
    assert session["normalized"]["authorized"] == 49900

    captured = client.capture(reference=reference, amount={"value": 49900, "currency": "NOK"})
    assert captured["normalized"]["status"] == "captured"
    refunded = client.refund(reference=reference, amount={"value": 10000, "currency": "NOK"})
    assert refunded["normalized"]["status"] == "partially_refunded"
    assert refunded["normalized"]["refundable"] == 39900

    ledger = {p["reference"]: p for p in sim.get("/_sim/ledger")["payments"]}
    assert ledger[reference]["captured"] == 49900 and ledger[reference]["refunded"] == 10000


def test_expire_unpaid_session(client) -> None:
    reference = new_reference("expire")
    client.create_session(session_request(reference))
    client.expire_session(reference=reference)
    assert client.get_session(reference=reference)["normalized"]["status"] == "expired"


def test_epayment_create_approve_capture_refund_cancel(client) -> None:
    reference = new_reference("epay")
    created = client.create_payment(payment_request(reference, 100000), idempotency_key=f"create-{reference}")
    assert created["reference"] == reference
    assert created["idempotency_key"] == f"create-{reference}"
    assert "/sim/landing/" in created["redirectUrl"]
    assert client.get_payment(reference=reference)["normalized"]["status"] == "pending"

    client.force_approve(reference=reference, customer={"phoneNumber": "4791234567"})
    assert client.reconcile(reference=reference)["status"] == "authorized"

    first = client.capture(reference=reference, amount={"value": 60000, "currency": "NOK"}, idempotency_key=f"cap-{reference}")
    assert first["normalized"]["status"] == "partially_captured"
    # The same key and body again: replayed, not captured twice.
    again = client.capture(reference=reference, amount={"value": 60000, "currency": "NOK"}, idempotency_key=f"cap-{reference}")
    assert again["normalized"]["captured"] == 60000

    refund = client.refund(reference=reference, amount={"value": 25000, "currency": "NOK"})
    assert refund["normalized"]["status"] == "partially_refunded"
    cancel = client.cancel(reference=reference)
    normalized = cancel["normalized"]
    assert normalized["cancelled"] == 40000 and normalized["capturable"] == 0

    final = client.wait_for_final_status(reference=reference, timeout_ms=2000, initial_delay_ms=0)
    assert final["final"] is True and final["timed_out"] is False
    assert final["captured"] == 60000 and final["refunded"] == 25000

    names = [e["name"] for e in client.get_payment_events(reference=reference)["events"]]
    assert names[:2] == ["CREATED", "AUTHORIZED"] and "CAPTURED" in names and "REFUNDED" in names


def test_cancel_before_approval_and_wait_times_out_while_pending(client) -> None:
    pending = new_reference("pending")
    client.create_payment(payment_request(pending))
    waited = client.wait_for_final_status(reference=pending, timeout_ms=300, initial_delay_ms=0, interval_ms=100)
    assert waited["timed_out"] is True and waited["status"] == "pending"
    assert client.cancel(reference=pending)["normalized"]["status"] == "cancelled"


def test_webhooks_register_list_delete(client) -> None:
    registration = client.register_webhook(url="http://127.0.0.1:9/hook", events=["epayments.payment.captured.v1"])
    assert registration["secret"] and registration["id"]
    listed = client.list_webhooks()["webhooks"]
    assert registration["id"] in [w["id"] for w in listed]
    assert client.delete_webhook(id=registration["id"])["deleted"] is True
    assert registration["id"] not in [w["id"] for w in client.list_webhooks({})["webhooks"]]


def test_ecom_initiate_and_status(client) -> None:
    order_id = vipps.make_order_id(prefix="pyecom", order_number=new_reference("").replace("-", "")[:10], msn="123456")
    initiated = client.ecom_initiate({
        "merchantInfo": {"merchantSerialNumber": "123456", "callbackPrefix": "https://shop.example/vipps",
                         "fallBack": "https://shop.example/return"},
        "customerInfo": {"mobileNumber": "91234567"},
        "transaction": {"orderId": order_id, "amount": 20000, "transactionText": "One pair of socks"},
    })
    assert initiated["orderId"] == order_id and initiated["auth_token"] and initiated["url"]
    status = client.ecom_status(reference=order_id)
    assert status["normalized_status"] == "pending"
    client.force_approve(reference=order_id, api="ecom")
    captured = client.capture(reference=order_id, api="ecom", amount={"value": 20000, "currency": "NOK"})
    assert captured["normalized"]["status"] == "captured"


def test_make_order_id_and_shipping_options(client) -> None:
    # A string, as in Node and PHP (it was a {"order_id": ...} dict before issue 18).
    assert vipps.make_order_id({"prefix": "Acme Shop!", "order_number": 42, "msn": "123456", "attempt": 2}) == (
        "123456-Acme-Shop-42-2"
    )
    answer = client.shipping_options_response(
        kind="ecom_shipping_details", order_id="acme-1", address_id=7,
        options=[{"id": "p1", "brand": "POSTEN", "amount": {"value": 4999, "currency": "NOK"},
                  "priority": 0, "isDefault": True, "title": "Pickup point"}],
    )
    assert answer["status"] == 200
    body = json.loads(answer["body"])
    assert body["orderId"] == "acme-1" and body["shippingDetails"][0]["shippingCost"] == 49.99


def test_request_dict_and_keyword_fields_merge_keywords_winning(client) -> None:
    reference = new_reference("merge")
    created = client.create_payment(payment_request(new_reference("ignored")), reference=reference)
    assert created["reference"] == reference


def test_unknown_request_fields_pass_through(sim, client) -> None:
    reference = new_reference("extra")
    client.create_payment(payment_request(reference), metadata={"orderLine": "x"})
    # the field the binding does not know reached the API as given, and the API kept it
    sent = [r for r in sim.get("/_sim/requests?path_prefix=/epayment/v1/payments")
            if r["method"] == "POST" and f'"{reference}"' in r["body"]]
    assert len(sent) == 1
    assert json.loads(sent[0]["body"])["metadata"] == {"orderLine": "x"}
    assert client.get_payment(reference=reference)["metadata"] == {"orderLine": "x"}



def test_a_non_json_value_is_refused_before_anything_is_sent(fresh_sim, make_client) -> None:
    # A simulator of its own: on the shared one, a request that an earlier test delayed (and
    # gave up on) can still be logged while this test counts.
    client = make_client(fresh_sim.url)
    with pytest.raises(vipps.InvalidInputError) as refused:
        client.get_payment(reference=object())
    assert "JSON" in refused.value.message
    assert fresh_sim.get("/_sim/requests") == [], "nothing was sent, not even a token request"
