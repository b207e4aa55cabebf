#!/usr/bin/env python3
"""A small shop taking payments through libvipps, with the standard library only.

    VIPPS_BASE_URL=http://127.0.0.1:7878 PORT=8000 python3 shop.py

Pages: / (products), /checkout/<order> (Checkout iframe), /return?order=<order> (polls the
status), /admin (capture, refund, cancel). Vipps calls /vipps/callback (Checkout session
callbacks) and /vipps/webhook (signed ePayment webhooks). Orders live in memory.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import secrets
import sys
import threading
import time
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from typing import Any, Callable, Dict, Iterable, List, Optional
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

try:
    import vipps
except ImportError:  # run from the repository without installing the package
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bindings", "python", "src"))
    import vipps

PRODUCTS = {
    "socks": ("Two pairs of wool socks", 19900),
    "coat": ("A warm winter coat", 149900),
}

# Fixed shipping options offered in Checkout (the customer picks one in the iframe).
SHIPPING_OPTIONS = [
    {"id": "pickup", "brand": "POSTEN", "type": "PICKUP_POINT", "amount": {"value": 4900, "currency": "NOK"},
     "priority": 0, "isDefault": True},
    {"id": "home", "brand": "POSTEN", "type": "HOME_DELIVERY", "amount": {"value": 9900, "currency": "NOK"},
     "priority": 1, "isDefault": False},
]

# The README's rank rule: statuses later in a payment's life rank higher.
RANK = {
    "new": -1, "pending": 0, "authorized": 10, "partially_captured": 20, "captured": 30,
    "partially_refunded": 40, "refunded": 50,
    "cancelled": 60, "aborted": 60, "expired": 60, "failed": 60,
}

WEBHOOK_EVENTS = [f"epayments.payment.{name}.v1" for name in
                  ("created", "authorized", "captured", "refunded", "cancelled", "aborted", "expired", "terminated")]


@dataclass
class Order:
    id: str
    sku: str
    product: str
    amount: int
    flow: str  # "checkout" or "epayment"
    currency: str = "NOK"
    record: Optional[Dict[str, Any]] = None  # from apply_event (callbacks and webhooks)
    polled: Optional[Dict[str, Any]] = None  # from reconcile / wait_for_final_status
    checkout: Optional[Dict[str, Any]] = None  # token and checkoutFrontendUrl
    log: List[str] = field(default_factory=list)
    operations: int = 0  # numbers the idempotency keys of admin actions
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def status(self) -> str:
        """The higher ranked of what callbacks said and what polling read."""
        candidates = [s["status"] for s in (self.record, self.polled) if s and s.get("status")]
        return max(candidates, key=lambda s: RANK.get(s, -1), default="new")

    def amounts(self) -> Dict[str, Any]:
        best = self.polled or {}
        if self.record and RANK.get(self.record.get("status"), -1) >= RANK.get(best.get("status"), -1):
            best = self.record
        return {k: best.get(k) for k in ("authorized", "captured", "refunded", "capturable", "refundable")}

    def as_json(self) -> Dict[str, Any]:
        return {"id": self.id, "product": self.product, "amount": self.amount, "flow": self.flow,
                "status": self.status, "amounts": self.amounts(), "record": self.record,
                "polled": self.polled, "log": self.log}


def money(minor: Optional[int]) -> str:
    return "-" if minor is None else f"NOK {minor / 100:,.2f}"


def page(title: str, body: str, head: str = "") -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} – Python shop</title>{head}
<style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse}}td,th{{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left}}
form{{display:inline}}button{{margin:.1rem}}.status{{font-weight:bold}}</style></head>
<body><p><a href="/">Shop</a> · <a href="/admin">Admin</a></p><h1>{html.escape(title)}</h1>
{body}</body></html>"""


