"""ePayment Express through the Python binding, end to end against vipps-sim: a shop's shipping
endpoint (a real HTTP server here) verifies the dynamic shipping callback with handle_callback and
answers with shipping_options_response; the customer's choice (the simulator's control API) adds
the shipping to the amount; get_payment's normalized carries shipping_details and user_details;
the capture takes the total."""

from __future__ import annotations

import http.server
import threading
from typing import Any, Dict, Iterator, List

import pytest

import vipps

from conftest import new_reference

ITEMS = 19900


def groups_for(postcode: str) -> List[Dict[str, Any]]:
    groups: List[Dict[str, Any]] = [{
        "brand": "POSTNORD", "type": "PICKUP_POINT", "isDefault": True, "priority": 0,
        "options": [{"id": "pn-pickup", "name": "PostNord pickup point",
                     "amount": {"currency": "NOK", "value": 4900}, "isDefault": True, "priority": 0}],
    }]
    if postcode.startswith("0"):  # Oslo
        groups.append({
            "brand": "PORTERBUDDY", "type": "HOME_DELIVERY", "isDefault": False, "priority": 1,
            "options": [{"id": "bud", "name": "Porterbuddy this evening",
                         "amount": {"currency": "NOK", "value": 9900}, "isDefault": False, "priority": 0}],
        })
    return groups


@pytest.fixture
def shipping_endpoint(client: vipps.Client) -> Iterator[Dict[str, Any]]:
    """The shop's POST /vipps/shipping on a loopback port; records each verified event."""
    seen: Dict[str, Any] = {"events": []}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            answer = client.handle_callback(
                {"method": "POST", "url": self.path, "headers": dict(self.headers.items())}, body)
            event = answer["event"]
            response = answer["response"]
            if event["verified"]:
                seen["events"].append(event)
                address = event["address"]  # type: ignore[typeddict-item]
                response = client.shipping_options_response(
                    kind="epayment_shipping", currency="NOK", groups=groups_for(address["postCode"]))
            payload = (response["body"] or "").encode()
            self.send_response(response["status"])
            for name, value in response["headers"].items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    seen["url"] = f"http://127.0.0.1:{server.server_address[1]}/vipps/shipping"
    yield seen
    server.shutdown()
    server.server_close()


def test_express_with_a_dynamic_shipping_callback(sim: Any, client: vipps.Client, shipping_endpoint: Dict[str, Any]) -> None:
    reference = new_reference("py-express")
    created = client.create_payment({
        "amount": {"value": ITEMS, "currency": "NOK"},
        "paymentMethod": {"type": "WALLET"},
        "reference": reference,
        "userFlow": "WEB_REDIRECT",
        "returnUrl": "https://shop.example/return",
        "paymentDescription": "Wool socks",
        "profile": {"scope": "name address email phoneNumber"},
        "shipping": {"dynamicOptions": {"callbackUrl": shipping_endpoint["url"]}},
    })
    assert created["shipping_callback_token"]

    chosen = sim.post(f"/_sim/epayment/{reference}/express/approve", {"address_index": 0, "option_id": "bud"})
    assert chosen["state"] == "AUTHORIZED"
    [event] = shipping_endpoint["events"]
    assert event["kind"] == "epayment_shipping"
    assert event["reference"] == reference
    assert event["address"]["city"] == "Oslo"

    payment = client.get_payment(reference=reference)
    normalized = payment["normalized"]
    assert normalized["status"] == "authorized"
    assert normalized["authorized"] == ITEMS + 9900
    assert normalized["shipping_details"]["option_id"] == "bud"
    assert normalized["shipping_details"]["cost"] == 9900
    assert normalized["user_details"]["first_name"] == "Ada"

    captured = client.capture(reference=reference, amount={"value": ITEMS + 9900, "currency": "NOK"})
    assert captured["normalized"]["status"] == "captured"


def test_an_invalid_express_create_names_the_field(client: vipps.Client) -> None:
    with pytest.raises(vipps.InvalidInputError) as raised:
        client.create_payment({
            "amount": {"value": ITEMS, "currency": "NOK"},
            "paymentMethod": {"type": "WALLET"},
            "reference": new_reference("py-express"),
            "userFlow": "WEB_REDIRECT",
            "returnUrl": "https://shop.example/return",
            "profile": {"scope": "name address email phoneNumber"},
            "shipping": {"fixedOptions": groups_for("5013"), "dynamicOptions": {"callbackUrl": "https://x.example"}},
        })
    assert "shipping" in str(raised.value) and "not both" in str(raised.value)
