"""End to end through Oscar's own checkout and dashboard, the simulator (from its wheel) and
the binding (from its wheel): buy, approve on the landing page, webhooks into the live server,
capture on dispatch, partial refund; a forged webhook; lost webhooks recovered by reconcile."""

import json
import os
import re
import subprocess
import sys
import threading
import uuid
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

import oscar_vipps
import vipps
import vipps_sim
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import Client, LiveServerTestCase
from django.urls import reverse
from oscar.core.loading import get_model

from oscar.apps.order.signals import order_placed

from oscar_vipps import conf, payments
from oscar_vipps.models import VippsPayment

from .fixtures import PRICE, make_shop

Order = get_model("order", "Order")
Source = get_model("payment", "Source")
PaymentEvent = get_model("order", "PaymentEvent")

sim = None


def setUpModule():
    global sim
    # The installed packages, not the repository's build tree: the point of this test.
    venv = Path(sys.prefix)
    for module in (vipps, vipps_sim, oscar_vipps):
        assert Path(module.__file__).resolve().is_relative_to(venv), module.__file__
    vipps.version()                          # loads the library
    assert vipps.library_path().resolve().is_relative_to(venv), vipps.library_path()
    sim = vipps_sim.Simulator()
    settings.VIPPS_CLIENT = {"base_url": sim.url}
    conf._client = None


