"""ensure_webhook through the binding: register once, store, pass back, unchanged."""

from __future__ import annotations

EVENTS = ["epayments.payment.authorized.v1", "epayments.payment.captured.v1"]


def test_register_once_then_unchanged_then_replaced(client) -> None:
    url = "https://shop.example/py-ensure"
    first = client.ensure_webhook(url=url, events=EVENTS)
    assert first["changed"] is True and len(first["secret"]) >= 32
    stored = {k: first[k] for k in ("id", "secret", "url", "events")}
    again = client.ensure_webhook(url=url, events=EVENTS, current=stored)
    assert again["changed"] is False and again["id"] == first["id"] and again["secret"] == first["secret"]
    moved = client.ensure_webhook(url=url + "-2", events=EVENTS, current=stored)
    assert moved["changed"] is True and moved["removed"] == [first["id"]]
    urls = [h["url"] for h in client.list_webhooks()["webhooks"]]
    assert url not in urls and url + "-2" in urls
