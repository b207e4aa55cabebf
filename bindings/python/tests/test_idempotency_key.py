"""Derived idempotency keys: stable across processes, within each API's limit, one effect."""

from __future__ import annotations

import subprocess
import sys

import pytest

import vipps
from conftest import PACKAGE, new_reference, payment_request


def test_same_inputs_same_key_across_processes() -> None:
    key = vipps.idempotency_key(reference="acme-order-1001", operation="capture", attempt=2)
    assert key == "capture-2-acme-order-1001"
    other = subprocess.run(
        [sys.executable, "-c",
         "import sys, vipps; print(vipps.idempotency_key({'reference': 'acme-order-1001', "
         "'operation': 'capture', 'attempt': 2}))"],
        env={"PYTHONPATH": str(PACKAGE / "src"), **{k: v for k, v in __import__("os").environ.items() if k != "PYTHONPATH"}},
        capture_output=True, text=True, check=True,
    )
    assert other.stdout.strip() == key


def test_long_references_fit_each_header() -> None:
    reference = "acme-" * 12 + "1001"
    assert len(vipps.idempotency_key(reference=reference, operation="refund")) == 50
    assert len(vipps.idempotency_key(reference=reference, operation="refund", api="ecom")) == 40


def test_bad_input_is_invalid_input() -> None:
    with pytest.raises(vipps.InvalidInputError, match="operation"):
        vipps.idempotency_key(reference="acme-order-1001", operation="steal")


def test_store_before_calling_then_retry_captures_once(sim, client) -> None:
    reference = new_reference("idem")
    client.create_payment(payment_request(reference, 30000))
    client.force_approve(reference=reference, customer={"phoneNumber": "4791234567"})
    # The plugin stores (reference, "capture", 1) on the order, then calls; after a crash it
    # derives the same key again and retries.
    key = vipps.idempotency_key(reference=reference, operation="capture", attempt=1)
    # A partial capture: had the retry used a new key, the simulator would capture twice.
    first = client.capture(reference=reference, amount={"value": 10000, "currency": "NOK"}, idempotency_key=key)
    again = client.capture(
        reference=reference,
        amount={"value": 10000, "currency": "NOK"},
        idempotency_key=vipps.idempotency_key(reference=reference, operation="capture", attempt=1),
    )
    assert first["idempotency_key"] == again["idempotency_key"] == key
    ledger = {p["reference"]: p for p in sim.get("/_sim/ledger")["payments"]}
    assert ledger[reference]["captured"] == 10000
