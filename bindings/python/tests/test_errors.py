"""Every error kind of the README arrives as its exception class, provoked through the
simulator where it can be."""

from __future__ import annotations

import re
import socket

import pytest

import vipps
from conftest import REPO, new_reference, payment_request


def readme_error_kinds() -> set:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    paragraph = text[text.index("Error kinds (stable") : text.index("`retryable` says")]
    return set(re.findall(r"`([a-z_]+)`", paragraph))


def test_every_readme_kind_has_its_own_exception_class() -> None:
    kinds = readme_error_kinds()
    assert len(kinds) == 12, kinds
    assert set(vipps.ERROR_CLASSES) == kinds
    classes = set(vipps.ERROR_CLASSES.values())
    assert len(classes) == len(kinds)
    for kind, cls in vipps.ERROR_CLASSES.items():
        error = vipps.error_from_envelope({"kind": kind, "message": "m", "retryable": False})
        assert type(error) is cls and issubclass(cls, vipps.VippsError) and error.kind == kind


def test_an_unknown_outcome_is_a_retryable_network_error_with_its_key() -> None:
    error = vipps.error_from_envelope({
        "kind": "unknown_outcome", "message": "retry with the same idempotency key",
        "retryable": True, "http_status": 200, "idempotency_key": "k-1",
    })
    assert type(error) is vipps.UnknownOutcomeError
    # A plugin that already retries network errors with the same key does the right thing.
    assert isinstance(error, vipps.NetworkError) and isinstance(error, ConnectionError)
    assert error.retryable and error.idempotency_key == "k-1" and error.http_status == 200


def test_mapping_of_internal_and_signature_invalid_and_unknown_kinds() -> None:
    internal = vipps.error_from_envelope({
        "kind": "internal", "message": "panic caught", "retryable": False, "http_status": None,
        "problem": None, "trace_id": None, "error_code": None,
    })
    assert isinstance(internal, vipps.InternalError) and internal.message == "panic caught"
    assert isinstance(vipps.error_from_envelope({"kind": "signature_invalid", "message": "x"}), vipps.SignatureInvalidError)
    future = vipps.error_from_envelope({"kind": "brand_new_kind", "message": "x", "retryable": True})
    assert type(future) is vipps.VippsError and future.kind == "brand_new_kind" and future.retryable
    # The timeout and network classes are also the builtin kinds, without shadowing them.
    assert issubclass(vipps.VippsTimeoutError, TimeoutError) and vipps.VippsTimeoutError is not TimeoutError
    assert issubclass(vipps.NetworkError, ConnectionError)


def test_invalid_input_decimal_amount(client) -> None:
    with pytest.raises(vipps.InvalidInputError) as info:
        client.capture(reference="acme-order-1", amount={"value": 10.5, "currency": "NOK"})
    assert info.value.kind == "invalid_input" and not info.value.retryable and info.value.http_status is None
    assert "amount" in info.value.message


def test_config_unknown_setting(sim) -> None:
    with pytest.raises(vipps.ConfigError) as info:
        vipps.Client(base_url=sim.url, system_name="t", system_version="1", plugin_name="p",
                     plugin_version="1", retries=3)
    assert "retries" in info.value.message


def test_unauthorized_wrong_secret(sim, make_client) -> None:
    client = make_client(client_id="sim-client-id", client_secret="not-the-secret",
                         subscription_key="sim-subscription-key", merchant_serial_number="123456")
    with pytest.raises(vipps.UnauthorizedError) as info:
        client.create_payment(payment_request(new_reference()))
    assert info.value.http_status == 401
    assert "not-the-secret" not in str(info.value) and "not-the-secret" not in repr(info.value.raw)


def test_api_over_capture(sim, client) -> None:
    reference = new_reference("over")
    client.create_payment(payment_request(reference, 1000))
    sim.approve(reference)
    with pytest.raises(vipps.ApiError) as info:
        client.capture(reference=reference, amount={"value": 2000, "currency": "NOK"}, idempotency_key=f"k-{reference}")
    error = info.value
    assert error.http_status == 400 and error.error_code == "6090"
    assert error.problem is not None and error.idempotency_key == f"k-{reference}"
    assert not error.retryable


