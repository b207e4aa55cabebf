"""Checkout (payment details and the return from Vipps), the webhook, and the refund view."""

import logging

import vipps
import vipps.web
from django import http
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from oscar.apps.checkout import views as oscar_checkout_views
from oscar.apps.payment.exceptions import PaymentError, RedirectRequired
from oscar.core.loading import get_class, get_model

from . import conf, payments
from .models import APPROVED_STATUSES, UNPAID_STATUSES, VippsPayment, VippsWebhook

logger = logging.getLogger("oscar_vipps")
Order = get_model("order", "Order")
Source = get_model("payment", "Source")
Applicator = get_class("offer.applicator", "Applicator")



class PaymentDetailsView(oscar_checkout_views.PaymentDetailsView):
    """Oscar's payment details and preview views with Vipps MobilePay as the payment step.

    "Place order" (the preview page) runs `submit`, which calls `handle_payment`: it creates
    the ePayment payment and raises `RedirectRequired` to the landing page. When the customer
    comes back, `ReturnView` calls `submit` again; `handle_payment` then finds the payment
    authorized, records the source and the event, and Oscar places the order."""

    confirming = None  # the authorized VippsPayment, set by ReturnView

    def handle_payment(self, order_number, total, **kwargs):
        order_number = str(order_number)        # Oscar's generator gives an int
        if self.confirming is not None:
            payment = self.confirming
            amounts = payment.amounts
            self.add_payment_source(Source(
                source_type=payments.source_type(), currency=payment.currency, reference=payment.reference,
                label=payment.psp_reference, amount_allocated=payments.to_decimal(amounts["authorized"], payment.currency),
                amount_debited=payments.to_decimal(amounts["captured"], payment.currency)))
            self.add_payment_event(payments.AUTHORISED, payments.to_decimal(amounts["authorized"], payment.currency),
                                   reference=payment.reference)
            return
        payment = self.start_payment(order_number, total)
        raise RedirectRequired(payment.redirect_url)

    def start_payment(self, order_number, total):
        currency = total.currency
        try:
            amount = vipps.to_minor_units(str(total.incl_tax), currency)
        except vipps.InvalidInputError as error:
            raise PaymentError(f"the order total cannot be paid with Vipps MobilePay: {error.message}")
        payment = self.payment_row(order_number, amount, currency)
        if payment.redirect_url:
            return payment            # a second "place order" of the same attempt: same payment
        return_url = self.return_url(payment)
        client = conf.get_client()
        try:
            answer = client.create_payment({
                "reference": payment.reference,
                "amount": {"value": amount, "currency": currency},
                "paymentMethod": {"type": "WALLET"},
                "userFlow": "WEB_REDIRECT",
                "returnUrl": return_url,
                "paymentDescription": conf.payment_description(order_number),
                "idempotency_key": vipps.idempotency_key(reference=payment.reference, operation="create"),
            })
        except vipps.VippsError as error:
            # Unknown outcome: the next "place order" derives the same key and gets the same payment.
            logger.warning("vipps create of %s failed (%s): %s", payment.reference, error.kind, error.message)
            raise PaymentError(error.message) from error
        payment.redirect_url = answer["redirectUrl"]
        payment.save(update_fields=["redirect_url", "updated"])
        return payment

    def payment_row(self, order_number, amount, currency):
        """The payment of this checkout attempt, stored before the create call.

        An earlier attempt on the same order number (Oscar's number comes from the basket) is
        read from the API first: still open with the same amount, it is reused (a second click,
        or a retry after an unknown outcome: the same idempotency key); approved, the customer
        goes to the return view, which places the order; open with another amount, it is
        cancelled; ended unpaid, a new attempt gets its own reference."""
        latest = VippsPayment.objects.filter(order_number=order_number).order_by("-attempt").first()
        if latest is not None:
            same = (latest.amount, latest.currency) == (amount, currency)
            if latest.status == "pending" and latest.redirect_url:
                try:
                    latest, _ = payments.poll(latest)
                except vipps.VippsError as error:
                    raise PaymentError(error.message) from error
            if latest.status == "pending" and same:
                return latest
            if latest.status in APPROVED_STATUSES:
                if not same:
                    raise PaymentError("this order was already paid with another amount: contact the shop")
                raise RedirectRequired(self.return_url(latest))
            if latest.status == "pending":
                try:
                    payments.cancel(latest)
                except payments.VippsPaymentError as error:
                    raise PaymentError(str(error)) from error
        attempt = latest.attempt + 1 if latest is not None else 1
        reference = conf.reference_prefix() + order_number + (f"-{attempt}" if attempt > 1 else "")
        try:
            with transaction.atomic():
                return VippsPayment.objects.create(order_number=order_number, attempt=attempt, reference=reference,
                                                   basket_id=self.request.basket.id, amount=amount, currency=currency)
        except IntegrityError:
            raise PaymentError("this order is already being paid: try again")

    def return_url(self, payment):
        return self.request.build_absolute_uri(reverse("oscar_vipps:return")) + f"?reference={payment.reference}"


