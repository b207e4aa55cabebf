"""Vipps MobilePay ePayment for django-oscar, on the `vipps` binding (unofficial-vipps)."""

__version__ = "0.1.0"
