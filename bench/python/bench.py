"""Python part of the benchmark suite (bench/run.py drives it; one JSON object on stdout).

    python bench.py throughput DIR WINDOW_S REPS   the binding vs requests.Session, get_payment and
                                                   capture at concurrency 1 and 16 (threads), alternating
    python bench.py nocall DIR ROUNDS PER          make_order_id, handle_callback, apply_event per call
    python bench.py tokens DIR OPS                 OPS network calls from 8 threads, one process
    python bench.py rss DIR WARMUP CALLS           RSS growth over CALLS mixed calls

The plain contender is what a Python shop would write by hand: one requests.Session per thread
(keep-alive), the access token fetched once, the same headers the library sends, .json() on the
answer, a fresh Idempotency-Key per capture.
"""
import json
import os
import statistics
import sys
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python", "src"))

import requests  # noqa: E402
import vipps  # noqa: E402

MODE, DIR = sys.argv[1], sys.argv[2]
ARGS = sys.argv[3:]


def read(name, mode="r"):
    with open(os.path.join(DIR, name), mode) as f:
        return f.read()


BASE = read("base_url").strip()
CONFIG = json.loads(read("config.json"))
REFERENCE = read("reference").strip()
ONE = {"value": 1, "currency": "NOK"}


def refs(name):
    return [l for l in read("capture_refs_" + name).splitlines() if l]


class Cycle:
    """Hands out capture references round-robin, thread-safely."""

    def __init__(self, items):
        self.items, self.i, self.lock = items, 0, threading.Lock()

    def next(self):
        with self.lock:
            self.i += 1
            return self.items[self.i % len(self.items)]


def plain_headers():
    token = requests.post(BASE + "/accesstoken/get", headers={
        "client_id": "sim-client-id", "client_secret": "sim-client-secret",
        "Ocp-Apim-Subscription-Key": "sim-subscription-key"}).json()["access_token"]
    return {
        "Authorization": "Bearer " + token, "Ocp-Apim-Subscription-Key": "sim-subscription-key",
        "Merchant-Serial-Number": "123456", "Accept": "application/json",
        "Vipps-System-Name": "bench", "Vipps-System-Version": "1.0",
        "Vipps-System-Plugin-Name": "vipps-bench", "Vipps-System-Plugin-Version": "1.0",
    }


def window(fn, conc, seconds):
    """Runs fn from conc threads until seconds pass; operations per second."""
    counts = [0] * conc
    errors = []
    end = time.perf_counter() + seconds

    def loop(i):
        try:
            n = 0
            while time.perf_counter() < end:
                fn(i)
                n += 1
            counts[i] = n
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(i,)) for i in range(conc)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return sum(counts) / (time.perf_counter() - t0)


def throughput(window_s, reps):
    client = vipps.Client(CONFIG)
    headers = plain_headers()
    sessions = []
    for _ in range(16):
        s = requests.Session()
        s.headers.update(headers)
        sessions.append(s)
    lib_caps, plain_caps = Cycle(refs("python")), Cycle(refs("requests"))
    get_url = f"{BASE}/epayment/v1/payments/{REFERENCE}"

    def lib_get(_):
        if client.get_payment(reference=REFERENCE)["state"] != "AUTHORIZED":
            raise RuntimeError("unexpected state")

    def lib_capture(_):
        client.capture(reference=lib_caps.next(), amount=ONE)

    def plain_get(i):
        r = sessions[i].get(get_url)
        if r.status_code != 200 or r.json()["state"] != "AUTHORIZED":
            raise RuntimeError(f"GET {r.status_code}")

    def plain_capture(i):
        r = sessions[i].post(f"{BASE}/epayment/v1/payments/{plain_caps.next()}/capture",
                             json={"modificationAmount": ONE}, headers={"Idempotency-Key": str(uuid.uuid4())})
        if r.status_code != 200:
            raise RuntimeError(f"capture {r.status_code}: {r.text[:200]}")
        r.json()

    ops = {"get": {"binding": lib_get, "plain": plain_get}, "capture": {"binding": lib_capture, "plain": plain_capture}}
    out = {}
    for op in ("get", "capture"):
        for conc in (1, 16):
            runs = {"binding": [], "plain": []}
            for who in runs:
                window(ops[op][who], conc, 0.3)  # warm-up
            for r in range(reps):
                for who in (("binding", "plain") if r % 2 == 0 else ("plain", "binding")):
                    runs[who].append(window(ops[op][who], conc, window_s))
            b, p = statistics.median(runs["binding"]), statistics.median(runs["plain"])
            out[f"{op}_c{conc}"] = {"binding": b, "plain": p, "ratio": b / p,
                                    "binding_runs": runs["binding"], "plain_runs": runs["plain"]}
            print(f"python {op}_c{conc}: binding {b:.0f}/s, requests {p:.0f}/s", file=sys.stderr)
    client.close()
    return {"plain": "requests " + requests.__version__ + " (Session per thread)", "results": out}


def nocalls(client):
    request = json.loads(read("webhook_request.json"))
    body = read("webhook_body.bin", "rb")
    apply_request = json.loads(read("apply_event_request.json"))
    order = {"prefix": "acme", "order_number": 1001, "msn": "123456", "attempt": 2}
    if not client.handle_callback(request, body)["event"]["verified"]:
        raise SystemExit("webhook fixture does not verify")
    return {
        "make_order_id": lambda: vipps.make_order_id(order),
        "handle_callback": lambda: client.handle_callback(request, body),
        "apply_event": lambda: client.apply_event(apply_request),
    }


def nocall(rounds, per):
    client = vipps.Client(CONFIG)
    out = {}
    for name, fn in nocalls(client).items():
        for _ in range(per):
            fn()
        per_call = []
        for _ in range(rounds):
            t0 = time.perf_counter_ns()
            for _ in range(per):
                fn()
            per_call.append((time.perf_counter_ns() - t0) / per)
        out[name + "_ns"] = round(statistics.median(per_call))
    return out


def tokens(ops):
    client = vipps.Client(CONFIG)
    caps = Cycle(refs("python"))
    counter = iter(range(ops))
    lock = threading.Lock()

    def loop(_):
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            if i % 2 == 0:
                client.get_payment(reference=REFERENCE)
            else:
                client.capture(reference=caps.next(), amount=ONE)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    client.close()
    return {"ops": ops, "threads": 8, "seconds": time.perf_counter() - t0}


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])


def rss(warmup, calls):
    client = vipps.Client(CONFIG)
    fns = nocalls(client)
    mix = [lambda: client.get_payment(reference=REFERENCE), fns["handle_callback"], fns["apply_event"],
           fns["make_order_id"]]
    for i in range(warmup):
        mix[i % 4]()
    before = rss_kib()
    samples = []
    for i in range(calls):
        mix[i % 4]()
        if (i + 1) % 10000 == 0:
            samples.append(rss_kib())
    after = rss_kib()
    client.close()
    return {"warmup": warmup, "calls": calls, "rss_kib_before": before, "samples_kib": samples,
            "rss_kib_after": after, "growth_kib": after - before}


def main():
    if MODE == "throughput":
        out = throughput(float(ARGS[0]), int(ARGS[1]))
    elif MODE == "nocall":
        out = nocall(int(ARGS[0]), int(ARGS[1]))
    elif MODE == "tokens":
        out = tokens(int(ARGS[0]))
    elif MODE == "rss":
        out = rss(int(ARGS[0]), int(ARGS[1]))
    else:
        raise SystemExit("unknown mode " + MODE)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
