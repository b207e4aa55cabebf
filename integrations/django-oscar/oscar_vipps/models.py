"""What the app stores: one row per Vipps payment, and the webhook registration.

A payment row exists before the order does: it is written before the create call (so its
idempotency key survives a crash) and the webhooks of the authorization may arrive before the
customer is back in the shop, when Oscar places the order.
"""

from django.db import models

# Statuses of the library's record after which nothing more can happen on a payment.
CLOSED_STATUSES = ("refunded", "cancelled", "aborted", "expired", "failed")
# Statuses where the customer never approved: a new checkout attempt needs a new reference.
UNPAID_STATUSES = ("cancelled", "aborted", "expired", "failed")
# Statuses at which the customer has approved (money is reserved or has moved).
APPROVED_STATUSES = ("authorized", "partially_captured", "captured", "partially_refunded", "refunded")


class VippsPayment(models.Model):
    order_number = models.CharField(max_length=128, db_index=True)
    # Deliberate repeats of the create on one Oscar order number (the customer aborted in the
    # app and checks out again): a reference is used once, so each attempt gets its own.
    attempt = models.PositiveIntegerField(default=1)
    reference = models.CharField(max_length=64, unique=True)
    basket_id = models.IntegerField(null=True)
    currency = models.CharField(max_length=3)
    amount = models.BigIntegerField(help_text="minor units")
    redirect_url = models.TextField(blank=True)
    # The library's record (apply_event): the webhooks' and the polls' state, rank rule included.
    record = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=32, default="pending")
    psp_reference = models.CharField(max_length=128, blank=True)
    # Money calls: how many captures / refunds were started, and the one in flight (operation,
    # attempt, amount), stored before the call so a retry after a crash or an unknown outcome
    # sends the same body with the same idempotency key.
    captures_started = models.PositiveIntegerField(default=0)
    refunds_started = models.PositiveIntegerField(default=0)
    pending_operation = models.JSONField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("order_number", "attempt")]

    def __str__(self):
        return f"{self.reference} ({self.status})"

    @property
    def amounts(self):
        """Minor units from the record: authorized, captured, refunded, capturable, ..."""
        record = self.record or {}
        return {key: int(record.get(key) or 0)
                for key in ("authorized", "captured", "refunded", "cancelled", "capturable", "refundable")}


class VippsWebhook(models.Model):
    """The answer of `ensure_webhook` (it holds the secret, shown only once by the API)."""

    url = models.URLField(max_length=500)
    registration = models.JSONField()
    updated = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.url
