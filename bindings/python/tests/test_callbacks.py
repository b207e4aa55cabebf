"""Inbound: the WSGI/ASGI helpers, and callbacks delivered by vipps-sim into the example shop."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any, Dict, List

import pytest

import vipps
from conftest import REPO, base_config, http_status_of, new_reference, session_request

SHOP = REPO / "examples" / "python-shop" / "shop.py"


def checkout_callback(client: vipps.Client, sim, reference: str) -> bytes:
    """A Checkout session callback body as the simulator sends it (the session after approval)."""
    sim.approve(reference)
    session = client.get_session(reference=reference)
    session.pop("normalized", None)
    return json.dumps(session).encode()


def environ_for(path: str, query: str, body: bytes, headers: Dict[str, str]) -> Dict[str, Any]:
    environ = {
        "REQUEST_METHOD": "POST", "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": query,
        "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body), "SERVER_NAME": "shop.example", "SERVER_PORT": "443",
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def test_wsgi_environ_to_request_and_back(sim, client) -> None:
    reference = new_reference("wsgi")
    token = client.create_session(session_request(reference))["callback_authorization_token"]
    body = checkout_callback(client, sim, reference)
    environ = environ_for("/vipps/callback", "site=2", body, {"Host": "shop.example", "Authorization": token, "X-Ms-Date": "d"})

    request, raw = vipps.web.wsgi_callback_request(environ, kind="checkout_callback")
    assert raw == body
    assert request["method"] == "POST" and request["url"] == "/vipps/callback?site=2"
    assert request["headers"]["Authorization"] == token and request["headers"]["Host"] == "shop.example"
    assert request["headers"]["Content-Type"] == "application/json" and request["headers"]["X-Ms-Date"] == "d"
    assert request["kind"] == "checkout_callback" and "expected_token" not in request

    answer = client.handle_callback(request, raw)
    event = answer["event"]
    assert event["verified"] is True and event["reference"] == reference and event["status"] == "authorized"

    started: List[Any] = []
    chunks = vipps.web.wsgi_response(answer["response"], lambda status, headers: started.append((status, headers)))
    assert started[0][0] == "200 OK" and b"".join(chunks) == answer["response"]["body"].encode()

    forged = environ_for("/vipps/callback", "", body, {"Host": "shop.example", "Authorization": "forged-token"})
    answer = vipps.web.handle_wsgi(client, forged, reference=reference)
    assert answer["event"]["verified"] is False
    vipps.web.wsgi_response(answer["response"], lambda status, headers: started.append((status, headers)))
    assert started[-1][0] == "401 Unauthorized"


def test_wsgi_url_prefers_the_raw_request_uri_and_requotes_path_info() -> None:
    assert vipps.web.wsgi_url({"REQUEST_URI": "/a%20b?x=1", "PATH_INFO": "/a b"}) == "/a%20b?x=1"
    assert vipps.web.wsgi_url({"SCRIPT_NAME": "/shop", "PATH_INFO": "/a b", "QUERY_STRING": "q=1"}) == "/shop/a%20b?q=1"
    headers = vipps.web.wsgi_headers({"HTTP_X_MANY": "a", "CONTENT_LENGTH": "", "HTTP_HOST": "h"})
    assert headers == {"X-Many": "a", "Host": "h"}


def test_asgi_scope_to_request_and_back(sim, client) -> None:
    reference = new_reference("asgi")
    token = client.create_session(session_request(reference))["callback_authorization_token"]
    body = checkout_callback(client, sim, reference)
    scope = {
        "type": "http", "method": "POST", "path": "/vipps/callback", "raw_path": b"/vipps/callback",
        "query_string": b"site=2",
        "headers": [(b"host", b"shop.example"), (b"authorization", token.encode()), (b"x-many", b"a"), (b"x-many", b"b")],
    }
    messages = [{"type": "http.request", "body": body[:10], "more_body": True},
                {"type": "http.request", "body": body[10:], "more_body": False},
                {"type": "http.request", "body": b"forged", "more_body": False}]
    sent: List[Dict[str, Any]] = []

    async def receive() -> Dict[str, Any]:
        return messages.pop(0)

    async def send(message: Dict[str, Any]) -> None:
        sent.append(message)

    async def app() -> Dict[str, Any]:
        async with vipps.AsyncClient(base_config(sim.url)) as async_client:
            request, raw = await vipps.web.asgi_callback_request(scope, receive)
            assert raw == body and request["url"] == "/vipps/callback?site=2"
            assert request["headers"]["x-many"] == ["a", "b"]
            answer = await async_client.handle_callback(request, raw)
            await vipps.web.send_asgi_response(send, answer["response"])
            not_json = await vipps.web.handle_asgi(async_client, scope, receive)
            assert not_json["event"]["verified"] is False and not_json["response"]["status"] == 400
            return answer

    answer = asyncio.run(app())
    assert answer["event"]["verified"] is True and answer["event"]["status"] == "authorized"
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 200
    assert sent[1]["body"] == answer["response"]["body"].encode()


def test_body_bytes_travel_with_their_length(client) -> None:
    request = {"method": "POST", "url": "/vipps/callback", "headers": {"Authorization": "t"}}
    # A body over MAX_BODY is refused unread (413): the length, not a NUL, ends the body.
    too_big = client.handle_callback(request, b"{" + b"\0" * vipps.MAX_BODY + b"}")
    assert too_big["response"]["status"] == 413
    # Not JSON (a NUL inside): 400, not an exception.
    assert client.handle_callback(request, b'{"a"\0}')["response"]["status"] == 400
    assert client.handle_callback(request, bytearray(b"not json"))["response"]["status"] == 400
    assert client.handle_callback(request, memoryview(b""))["response"]["status"] == 400
    with pytest.raises(vipps.InvalidInputError):
        client.handle_callback(request, "a str is not bytes")  # type: ignore[arg-type]


# -- the example shop ------------------------------------------------------------------------


@pytest.fixture
def shop(sim):
    env = dict(os.environ, VIPPS_BASE_URL=sim.url, PORT="0", PYTHONPATH=str(REPO / "bindings" / "python" / "src"))
    process = subprocess.Popen([sys.executable, str(SHOP)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+", line)
    if not match:
        process.kill()
        pytest.fail(f"the shop did not start: {line!r} {process.stderr.read()}")
    yield match.group(0)
    process.terminate()
    process.wait(10)


def post_form(url: str, data: str) -> str:
    """POSTs a form and returns the Location of the 303 answer without following it."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(urllib.request.Request(url, data=data.encode(), method="POST"), timeout=10)
    except urllib.error.HTTPError as exc:
        assert exc.code == 303, exc.code
        return exc.headers["Location"]
    raise AssertionError("no redirect")


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=15) as response:
        return response.read().decode()