class Shop:
    """The WSGI application."""

    def __init__(self, vipps_base_url: str, public_url: str, callback_secret: str) -> None:
        self.sim = vipps_base_url.rstrip("/")
        self.url = public_url.rstrip("/")
        self.config = {
            "base_url": self.sim,
            "system_name": "python-shop", "system_version": "1.0",
            "plugin_name": "vipps-python-example", "plugin_version": vipps.__version__,
            "callback_secret": callback_secret,
        }
        self.client = vipps.Client(self.config)
        self.orders: Dict[str, Order] = {}
        self.orders_lock = threading.Lock()
        self.numbers = itertools.count(1)
        # Order numbers unique across restarts of the shop against one Vipps test account.
        self.run_id = f"{int(time.time()) % 10**7}{secrets.randbelow(1000):03d}"

    def register_webhook(self) -> None:
        """Registers /vipps/webhook for ePayment events and makes a client that knows its
        secret (a real shop stores the secret in its configuration)."""
        registration = self.client.register_webhook(url=f"{self.url}/vipps/webhook", events=WEBHOOK_EVENTS)
        old = self.client
        self.client = vipps.Client(self.config, webhook_secrets=[registration["secret"]])
        old.close()

    # -- orders --------------------------------------------------------------------------

    def new_order(self, product: str, flow: str) -> Order:
        name, amount = PRODUCTS[product]
        order_id = vipps.make_order_id(prefix="pyshop", order_number=f"{self.run_id}{next(self.numbers):04d}")
        order = Order(id=order_id, sku=product, product=name, amount=amount, flow=flow)
        with self.orders_lock:
            self.orders[order.id] = order
        return order

    def order(self, order_id: str) -> Order:
        with self.orders_lock:
            if order_id not in self.orders:
                raise KeyError(order_id)
            return self.orders[order_id]

    def apply_event(self, event: Dict[str, Any]) -> None:
        """Folds a verified callback or webhook into its order (apply_event keeps the rank
        rule: duplicates and stale deliveries change nothing)."""
        try:
            order = self.order(event.get("reference") or "")
        except KeyError:
            return
        with order.lock:
            result = self.client.apply_event(record=order.record, event=event)
            order.record = result["record"]
            order.log.append(f"{event.get('kind')} {event.get('name') or event.get('state')}: "
                             f"{'applied' if result['applied'] else 'ignored'} ({result['reason']})")

    def poll(self, order: Order, timeout_ms: int) -> None:
        summary = self.client.wait_for_final_status(
            reference=order.id, timeout_ms=timeout_ms, initial_delay_ms=0, interval_ms=500)
        with order.lock:
            order.polled = summary

    # -- routing -------------------------------------------------------------------------

    def __call__(self, environ: Dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/")
        try:
            if path in ("/vipps/callback", "/vipps/webhook"):
                return self.callback(environ, start_response)
            form = self.form(environ) if method == "POST" else {}
            query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
            if method == "GET" and path == "/":
                return self.html(start_response, self.products_page())
            if method == "POST" and path == "/checkout":
                return self.start_checkout(start_response, form.get("product", ""))
            if method == "GET" and path.startswith("/checkout/"):
                return self.html(start_response, self.checkout_page(self.order(path[len("/checkout/"):])))
            if method == "POST" and path == "/pay":
                return self.start_epayment(start_response, form.get("product", ""))
            if method == "GET" and path == "/return":
                return self.html(start_response, self.return_page(self.order(query.get("order", ""))))
            if method == "GET" and path == "/admin":
                return self.html(start_response, self.admin_page())
            if method == "POST" and path.startswith("/admin/"):
                return self.admin_action(start_response, path[len("/admin/"):], self.order(form.get("order", "")),
                                         form.get("amount"))
            if method == "GET" and path.startswith("/orders/"):
                return self.json(start_response, self.order(path[len("/orders/"):]).as_json())
            return self.text(start_response, "404 Not Found", "not found")
        except KeyError as exc:
            return self.text(start_response, "404 Not Found", f"unknown: {exc}")
        except vipps.VippsError as exc:
            status = "502 Bad Gateway" if exc.retryable else "400 Bad Request"
            return self.html(start_response, page("Payment error", f"<p>{html.escape(str(exc))}</p>"), status)

    @staticmethod
    def form(environ: Dict[str, Any]) -> Dict[str, str]:
        body = vipps.web.wsgi_body(environ, limit=64 * 1024).decode("utf-8", "replace")
        return {k: v[0] for k, v in parse_qs(body).items()}

    @staticmethod
    def html(start_response: Callable[..., Any], text: str, status: str = "200 OK") -> List[bytes]:
        data = text.encode("utf-8")
        start_response(status, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(data)))])
        return [data]

    @staticmethod
    def json(start_response: Callable[..., Any], value: Any) -> List[bytes]:
        data = json.dumps(value).encode("utf-8")
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    @staticmethod
    def text(start_response: Callable[..., Any], status: str, text: str) -> List[bytes]:
        data = text.encode("utf-8")
        start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data)))])
        return [data]

    @staticmethod
    def redirect(start_response: Callable[..., Any], location: str) -> List[bytes]:
        start_response("303 See Other", [("Location", location), ("Content-Length", "0")])
        return [b""]

    # -- customer pages ------------------------------------------------------------------

    def products_page(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(name)}</td><td>{money(amount)}</td><td>"
            f"<form method=post action=/checkout><input type=hidden name=product value={key}>"
            f"<button>Buy with Vipps Checkout</button></form> "
            f"<form method=post action=/pay><input type=hidden name=product value={key}>"
            f"<button>Pay with Vipps (redirect)</button></form></td></tr>"
            for key, (name, amount) in PRODUCTS.items())
        return page("Products", f"<table>{rows}</table>")

    def start_checkout(self, start_response: Callable[..., Any], product: str) -> List[bytes]:
        order = self.new_order(product, "checkout")
        session = self.client.create_session({
            "merchantInfo": {"callbackUrl": f"{self.url}/vipps/callback",
                             "returnUrl": f"{self.url}/return?order={order.id}"},
            "transaction": {"amount": {"value": order.amount, "currency": order.currency},
                            "reference": order.id, "paymentDescription": order.product},
            "logistics": {"fixedOptions": SHIPPING_OPTIONS},
            "idempotency_key": f"session-{order.id}",
        })
        order.checkout = {"token": session["token"], "checkoutFrontendUrl": session["checkoutFrontendUrl"]}
        order.log.append("Checkout session created")
        return self.redirect(start_response, f"/checkout/{order.id}")

    def checkout_page(self, order: Order) -> str:
        if not order.checkout:
            raise KeyError(order.id)
        options = json.dumps({"checkoutFrontendUrl": order.checkout["checkoutFrontendUrl"],
                              "iFrameContainerId": "vipps-checkout-frame-container",
                              "token": order.checkout["token"], "language": "en"}).replace("</", "<\\/")
        head = f'<script src="{html.escape(self.sim)}/sim/vippsCheckoutSDK.js"></script>'
        body = f"""<p>{html.escape(order.product)}: {money(order.amount)}</p>
<p>Checkout status: <span id=checkout-status>loading</span></p>
<section id="vipps-checkout-frame-container"></section>
<script>
  var options = {options};
  options.on = {{
    session_status_changed: function (status) {{
      document.getElementById("checkout-status").textContent = status;
    }}
  }};
  try {{
    VippsCheckout(options);
  }} catch (e) {{
    document.getElementById("checkout-status").textContent = "could not load Checkout: " + e;
  }}
</script>"""
        return page("Checkout", body, head)

    def start_epayment(self, start_response: Callable[..., Any], product: str) -> List[bytes]:
        order = self.new_order(product, "epayment")
        payment = self.client.create_payment({
            "amount": {"value": order.amount, "currency": order.currency},
            "paymentMethod": {"type": "WALLET"},
            "reference": order.id,
            "userFlow": "WEB_REDIRECT",
            "returnUrl": f"{self.url}/return?order={order.id}",
            "paymentDescription": order.product,
            "idempotency_key": f"create-{order.id}",
        })
        order.log.append("ePayment payment created")
        return self.redirect(start_response, payment["redirectUrl"])

    def return_page(self, order: Order) -> str:
        # Callbacks are not guaranteed: ask the API, waiting a little for the customer to finish.
        if RANK.get(order.status, -1) < RANK["authorized"]:
            self.poll(order, timeout_ms=3000)
        status = order.status
        pending = RANK.get(status, -1) < RANK["authorized"]
        head = '<meta http-equiv="refresh" content="2">' if pending else ""
        message = {"authorized": "Thank you! Your payment is reserved; we capture it when we ship.",
                   "captured": "Thank you! Your order is paid."}.get(status, "Thank you! See the order's history in the shop's admin.")
        if pending:
            message = "Waiting for the payment to complete…"
        elif RANK.get(status) == 60:
            message = "The payment did not go through."
        body = (f"<p>Order <code>{html.escape(order.id)}</code>: {html.escape(order.product)}, "
                f"{money(order.amount)}</p><p>Status: <span class=status id=status>{html.escape(status)}</span></p>"
                f"<p>{html.escape(message)}</p>")
        return page("Your order", body, head)

    # -- admin -----------------------------------------------------------------------------

    def admin_page(self) -> str:
        with self.orders_lock:
            orders = list(self.orders.values())
        rows = []
        for order in reversed(orders):
            a = order.amounts()
            buttons = "".join(
                f"<form method=post action=/admin/{action}><input type=hidden name=order value={html.escape(order.id)}>"
                f"<button>{label}</button></form>"
                for action, label in (("poll", "Reconcile"), ("capture", "Capture"), ("refund", "Refund"), ("cancel", "Cancel")))
            rows.append(
                f"<tr><td><a href=/orders/{html.escape(order.id)}>{html.escape(order.id)}</a></td>"
                f"<td>{order.flow}</td><td>{money(order.amount)}</td><td class=status>{html.escape(order.status)}</td>"
                f"<td>{money(a['captured'])}</td><td>{money(a['refunded'])}</td><td>{buttons}</td></tr>")
        table = ("<table><tr><th>Order</th><th>Flow</th><th>Amount</th><th>Status</th><th>Captured</th>"
                 "<th>Refunded</th><th></th></tr>" + "".join(rows) + "</table>") if rows else "<p>No orders yet.</p>"
        return page("Admin", table)

    def admin_action(self, start_response: Callable[..., Any], action: str, order: Order,
                     amount: Optional[str] = None) -> List[bytes]:
        """Capture or refund `amount` (øre; default everything capturable/refundable), or
        cancel the rest. The idempotency key is numbered per successful operation, so a retry
        after a failure reuses the key and cannot move money twice."""
        value = int(amount) if amount and amount.strip().isdigit() else None
        with order.lock:
            truth = self.client.reconcile(reference=order.id)
            order.polled = truth
            key = f"{action}-{order.id}-{order.operations}"
            if action == "capture" and truth.get("capturable"):
                answer = self.client.capture(reference=order.id, idempotency_key=key,
                                             amount={"value": value or truth["capturable"], "currency": order.currency})
            elif action == "refund" and truth.get("refundable"):
                answer = self.client.refund(reference=order.id, idempotency_key=key,
                                            amount={"value": value or truth["refundable"], "currency": order.currency})
            elif action == "cancel":
                answer = self.client.cancel(reference=order.id, idempotency_key=key)
            else:
                answer = None
            if answer is not None:
                order.operations += 1
                order.polled = dict(answer.get("normalized") or {}, reference=order.id)
                order.log.append(f"admin {action}: {order.polled.get('status')}")
                if action == "capture":
                    self.post_receipt(order, truth.get("authorized") or order.amount)
        return self.redirect(start_response, "/admin")

    def post_receipt(self, order: Order, paid: int) -> None:
        """Puts the order's lines and a link to its page into the customer's payment history
        (Order Management). The money has moved already: a failure here is logged on the
        order, never undoes the capture. A second capture's receipt is answered as already
        there (409), so this runs at every capture."""
        lines = [{"name": order.product, "id": order.sku, "quantity": 1, "unit_price": order.amount, "tax_rate": 2500}]
        if paid > order.amount:  # what Checkout added for the shipping option picked
            lines.append({"name": "Shipping", "id": "shipping", "total_amount": paid - order.amount,
                          "tax_rate": 2500, "is_shipping": True})
        try:
            receipt = vipps.build_receipt(amount={"value": paid, "currency": order.currency}, lines=lines)
            added = self.client.add_receipt(dict(receipt, reference=order.id))
            self.client.set_category(reference=order.id, category="ORDER_CONFIRMATION",
                                     orderDetailsUrl=f"{self.url}/return?order={order.id}")
            order.log.append("receipt " + ("posted" if added["created"] else "already there"))
        except vipps.VippsError as exc:
            order.log.append(f"receipt not posted: {exc}")

    # -- Vipps → shop --------------------------------------------------------------------

    def callback(self, environ: Dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        answer = vipps.web.handle_wsgi(self.client, environ)
        event = answer["event"]
        if event.get("verified"):
            self.apply_event(event)
        else:
            print(f"refused a callback: {event.get('rejection')}", file=sys.stderr, flush=True)
        return vipps.web.wsgi_response(answer["response"], start_response)


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # the return page may poll while Vipps delivers a callback


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        if os.environ.get("SHOP_ACCESS_LOG"):
            super().log_message(format, *args)


def main() -> None:
    vipps_base = os.environ.get("VIPPS_BASE_URL", "http://127.0.0.1:7878")
    port = int(os.environ.get("PORT", "8000"))
    secret = os.environ.get("VIPPS_CALLBACK_SECRET", "python-shop-callback-secret-0123")
    server = make_server("127.0.0.1", port, lambda e, s: [], ThreadingWSGIServer, QuietHandler)
    url = f"http://127.0.0.1:{server.server_port}"
    # How Vipps reaches the shop (callback, webhook and return URLs), e.g. behind a proxy.
    shop = Shop(vipps_base, os.environ.get("PUBLIC_URL") or url, secret)
    try:
        shop.register_webhook()
    except vipps.VippsError as exc:
        print(f"no ePayment webhooks (polling only): {exc}", file=sys.stderr, flush=True)
    server.set_app(shop)
    print(f"Python shop on {url} (Vipps at {vipps_base})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        shop.client.close()


if __name__ == "__main__":
    main()
