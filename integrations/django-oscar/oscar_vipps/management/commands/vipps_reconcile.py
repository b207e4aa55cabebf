"""Polls every payment that may still change and folds the answer in (webhooks can be late
or lost). Run it from cron every few minutes: `manage.py vipps_reconcile`."""

from datetime import timedelta

import vipps
from django.core.management.base import BaseCommand
from django.utils import timezone

from ... import payments
from ...models import CLOSED_STATUSES, VippsPayment


class Command(BaseCommand):
    help = "Reconcile Vipps MobilePay payments that are not closed yet with the API."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="only payments created in the last N days (30)")
        parser.add_argument("--reference", action="append", help="only this reference (repeatable)")

    def handle(self, *args, days, reference, **options):
        pending = VippsPayment.objects.exclude(status__in=CLOSED_STATUSES).filter(
            created__gte=timezone.now() - timedelta(days=days))
        if reference:
            pending = VippsPayment.objects.filter(reference__in=reference)
        failures = 0
        for payment in pending.order_by("created"):
            before = payment.status
            try:
                payment, _ = payments.poll(payment)
            except vipps.VippsError as error:
                failures += 1
                self.stderr.write(f"{payment.reference}: {error.kind}: {error.message}")
                continue
            self.stdout.write(f"{payment.reference}: {before} -> {payment.status}")
        if failures:
            self.stderr.write(f"{failures} payment(s) could not be read; they are tried again next run")