def order_of(shop: str, order_id: str) -> Dict[str, Any]:
    return json.loads(get(f"{shop}/orders/{order_id}"))


def wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")



def test_shop_checkout_callback_is_delivered_verified_and_applied(sim, shop) -> None:
    location = post_form(f"{shop}/checkout", "product=socks")
    order_id = location.rsplit("/", 1)[1]
    page = get(shop + location)
    assert f'src="{sim.url}/sim/vippsCheckoutSDK.js"' in page
    assert "VippsCheckout(options)" in page and '"iFrameContainerId": "vipps-checkout-frame-container"' in page
    assert '<section id="vipps-checkout-frame-container">' in page
    assert order_of(shop, order_id)["status"] in ("new", "pending")

    sim.approve(order_id)
    order = wait_for(lambda: (o := order_of(shop, order_id))["status"] == "authorized" and o)
    assert order["amounts"]["capturable"] == 19900

    def delivered() -> List[Dict[str, Any]]:
        return [c for c in sim.get("/_sim/callbacks") if c["kind"] == "checkout" and order_id in json.dumps(c.get("body"))]

    deliveries = wait_for(delivered)
    assert deliveries[0]["status"] == 200 and deliveries[0]["url"].startswith(shop + "/vipps/callback")
    wait_for(lambda: any(line.startswith("checkout_callback") for line in order_of(shop, order_id)["log"]))

    # A forged delivery is answered 401 and changes nothing.
    forged = json.dumps({"reference": order_id, "sessionId": "x", "sessionState": "PaymentSuccessful"}).encode()
    assert http_status_of(f"{shop}/vipps/callback", forged, {"Authorization": "forged", "Content-Type": "application/json"}) == 401

    # Admin: capture, then refund, each moving the money once.
    assert post_form(f"{shop}/admin/capture", f"order={order_id}") == "/admin"
    assert order_of(shop, order_id)["status"] == "captured"
    assert post_form(f"{shop}/admin/refund", f"order={order_id}") == "/admin"
    wait_for(lambda: order_of(shop, order_id)["status"] == "refunded")
    ledger = {p["reference"]: p for p in sim.get("/_sim/ledger")["payments"]}
    assert ledger[order_id]["captured"] == 19900 and ledger[order_id]["refunded"] == 19900
    assert "refunded" in get(f"{shop}/return?order={order_id}")


def test_shop_epayment_redirect_webhooks_and_polling_return_page(sim, shop) -> None:
    location = post_form(f"{shop}/pay", "product=coat")
    assert location.startswith(f"{sim.url}/sim/landing/")
    order_id = location.rsplit("/", 1)[1]

    # The return page polls (wait_for_final_status) and shows pending, refreshing itself.
    page = get(f"{shop}/return?order={order_id}")
    assert 'id=status>pending<' in page and 'http-equiv="refresh"' in page

    sim.approve(order_id)
    page = get(f"{shop}/return?order={order_id}")
    assert 'id=status>authorized<' in page

    # The signed ePayment webhooks reached the shop and were verified.
    # (CREATED may arrive first: wait for AUTHORIZED to be applied.)
    wait_for(lambda: ((order_of(shop, order_id)["record"] or {}).get("status")) == "authorized")
    webhooks = [c for c in sim.get("/_sim/callbacks")
                if c["kind"] == "webhook" and c["url"].startswith(shop) and order_id in json.dumps(c.get("body"))]
    assert webhooks and all(c["status"] == 200 for c in webhooks), webhooks