def test_unknown_outcome_of_a_capture_is_retried_with_the_same_key(sim, client) -> None:
    reference = new_reference("unknown")
    client.create_payment(payment_request(reference, 5000))
    sim.approve(reference)
    # The capture is carried out, but the answer is a proxy's HTML page.
    sim.fault(method="POST", path=f"/epayment/v1/payments/{reference}/capture", action="process_then_respond",
              status=200, body="<html>proxy</html>", headers={"content-type": "text/html"})
    amount = {"value": 3000, "currency": "NOK"}
    with pytest.raises(vipps.NetworkError) as info:
        client.capture(reference=reference, amount=amount, idempotency_key=f"k-{reference}")
    error = info.value
    assert type(error) is vipps.UnknownOutcomeError and error.kind == "unknown_outcome"
    assert error.retryable and error.idempotency_key == f"k-{reference}" and error.http_status == 200
    captured = client.capture(reference=reference, amount=amount, idempotency_key=error.idempotency_key)
    assert captured["normalized"]["captured"] == 3000
    ledger = sim.get("/_sim/ledger")["payments"]
    assert [p["captures"] for p in ledger if p["reference"] == reference] == [[3000]]


def test_conflict_same_key_other_amount(sim, client) -> None:
    reference = new_reference("conflict")
    client.create_payment(payment_request(reference, 5000))
    sim.approve(reference)
    client.capture(reference=reference, amount={"value": 1000, "currency": "NOK"}, idempotency_key="same-key")
    with pytest.raises(vipps.ConflictError) as info:
        client.capture(reference=reference, amount={"value": 2000, "currency": "NOK"}, idempotency_key="same-key")
    assert info.value.http_status == 409 and info.value.idempotency_key == "same-key"


def test_not_found(client) -> None:
    with pytest.raises(vipps.NotFoundError) as info:
        client.get_payment(reference=new_reference("missing"))
    assert info.value.http_status == 404 and isinstance(info.value, LookupError)


def test_rate_limited_retry_after_beyond_deadline(sim, make_client) -> None:
    client = make_client(timeouts={"connect_ms": 500, "request_ms": 1000, "total_ms": 1500})
    reference = new_reference("rl")
    sim.fault(method="GET", path=f"/epayment/v1/payments/{reference}", count=10, action="respond",
              status=429, retry_after=30)
    with pytest.raises(vipps.RateLimitedError) as info:
        client.get_payment(reference=reference)
    assert info.value.http_status == 429 and info.value.retryable


def test_timeout_delay_beyond_timeouts(sim, make_client) -> None:
    client = make_client(timeouts={"connect_ms": 200, "request_ms": 300, "total_ms": 700},
                         retry={"max_attempts": 2, "base_delay_ms": 10, "max_delay_ms": 20})
    reference = new_reference("slow")
    sim.fault(method="GET", path=f"/epayment/v1/payments/{reference}", count=5, action="delay", delay_ms=1500)
    with pytest.raises(vipps.VippsTimeoutError) as info:
        client.get_payment(reference=reference)
    assert info.value.kind == "timeout" and info.value.retryable
    assert isinstance(info.value, TimeoutError)


def test_network_closed_port(make_client) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = make_client(url=f"http://127.0.0.1:{port}", timeouts={"connect_ms": 500, "request_ms": 1000, "total_ms": 1000},
                         retry={"max_attempts": 2, "base_delay_ms": 10, "max_delay_ms": 20})
    with pytest.raises(vipps.NetworkError) as info:
        client.get_payment(reference="nobody-listens")
    assert info.value.retryable and info.value.http_status is None


def test_signature_invalid_is_a_refused_event_not_an_exception(client) -> None:
    body = b'{"msn":"123456","reference":"acme-1","pspReference":"1","name":"CAPTURED","amount":{"value":100,"currency":"NOK"},"timestamp":"2024-05-02T10:00:00Z","success":true}'
    answer = client.handle_callback(
        {"method": "POST", "url": "/vipps/webhook",
         "headers": {"Host": "shop.example", "x-ms-date": "Thu, 02 May 2024 10:00:00 GMT",
                     "x-ms-content-sha256": "AAAA", "Authorization": "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=forged"}},
        body,
    )
    assert answer["event"]["verified"] is False and answer["event"]["rejection"]
    assert answer["response"]["status"] == 401


def test_error_envelope_fields_survive(client) -> None:
    with pytest.raises(vipps.VippsError) as info:
        client.get_payment(reference=new_reference("fields"))
    error = info.value
    for name in ("kind", "message", "retryable", "http_status", "problem", "trace_id", "error_code", "idempotency_key"):
        assert hasattr(error, name)
    assert error.raw["kind"] == "not_found" and "not_found" in str(error)
