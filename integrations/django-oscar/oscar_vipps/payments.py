"""Payment operations on one `VippsPayment`, and keeping Oscar's order in step with it.

Every state change goes through the library's record (`apply_event`): webhooks, polls
(`reconcile`) and the answers of our own money calls (followed by a poll) fold into it, so
duplicates and late deliveries change nothing. Oscar's `Source` and `PaymentEvent`s are then
brought up to the record's amounts (differences only), so they never count a delivery twice.
"""

import logging
from decimal import Decimal

import vipps
from django.db import transaction
from oscar.apps.payment.exceptions import PaymentError
from oscar.core.loading import get_model

from . import conf
from .models import UNPAID_STATUSES, VippsPayment

logger = logging.getLogger("oscar_vipps")

Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")

# Oscar payment event type names, one per kind of money movement.
AUTHORISED, CAPTURED, REFUNDED = "Authorised", "Captured", "Refunded"


class VippsPaymentError(PaymentError):
    """A money call failed. `retry_same_key` is true when its outcome is unknown: retrying
    the same operation sends the same body with the same idempotency key."""

    def __init__(self, message, retry_same_key=False):
        super().__init__(message)
        self.retry_same_key = retry_same_key


def to_decimal(minor, currency):
    return Decimal(vipps.from_minor_units(int(minor), currency))


def source_type():
    return SourceType.objects.get_or_create(name=conf.SOURCE_TYPE_NAME)[0]


def fold(payment_id, event):
    """Applies one verified event (a webhook's, or a poll's) to the payment's record and to
    its Oscar order when there is one. Returns the payment and whether anything changed."""
    with transaction.atomic():
        payment = VippsPayment.objects.select_for_update().filter(pk=payment_id).first()
        if payment is None:                     # deleted since it was looked up: nothing to keep
            return None, False
        result = conf.get_client().apply_event(record=payment.record, event=event)
        if result["applied"]:
            record = result["record"]
            payment.record = record
            payment.status = record.get("status") or payment.status
            payment.psp_reference = record.get("psp_reference") or payment.psp_reference
            payment.save()
        order = Order.objects.filter(number=payment.order_number).first()
        if order is not None:
            sync_order(payment, order)
    return payment, result["applied"]


def poll(payment):
    """Reads the truth from the API (callbacks are not guaranteed) and folds it in."""
    truth = conf.get_client().reconcile(reference=payment.reference)
    folded, _ = fold(payment.pk, truth["event"])
    return folded or payment, truth


def sync_order(payment, order):
    """Brings the order's Source and PaymentEvents up to the record's amounts."""
    amounts = payment.amounts
    currency = payment.currency
    source, _ = Source.objects.get_or_create(
        order=order, source_type=source_type(), reference=payment.reference,
        defaults={"currency": currency, "label": payment.psp_reference})
    for kind, method, field in ((AUTHORISED, source.allocate, "amount_allocated"),
                                (CAPTURED, source.debit, "amount_debited"),
                                (REFUNDED, source.refund, "amount_refunded")):
        target = to_decimal(amounts[{"amount_allocated": "authorized", "amount_debited": "captured",
                                     "amount_refunded": "refunded"}[field]], currency)
        missing = target - getattr(source, field)
        if missing > 0:
            method(missing, reference=payment.psp_reference or payment.reference, status="vipps")
        event_type = PaymentEventType.objects.get_or_create(name=kind)[0]
        recorded = sum((e.amount for e in order.payment_events.filter(event_type=event_type)), Decimal(0))
        if target - recorded > 0:
            PaymentEvent.objects.create(order=order, event_type=event_type, amount=target - recorded,
                                        reference=payment.reference)


def payment_for_order(order):
    """The payment that paid this order: the last attempt that got an authorization."""
    return (VippsPayment.objects.filter(order_number=order.number)
            .exclude(status__in=("pending",) + UNPAID_STATUSES)
            .order_by("-attempt").first()
            or VippsPayment.objects.filter(order_number=order.number).order_by("-attempt").first())


def _money_call(payment, operation, amount):
    """Capture or refund `amount` minor units, with the key stored before the call."""
    counter = {"capture": "captures_started", "refund": "refunds_started"}[operation]
    with transaction.atomic():
        payment = VippsPayment.objects.select_for_update().get(pk=payment.pk)
        pending = payment.pending_operation
        if pending and pending["operation"] == operation and pending["amount"] == amount:
            attempt = pending["attempt"]                       # retry of an unknown outcome
        elif pending:
            raise VippsPaymentError(
                f"a {pending['operation']} of {pending['amount']} is still unresolved: retry it first",
                retry_same_key=True)
        else:
            attempt = getattr(payment, counter) + 1
            setattr(payment, counter, attempt)
            payment.pending_operation = {"operation": operation, "attempt": attempt, "amount": amount}
            payment.save()
    key = vipps.idempotency_key(reference=payment.reference, operation=operation, attempt=attempt)
    call = getattr(conf.get_client(), operation)
    try:
        call(reference=payment.reference, amount={"value": amount, "currency": payment.currency},
             idempotency_key=key)
    except vipps.VippsError as error:
        unknown = isinstance(error, vipps.UnknownOutcomeError) or error.retryable
        if not unknown:                                        # refused: nothing happened
            VippsPayment.objects.filter(pk=payment.pk).update(pending_operation=None)
        logger.warning("vipps %s of %s failed (%s): %s", operation, payment.reference, error.kind,
                       error.message)
        raise VippsPaymentError(f"Vipps MobilePay {operation} failed: {error.message}",
                                retry_same_key=unknown) from error
    VippsPayment.objects.filter(pk=payment.pk).update(pending_operation=None)
    payment.refresh_from_db()
    payment, _ = poll(payment)
    return payment


def capture(payment):
    """Captures what is still capturable (read from the API; an unresolved earlier capture
    is retried with its own amount and key instead)."""
    pending = payment.pending_operation
    if pending and pending["operation"] == "capture":
        return _money_call(payment, "capture", pending["amount"])
    payment, truth = poll(payment)
    capturable = int(truth.get("capturable") or 0)
    if capturable <= 0:
        return payment
    return _money_call(payment, "capture", capturable)


def refund(payment, amount):
    """Refunds `amount` minor units of the captured money."""
    if not isinstance(amount, int) or amount <= 0:
        raise VippsPaymentError("the refund amount must be a positive number of minor units")
    return _money_call(payment, "refund", amount)


def cancel(payment):
    """Cancels what is not captured yet: the whole payment before approval, the reservation's
    rest after it (a second cancel changes nothing). One operation per payment, one key."""
    key = vipps.idempotency_key(reference=payment.reference, operation="cancel")
    try:
        conf.get_client().cancel(reference=payment.reference, idempotency_key=key)
    except vipps.VippsError as error:
        unknown = isinstance(error, vipps.UnknownOutcomeError) or error.retryable
        logger.warning("vipps cancel of %s failed (%s): %s", payment.reference, error.kind, error.message)
        raise VippsPaymentError(f"Vipps MobilePay cancel failed: {error.message}", retry_same_key=unknown) from error
    payment, _ = poll(payment)
    return payment