class ReturnView(PaymentDetailsView):
    """Where Vipps MobilePay sends the customer back (`returnUrl`): places the order when the
    payment is authorized (read with `reconcile`, never trusted from the URL)."""

    preview = True
    pre_conditions = []
    skip_conditions = []

    def get_pre_conditions(self, request):
        return []

    def get_skip_conditions(self, request):
        return []

    def get(self, request, *args, **kwargs):
        reference = request.GET.get("reference", "")
        payment = VippsPayment.objects.filter(reference=reference).first()
        if payment is None or payment.order_number != str(self.checkout_session.get_order_number()):
            existing = payment and Order.objects.filter(number=payment.order_number).first()
            if existing is not None and request.session.get("checkout_order_id") == existing.id:
                return redirect("checkout:thank-you")
            messages.error(request, "This payment does not belong to your checkout.")
            return redirect("basket:summary")
        if Order.objects.filter(number=payment.order_number).exists():
            return redirect("checkout:thank-you")
        try:
            payment, _ = payments.poll(payment)
        except vipps.VippsError as error:
            logger.warning("vipps reconcile of %s failed (%s): %s", payment.reference, error.kind, error.message)
            return render(request, "oscar_vipps/waiting.html", {"payment": payment}, status=202)
        if payment.status in APPROVED_STATUSES:
            return self.place(payment)
        if payment.status in UNPAID_STATUSES:
            self.restore_frozen_basket()
            messages.error(request, "The payment was not completed. You have not been charged.")
            return redirect("basket:summary")
        return render(request, "oscar_vipps/waiting.html", {"payment": payment}, status=202)

    def place(self, payment):
        basket = self.get_submitted_basket()
        basket.strategy = self.request.strategy
        Applicator().apply(basket, self.request.user, self.request)   # the offers, as Oscar's basket views do
        submission = self.build_submission(basket=basket)
        self.confirming = payment
        return self.submit(**submission)

    def place_order(self, **kwargs):
        # Oscar saves the order, then its Source and events; a webhook folded in between would
        # see the order without them and add its own. So the placement holds the payment's lock
        # (the webhook's fold waits for it), and the deliveries folded since the poll above reach
        # the new order through sync_order before the lock is released.
        with transaction.atomic():
            payment = VippsPayment.objects.select_for_update().get(pk=self.confirming.pk)
            order = super().place_order(**kwargs)
            payments.sync_order(payment, order)
        return order


@method_decorator(csrf_exempt, name="dispatch")
class WebhookView(View):
    """ePayment webhooks: the raw body and the request as received go to `handle_callback`,
    which verifies the signature; a refused delivery changes nothing and gets its 401."""

    def post(self, request):
        stored = VippsWebhook.objects.order_by("-updated").first()
        callback = {
            "method": request.method,
            "url": vipps.web.wsgi_url(request.META),
            "headers": vipps.web.wsgi_headers(request.META),
            "kind": "epayment_webhook",
        }
        if stored is not None:
            callback["webhook_secrets"] = [stored.registration["secret"]]
            callback["host"] = stored.registration.get("host") or _authority(stored.url)
        answer = conf.get_client().handle_callback(callback, request.body)
        event = answer["event"]
        if event["verified"]:
            payment = VippsPayment.objects.filter(reference=event["reference"]).first()
            if payment is None:
                logger.info("vipps webhook for an unknown reference %s: ignored", event["reference"])
            else:
                payments.fold(payment.pk, event)
        else:
            logger.warning("vipps webhook refused: %s", event.get("rejection"))
        response = answer["response"]
        reply = http.HttpResponse(response.get("body") or b"", status=response["status"])
        for name, value in (response.get("headers") or {}).items():
            reply[name] = value
        return reply


def _authority(url):
    from urllib.parse import urlsplit
    return urlsplit(url).netloc


@method_decorator(staff_member_required, name="dispatch")
class RefundView(View):
    """POST `amount` (a decimal in the order's currency): refunds it, then back to the
    dashboard's order page."""

    def post(self, request, number):
        order = get_object_or_404(Order, number=number)
        payment = payments.payment_for_order(order)
        if payment is None:
            raise http.Http404("no Vipps MobilePay payment for this order")
        back = reverse("dashboard:order-detail", kwargs={"number": number})
        try:
            amount = vipps.to_minor_units(request.POST.get("amount", ""), payment.currency)
            payments.refund(payment, amount)
        except vipps.InvalidInputError as error:
            messages.error(request, f"Invalid amount: {error.message}")
            return redirect(back)
        except payments.VippsPaymentError as error:
            messages.error(request, str(error))
            return redirect(back)
        messages.info(request, f"Refunded {request.POST['amount']} {payment.currency} with Vipps MobilePay.")
        return redirect(back)
