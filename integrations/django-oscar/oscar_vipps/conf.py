"""The shop's settings and the one `vipps.Client` of this process.

Settings (all optional; without credentials the client talks to the simulator on
127.0.0.1:7878):

- ``VIPPS_CLIENT``: the configuration of `vipps.Client` (``environment``, ``client_id``,
  ``client_secret``, ``subscription_key``, ``merchant_serial_number``, ``base_url``, ...).
  The ``Vipps-System-*`` names default to django-oscar and this app.
- ``VIPPS_REFERENCE_PREFIX``: put before Oscar's order number to make the Vipps reference
  (default ``"oscar-"``; a reference is 8-64 characters of ``[a-zA-Z0-9-]``, used once).
- ``VIPPS_CAPTURE_STATUSES``: the order statuses that mean "dispatched", where the payment
  is captured (default ``["Shipped"]``).
- ``VIPPS_CANCEL_STATUSES``: the order statuses where what is not captured is cancelled
  (default ``["Cancelled"]``).
- ``VIPPS_PAYMENT_DESCRIPTION``: the text the customer sees in the app (default
  ``"Order {number}"``).
"""

import threading

import oscar
import vipps
from django.conf import settings

from . import __version__

SOURCE_TYPE_NAME = "Vipps MobilePay"
WEBHOOK_EVENTS = [
    f"epayments.payment.{name}.v1"
    for name in ("authorized", "captured", "refunded", "cancelled", "aborted", "expired", "terminated")
]

_lock = threading.Lock()
_client = None


def client_config():
    config = {
        "system_name": "django-oscar",
        "system_version": oscar.get_version()[:30],
        "plugin_name": "oscar-vipps",
        "plugin_version": __version__,
    }
    config.update(getattr(settings, "VIPPS_CLIENT", {}))
    return config


def get_client():
    """One client per process (thread-safe, fork-safe: the binding resets it in a child)."""
    global _client
    with _lock:
        if _client is None:
            _client = vipps.Client(client_config())
        return _client


def reference_prefix():
    return getattr(settings, "VIPPS_REFERENCE_PREFIX", "oscar-")


def capture_statuses():
    return list(getattr(settings, "VIPPS_CAPTURE_STATUSES", ["Shipped"]))


def cancel_statuses():
    return list(getattr(settings, "VIPPS_CANCEL_STATUSES", ["Cancelled"]))


def payment_description(order_number):
    template = getattr(settings, "VIPPS_PAYMENT_DESCRIPTION", "Order {number}")
    return template.format(number=order_number)
