"""Capture on dispatch and cancel on cancellation: Oscar's order event handler, extended.

An order moving to one of ``VIPPS_CAPTURE_STATUSES`` (default "Shipped") captures what is
still capturable BEFORE the status changes; a failed capture raises `PaymentError`, which
Oscar's dashboard shows ("Unable to change order status due to payment error") and the status
stays as it was. Retrying the change after an unknown outcome retries the same capture with
the same idempotency key. A move to one of ``VIPPS_CANCEL_STATUSES`` (default "Cancelled")
cancels what is not captured (the reservation is released) the same way.
"""

from oscar.apps.order import processing

from . import conf, payments
from .models import CLOSED_STATUSES


class EventHandler(processing.EventHandler):
    def handle_order_status_change(self, order, new_status, note_msg=None):
        if new_status in conf.capture_statuses() and new_status != order.status:
            payment = payments.payment_for_order(order)
            if payment is not None:
                payment = payments.capture(payment)
                captured = payments.to_decimal(payment.amounts["captured"], payment.currency)
                self.create_note(order, f"Vipps MobilePay: captured {captured} {payment.currency} in all "
                                        f"({payment.reference}).")
        if new_status in conf.cancel_statuses() and new_status != order.status:
            payment = payments.payment_for_order(order)
            if payment is not None and payment.status not in CLOSED_STATUSES:
                payment = payments.cancel(payment)
                self.create_note(order, f"Vipps MobilePay: cancelled, status {payment.status} ({payment.reference}).")
        super().handle_order_status_change(order, new_status, note_msg=note_msg)