def tearDownModule():
    sim.stop()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sim_call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(sim.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read()
    return json.loads(text) if text else None


def ledger(reference):
    return next(p for p in sim_call("GET", "/_sim/ledger")["payments"] if p["reference"] == reference)


def wait_for(condition, what, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def webhooks(reference, name):
    """The simulator's delivery attempts of one webhook event for one payment."""
    return [c for c in sim_call("GET", "/_sim/callbacks") if c["kind"] == "webhook"
            and json.loads(c["body"] or "{}").get("reference") == reference
            and json.loads(c["body"] or "{}").get("name") == name]


def delivered(reference, name):
    return any(c["status"] == 200 for c in webhooks(reference, name))


def event_total(order, name):
    return sum((e.amount for e in PaymentEvent.objects.filter(order=order, event_type__name=name)), Decimal(0))


class ShopMixin:
    host = "127.0.0.1"

    def setUp(self):
        sim_call("POST", "/_sim/reset")
        # Each test its own references: a webhook of the previous test still on its way then
        # names a payment this shop does not know (the database's ids start again).
        prefix = self.settings(VIPPS_REFERENCE_PREFIX=f"t{uuid.uuid4().hex[:8]}-")
        prefix.enable()
        self.addCleanup(prefix.disable)
        self.product, self.customer, self.staff = make_shop()
        call_command("vipps_ensure_webhook", self.live_server_url + reverse("oscar_vipps:webhook"),
                     stdout=open(os.devnull, "w"))
        self.admin = Client()
        self.admin.force_login(self.staff)

    def buy(self):
        """Oscar's storefront checkout up to the landing page: basket, shipping address,
        shipping method, preview, place order. Returns the payment and the landing URL."""
        shopper = Client()
        shopper.force_login(self.customer)
        response = shopper.post(reverse("basket:add", kwargs={"pk": self.product.pk}), {"quantity": 2})
        self.assertEqual(response.status_code, 302)
        response = shopper.get(reverse("checkout:index"), follow=True)
        self.assertEqual(response.request["PATH_INFO"], reverse("checkout:shipping-address"))
        response = shopper.post(reverse("checkout:shipping-address"), {
            "first_name": "Kari", "last_name": "Nordmann", "line1": "Storgata 1", "line4": "Oslo",
            "postcode": "0155", "country": "NO", "phone_number": "+4791234567"}, follow=True)
        self.assertEqual(response.request["PATH_INFO"], reverse("checkout:payment-details"))
        self.assertEqual(shopper.get(reverse("checkout:preview")).status_code, 200)
        response = shopper.post(reverse("checkout:preview"), {"action": "place_order"})
        self.assertEqual(response.status_code, 302, response.content[:2000])
        landing = response["Location"]
        self.assertTrue(landing.startswith(sim.url + "/sim/landing/"), landing)
        payment = VippsPayment.objects.get()
        self.assertEqual(payment.amount, 2 * 24950)
        self.assertEqual(ledger(payment.reference)["state"], "CREATED")
        return shopper, payment, landing

    def approve(self, shopper, landing, button="approve"):
        """The customer approves (or rejects) on the simulator's landing page and is sent back
        to the shop."""
        with urllib.request.urlopen(landing, timeout=10) as page:
            html = page.read().decode()
        self.assertIn("499,00", html.replace("\u00a0", " ").replace(".", ","))
        action = re.search(r'<form method="post" action="([^"]*%s)"' % button, html).group(1)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(urllib.request.Request(sim.url + action, data=b"", method="POST"), timeout=10)
            self.fail("the landing page did not redirect back to the shop")
        except urllib.error.HTTPError as back:
            self.assertEqual(back.code, 303)
            return_url = back.headers["Location"]
        self.assertIn(reverse("oscar_vipps:return"), return_url)
        return shopper.get(return_url.split("testserver", 1)[-1])

    def check_authorized_then_dispatch_and_refund(self, order, payment, quantity=2):
        total, minor = quantity * PRICE, quantity * 24950
        self.assertEqual(order.total_incl_tax, total)
        self.assertEqual(order.status, "Pending")
        wait_for(lambda: delivered(payment.reference, "AUTHORIZED"), "the AUTHORIZED webhook")
        payment.refresh_from_db()
        self.assertEqual((payment.status, payment.amounts["authorized"]), ("authorized", minor))
        source = Source.objects.get(order=order)
        self.assertEqual((source.source_type.name, source.reference), ("Vipps MobilePay", payment.reference))
        self.assertEqual((source.amount_allocated, source.amount_debited), (total, 0))
        self.assertEqual(event_total(order, "Authorised"), total)
        self.assertEqual(ledger(payment.reference)["state"], "AUTHORIZED")

        # Dispatch in Oscar's dashboard: the status change captures first.
        response = self.admin.post(reverse("dashboard:order-detail", kwargs={"number": order.number}),
                                   {"order_action": "change_order_status", "new_status": "Shipped"})
        self.assertEqual(response.status_code, 302)
        order.refresh_from_db()
        self.assertEqual(order.status, "Shipped")
        self.assertEqual(ledger(payment.reference)["captured"], minor)
        wait_for(lambda: delivered(payment.reference, "CAPTURED"), "the CAPTURED webhook")
        source.refresh_from_db()
        self.assertEqual(source.amount_debited, total)
        self.assertEqual(event_total(order, "Captured"), total)   # poll and webhook: counted once

        # Partial refund from the dashboard's side.
        response = self.admin.post(reverse("oscar_vipps:refund", kwargs={"number": order.number}),
                                   {"amount": "100.50"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ledger(payment.reference)["refunded"], 10050)
        wait_for(lambda: delivered(payment.reference, "REFUNDED"), "the REFUNDED webhook")
        source.refresh_from_db()
        self.assertEqual(source.amount_refunded, Decimal("100.50"))
        self.assertEqual(event_total(order, "Refunded"), Decimal("100.50"))
        payment.refresh_from_db()
        self.assertEqual(payment.status, "partially_refunded")
        # A refund above what is left is refused by the API and changes nothing.
        self.admin.post(reverse("oscar_vipps:refund", kwargs={"number": order.number}), {"amount": "500.00"})
        self.assertEqual(ledger(payment.reference)["refunded"], 10050)
        self.assertEqual(event_total(order, "Refunded"), Decimal("100.50"))


class VippsCheckoutTest(ShopMixin, LiveServerTestCase):
    def test_buy_capture_on_dispatch_partial_refund(self):
        shopper, payment, landing = self.buy()
        response = self.approve(shopper, landing)
        self.assertRedirects(response, reverse("checkout:thank-you"), fetch_redirect_response=False)
        order = Order.objects.get(number=payment.order_number)
        self.check_authorized_then_dispatch_and_refund(order, payment)

    def test_forged_webhook_is_refused_and_changes_nothing(self):
        shopper, payment, landing = self.buy()
        self.approve(shopper, landing)
        wait_for(lambda: delivered(payment.reference, "AUTHORIZED"), "the AUTHORIZED webhook")
        order = Order.objects.get(number=payment.order_number)
        real = next(c for c in webhooks(payment.reference, "AUTHORIZED") if c["status"] == 200)
        body = json.loads(real["body"])
        before = (VippsPayment.objects.get().record, list(PaymentEvent.objects.values_list("amount", flat=True)))
        url = self.live_server_url + reverse("oscar_vipps:webhook")
        forged_capture = dict(body, name="CAPTURED", pspReference="forged-1")
        for forged_body, headers in (
            (json.dumps(forged_capture).encode(), real["headers"]),      # signed headers, other body
            (real["body"].encode(), {"Content-Type": "application/json"}),  # no signature at all
        ):
            sent = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length")}
            request = urllib.request.Request(url, data=forged_body, method="POST", headers=sent)
            with self.assertRaises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=10)
            self.assertEqual(refused.exception.code, 401)
        after = (VippsPayment.objects.get().record, list(PaymentEvent.objects.values_list("amount", flat=True)))
        self.assertEqual(before, after)
        self.assertEqual(Source.objects.get(order=order).amount_debited, 0)
        # A real delivery for a payment this shop does not know is acknowledged (2xx), not retried.
        client = conf.get_client()
        stranger = "other-shop-" + payment.reference
        client.create_payment(reference=stranger, amount={"value": 1000, "currency": "NOK"},
                              paymentMethod={"type": "WALLET"}, userFlow="WEB_REDIRECT",
                              returnUrl="https://other.example/")
        client.force_approve(reference=stranger)
        wait_for(lambda: webhooks(stranger, "AUTHORIZED"), "the stranger's webhook")
        self.assertEqual([c["status"] for c in webhooks(stranger, "AUTHORIZED")], [200])
        self.assertFalse(VippsPayment.objects.filter(reference=stranger).exists())

    def test_lost_webhooks_are_recovered_by_reconcile(self):
        sim_call("POST", "/_sim/callback-faults", {"target": "webhook", "action": "drop", "count": 1000})
        shopper, payment, landing = self.buy()
        # Back in the shop before deciding: a page that waits (and reloads itself).
        response = shopper.get(reverse("oscar_vipps:return") + f"?reference={payment.reference}")
        self.assertEqual(response.status_code, 202)
        self.assertContains(response, 'id="vipps-waiting"', status_code=202)
        # The customer approves but never comes back to the shop, and the webhook is lost.
        with urllib.request.urlopen(landing, timeout=10) as page:
            action = re.search(r'action="([^"]*approve)"', page.read().decode()).group(1)
        try:
            urllib.request.build_opener(NoRedirect).open(
                urllib.request.Request(sim.url + action, data=b"", method="POST"), timeout=10)
        except urllib.error.HTTPError as back:
            self.assertEqual(back.code, 303)
        wait_for(lambda: webhooks(payment.reference, "AUTHORIZED"), "the dropped AUTHORIZED webhook")
        self.assertEqual([c["attempt"] for c in webhooks(payment.reference, "AUTHORIZED")], [0])
        payment.refresh_from_db()
        self.assertEqual(payment.status, "pending")
        out = _run("vipps_reconcile")
        self.assertIn(f"{payment.reference}: pending -> authorized", out)
        payment.refresh_from_db()
        self.assertEqual((payment.status, payment.amounts["authorized"]), ("authorized", 49900))

        # The customer comes back later: the order is placed; then a refund made outside the shop
        # (the merchant portal) whose webhook is lost too reaches the order through reconcile.
        response = shopper.get(reverse("oscar_vipps:return") + f"?reference={payment.reference}")
        self.assertRedirects(response, reverse("checkout:thank-you"), fetch_redirect_response=False)
        order = Order.objects.get(number=payment.order_number)
        self.admin.post(reverse("dashboard:order-detail", kwargs={"number": order.number}),
                        {"order_action": "change_order_status", "new_status": "Shipped"})
        conf.get_client().refund(reference=payment.reference, amount={"value": 4900, "currency": "NOK"},
                                 idempotency_key="portal-refund-1")
        wait_for(lambda: webhooks(payment.reference, "REFUNDED"), "the dropped REFUNDED webhook")
        self.assertEqual(Source.objects.get(order=order).amount_refunded, 0)
        out = _run("vipps_reconcile")
        self.assertIn(f"{payment.reference}: captured -> partially_refunded", out)
        self.assertEqual(Source.objects.get(order=order).amount_refunded, Decimal("49.00"))
        self.assertEqual(event_total(order, "Refunded"), Decimal("49.00"))
        self.assertEqual(event_total(order, "Captured"), 2 * PRICE)

    def test_rejected_then_paid_on_a_second_attempt_then_order_cancelled(self):
        shopper, first, landing = self.buy()
        response = self.approve(shopper, landing, button="reject")
        self.assertRedirects(response, reverse("basket:summary"), fetch_redirect_response=False)
        first.refresh_from_db()
        self.assertEqual(first.status, "aborted")
        self.assertFalse(Order.objects.exists())
        # The basket is back; "Place order" again makes a new payment with its own reference.
        response = shopper.post(reverse("checkout:preview"), {"action": "place_order"})
        self.assertEqual(response.status_code, 302, response.content[:1000])
        second = VippsPayment.objects.get(attempt=2)
        self.assertEqual(second.reference, first.reference + "-2")
        self.assertEqual(response["Location"], second.redirect_url)
        response = self.approve(shopper, response["Location"])
        self.assertRedirects(response, reverse("checkout:thank-you"), fetch_redirect_response=False)
        order = Order.objects.get(number=second.order_number)
        self.assertEqual(Source.objects.get(order=order).reference, second.reference)
        # Cancelling the order in the dashboard releases the reservation.
        self.admin.post(reverse("dashboard:order-detail", kwargs={"number": order.number}),
                        {"order_action": "change_order_status", "new_status": "Cancelled"})
        order.refresh_from_db()
        self.assertEqual(order.status, "Cancelled")
        self.assertEqual((ledger(second.reference)["cancelled"], ledger(second.reference)["captured"]), (49900, 0))
        second.refresh_from_db()
        self.assertEqual(second.status, "cancelled")
        self.assertEqual(ledger(first.reference)["state"], "ABORTED")

    def test_webhook_during_order_placement_is_counted_once(self):
        # Oscar commits the order before saving its Source and events; a webhook folded in that
        # window must not give the order a second Source (it did, before the placement held the
        # payment's lock). The racing fold starts when Oscar announces the order (order_placed,
        # sent after the order is committed) and gets a second to run before placement goes on.
        shopper, payment, landing = self.buy()
        racers = []

        def race(sender, order, **kwargs):
            def fold():
                try:
                    payments.poll(VippsPayment.objects.get(pk=payment.pk))
                finally:
                    connection.close()
            racer = threading.Thread(target=fold)
            racer.start()
            racer.join(timeout=1.0)
            racers.append(racer)

        order_placed.connect(race)
        try:
            response = self.approve(shopper, landing)
        finally:
            order_placed.disconnect(race)
        self.assertRedirects(response, reverse("checkout:thank-you"), fetch_redirect_response=False)
        racers[0].join(timeout=20)
        self.assertFalse(racers[0].is_alive())
        order = Order.objects.get(number=payment.order_number)
        self.assertEqual([s.amount_allocated for s in Source.objects.filter(order=order)], [2 * PRICE])
        self.assertEqual(event_total(order, "Authorised"), 2 * PRICE)


class BrowserCheckoutTest(ShopMixin, StaticLiveServerTestCase):
    """The same purchase in Debian's Chromium, clicking through Oscar's storefront pages and the
    simulator's landing page (tests/browser/buy.js); screenshots in target/e2e-screenshots."""

    def test_buy_in_chromium(self):
        shopper = Client()
        shopper.force_login(self.customer)
        env = dict(os.environ, SHOP_URL=self.live_server_url, SIM_URL=sim.url,
                   SESSION_COOKIE=shopper.cookies["sessionid"].value,
                   PRODUCT_URL=self.product.get_absolute_url())
        script = Path(__file__).resolve().parent.parent / "browser" / "buy.js"
        run = subprocess.run(["node", str(script)], env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stderr[-3000:])
        number = json.loads(run.stdout.strip().splitlines()[-1])["order"]
        order = Order.objects.get(number=number)
        payment = VippsPayment.objects.get(order_number=number)
        self.assertEqual(order.total_incl_tax, PRICE)
        self.check_authorized_then_dispatch_and_refund(order, payment, quantity=1)


def _run(command, *args):
    from io import StringIO
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()
