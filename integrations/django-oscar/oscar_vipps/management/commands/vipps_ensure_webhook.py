"""Registers the shop's webhook URL with Vipps MobilePay once (`ensure_webhook`) and stores
the registration with its secret. Run it after deploying, and again when the URL or the
credentials change: `manage.py vipps_ensure_webhook https://shop.example/vipps/webhook/`."""

from django.core.management.base import BaseCommand
from django.db import transaction

from ... import conf
from ...models import VippsWebhook


class Command(BaseCommand):
    help = "Register (or keep) the Vipps MobilePay webhook for this shop's URL."

    def add_arguments(self, parser):
        parser.add_argument("url", help="the public URL of oscar_vipps' webhook view")

    def handle(self, *args, url, **options):
        with transaction.atomic():      # one run at a time: the row lock (or SQLite's write lock)
            stored = VippsWebhook.objects.select_for_update().order_by("-updated").first()
            current = stored.registration if stored is not None else None
            answer = conf.get_client().ensure_webhook(url=url, events=conf.WEBHOOK_EVENTS, current=current)
            if answer.get("changed") or stored is None:
                registration = {key: answer[key] for key in ("id", "secret", "url", "events")}
                VippsWebhook.objects.all().delete()
                VippsWebhook.objects.create(url=url, registration=registration)
            for error in answer.get("remove_errors") or []:
                self.stderr.write(f"could not delete an old registration (retried next run): {error}")
        self.stdout.write(f"webhook {answer['id']} for {url}: {'registered' if answer.get('changed') else 'unchanged'}")
