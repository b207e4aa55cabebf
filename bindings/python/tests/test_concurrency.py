"""One client shared by threads; AsyncClient keeps the event loop free; no owned-string leak."""

from __future__ import annotations

import asyncio
import gc
import json
import threading
import time

import pytest

import vipps
from conftest import base_config, new_reference, payment_request

def test_eight_threads_share_one_client_and_one_token_fetch(fresh_sim) -> None:
    references = [new_reference(f"t{i}") for i in range(8)]
    barrier = threading.Barrier(8)
    errors = []
    with vipps.Client(base_config(fresh_sim.url)) as client:

        def work(reference: str) -> None:
            try:
                barrier.wait()
                client.create_payment(payment_request(reference))
                assert client.get_payment(reference=reference)["normalized"]["status"] == "pending"
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(r,)) for r in references]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert not errors, errors
    stats = fresh_sim.get("/_sim/stats")
    print(f"\n8 threads: token_fetches={stats['token_fetches']} requests={stats['requests']}")
    assert stats["token_fetches"] == 1
    ledger = {p["reference"] for p in fresh_sim.get("/_sim/ledger")["payments"]}
    assert set(references) <= ledger


def test_close_waits_for_running_calls(sim) -> None:
    client = vipps.Client(base_config(sim.url))
    reference = new_reference("closing")
    client.create_payment(payment_request(reference))
    result = {}
    path = f"/epayment/v1/payments/{reference}"

    def reads() -> int:
        return sum(1 for r in sim.get(f"/_sim/requests?path_prefix={path}") if r["method"] == "GET")

    def wait() -> None:
        result["started"] = time.monotonic()
        result["answer"] = client.wait_for_final_status(reference=reference, timeout_ms=600, initial_delay_ms=0, interval_ms=100)

    thread = threading.Thread(target=wait)
    thread.start()
    deadline = time.monotonic() + 5
    while reads() == 0:  # the call is running: it has read the payment once
        assert time.monotonic() < deadline, "the call never reached the simulator"
        time.sleep(0.005)
    client.close()  # must not free the handle under the running call
    closed = time.monotonic()
    thread.join(5)
    assert result["answer"]["timed_out"] is True
    # The payment never becomes final, so the call runs until its 600 ms timeout; close() returned
    # after it (the margin allows a call that stops polling just before its deadline).
    assert closed - result["started"] >= 0.5
    polls = reads()
    assert polls >= 3, "the call kept polling while close() waited"
    with pytest.raises(vipps.ClientClosedError):
        client.get_payment(reference=reference)
    assert reads() == polls, "nothing is sent by a closed client"
    client.close()  # idempotent


def test_async_calls_overlap_and_the_loop_keeps_ticking(sim) -> None:
    references = [new_reference(f"a{i}") for i in range(20)]

    async def scenario() -> tuple:
        async with vipps.AsyncClient(base_config(sim.url)) as client:
            for reference in references:
                await client.create_payment(payment_request(reference))
            for reference in references:
                sim.fault(method="GET", path=f"/epayment/v1/payments/{reference}", count=1, action="delay", delay_ms=200)

            ticks = []
            stop = asyncio.Event()

            async def ticker() -> None:
                while not stop.is_set():
                    ticks.append(time.monotonic())
                    await asyncio.sleep(0.02)

            tick_task = asyncio.create_task(ticker())
            started = time.monotonic()
            answers = await asyncio.gather(*(client.get_payment(reference=r) for r in references))
            elapsed = time.monotonic() - started
            stop.set()
            await tick_task
            return answers, elapsed, ticks, started

    answers, elapsed, ticks, started = asyncio.run(scenario())
    assert [a["reference"] for a in answers] == references
    delayed = [r for r in sim.get("/_sim/requests?path_prefix=/epayment/v1/payments/a") if r["method"] == "GET"]
    assert len(delayed) >= 20
    during = [t for t in ticks if started <= t <= started + elapsed]
    gaps = [b - a for a, b in zip(during, during[1:])]
    print(f"\n20 async calls with 200 ms delays: {elapsed:.3f} s (serial would be >= 4 s), "
          f"{len(during)} ticks, largest gap {max(gaps) * 1000:.0f} ms")
    assert elapsed < 1.5, "the calls did not overlap"
    assert elapsed >= 0.2, "the delays were not applied"
    # Blocking calls would give no tick at all for 20 x 200 ms; the bounds are loose because a
    # loaded CI machine delays timers too.
    assert len(during) >= 5, "the event loop was blocked"
    assert max(gaps) < 0.4, "the event loop stalled"


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


@pytest.mark.skipif(not __import__("os").path.exists("/proc/self/status"), reason="needs /proc")
def test_no_owned_string_leak_over_ten_thousand_calls(client) -> None:
    reference = "leak-" + "r" * 40
    event = {
        "kind": "epayment_webhook", "api": "epayment", "reference": reference, "verified": True,
        "id": f"epayment:{reference}:AUTHORIZED:1", "name": "AUTHORIZED", "status": "authorized",
        "final": True, "rank": 10, "progress": None, "timestamp": "2024-05-02T10:00:00Z",
        "success": True, "currency": "NOK", "amount": 1000,
        "amounts": {"basis": "operation", "authorized": 1000, "captured": 0, "refunded": 0, "cancelled": 0},
    }
    sizes = []

    def batch(n: int) -> None:
        for i in range(n):
            assert vipps.make_order_id(prefix="leak", order_number=i) == f"leak-{i}"
            answer = client.apply_event(record=None, event=event)
            assert answer["applied"] is True
        sizes.append(len(json.dumps(answer)))

    batch(2000)  # warm-up: allocator pools, caches
    gc.collect()
    before = _rss_kib()
    batch(10000)
    gc.collect()
    growth = _rss_kib() - before
    print(f"\nRSS growth over 10,000 make_order_id + 10,000 apply_event calls: {growth} KiB")
    # Sensitivity: had the 10,000 apply_event answers alone not been freed, RSS would have
    # grown by more than 5 MiB.
    assert sizes[-1] * 10000 > 5 * 1024 * 1024
    assert growth < 1024
