#!/usr/bin/env python3
"""The benchmark suite's driver (bench/run.sh builds everything and calls this).

Starts vipps-sim (release) on a free loopback port, makes the fixtures (payments, a signed
ePayment webhook the simulator really delivered, the exact bytes of the library's get_payment
request), runs each part, alternating the contenders inside each part, and writes
bench/out/results.json and bench/RESULTS.md.

    python3 bench/run.py [--only c,node,python,php,cold,wan] [--quick]
"""
import argparse
import ctypes
import datetime
import http.server
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(HERE, "out")
FIX = os.path.join(OUT, "fixtures")
LIB = os.environ.get("VIPPS_LIB", os.path.join(ROOT, "target", "release", "libvipps.so"))
SIM = os.path.join(ROOT, "target", "release", "vipps-sim")
VBENCH = os.path.join(OUT, "vbench")

SIM_HEADERS = {"Ocp-Apim-Subscription-Key": "sim-subscription-key", "Merchant-Serial-Number": "123456"}


def log(*args):
    print("[bench]", *args, file=sys.stderr, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def busy_processes():
    """Other processes using CPU right now (a one-second sample of `top`)."""
    try:
        out = subprocess.run(["top", "-b", "-n", "2", "-d", "1", "-w", "200"], capture_output=True,
                             text=True, timeout=10).stdout
        last = out.split("\n\n\n")[-1] if "\n\n\n" in out else out
        busy = []
        for line in last.splitlines():
            cols = line.split()
            if len(cols) >= 12 and cols[0].isdigit():
                cpu = float(cols[8].replace(",", "."))
                if cpu >= 20 and int(cols[0]) != os.getpid():
                    busy.append(f"{cols[11]} {cpu:.0f}%")
        return busy
    except Exception:
        return []


class Sim:
    """A vipps-sim process and a few plain-HTTP helpers for setting up fixtures."""

    def __init__(self):
        self.proc = subprocess.Popen([SIM, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True)
        self.base = self.proc.stdout.readline().strip()
        if not self.base.startswith("http://"):
            raise SystemExit("vipps-sim did not start")
        self.token = None

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def http(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else (b"" if method != "GET" else None)
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers or {})
        if body is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read()
            return json.loads(text) if text else None

    def stats(self):
        return self.http("GET", "/_sim/stats")

    def bearer(self):
        if not self.token:
            ans = self.http("POST", "/accesstoken/get", headers={
                "client_id": "sim-client-id", "client_secret": "sim-client-secret",
                "Ocp-Apim-Subscription-Key": "sim-subscription-key"})
            self.token = ans["access_token"]
        return dict(SIM_HEADERS, Authorization="Bearer " + self.token)

    def authorized_payment(self, reference, value):
        headers = dict(self.bearer(), **{"Idempotency-Key": "create-" + reference})
        self.http("POST", "/epayment/v1/payments", {
            "amount": {"currency": "NOK", "value": value}, "paymentMethod": {"type": "WALLET"},
            "reference": reference, "userFlow": "WEB_REDIRECT", "returnUrl": "https://shop.example/return"},
            headers)
        self.http("POST", f"/_sim/payments/{reference}/approve")
        return reference


class Lib:
    """libvipps through ctypes: only for making fixtures (the Python binding is benchmarked apart)."""

    def __init__(self, config):
        self.dll = ctypes.CDLL(LIB)
        self.dll.vipps_client_new.restype = ctypes.c_void_p
        self.dll.vipps_client_new.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
        for name in ("vipps_get_payment", "vipps_apply_event"):
            getattr(self.dll, name).restype = ctypes.c_void_p
            getattr(self.dll, name).argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        self.dll.vipps_handle_callback.restype = ctypes.c_void_p
        self.dll.vipps_handle_callback.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
        self.dll.vipps_string_free.argtypes = [ctypes.c_void_p]
        err = ctypes.c_void_p()
        self.client = self.dll.vipps_client_new(json.dumps(config).encode(), ctypes.byref(err))
        if not self.client:
            raise SystemExit("client: " + ctypes.string_at(err.value).decode())

    def _take(self, ptr):
        text = ctypes.string_at(ptr).decode()
        self.dll.vipps_string_free(ptr)
        env = json.loads(text)
        if not env.get("ok"):
            raise SystemExit("libvipps: " + text)
        return env["data"]

    def get_payment(self, reference):
        return self._take(self.dll.vipps_get_payment(self.client, json.dumps({"reference": reference}).encode()))

    def handle_callback(self, request, body):
        return self._take(self.dll.vipps_handle_callback(self.client, json.dumps(request).encode(), body, len(body)))


def webhook_listener():
    """A loopback server that answers 200 and keeps what it received."""
    got = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            got.append({"path": self.path, "headers": [[k, v] for k, v in self.headers.items()], "body": body})
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, got


def write(name, data):
    path = os.path.join(FIX, name)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)
    return path


def make_fixtures(sim, capture_pools):
    """Everything the benchmark programs read, in bench/out/fixtures."""
    os.makedirs(FIX, exist_ok=True)
    server, got = webhook_listener()
    port = server.server_address[1]
    reg = sim.http("POST", "/webhooks/v1/webhooks", {
        "url": f"http://127.0.0.1:{port}/vipps/webhook",
        "events": ["epayments.payment.captured.v1"]}, sim.bearer())
    secret = reg["secret"]
    config = {
        "base_url": sim.base, "system_name": "bench", "system_version": "1.0",
        "plugin_name": "vipps-bench", "plugin_version": "1.0",
        "callback_secret": "bench-callback-secret-0123456789",
        "webhook_secrets": [secret], "webhook_max_age_secs": 86400,
    }
    write("config.json", json.dumps(config))
    write("base_url", sim.base)

    ref = sim.authorized_payment("bench-read-000001", 100000)
    write("reference", ref)
    # A capture makes the simulator deliver a signed epayments.payment.captured.v1 webhook.
    sim.http("POST", f"/epayment/v1/payments/{ref}/capture",
             {"modificationAmount": {"currency": "NOK", "value": 100}},
             dict(sim.bearer(), **{"Idempotency-Key": "fixture-capture"}))
    for _ in range(100):
        if got:
            break
        time.sleep(0.05)
    if not got:
        raise SystemExit("the simulator delivered no webhook")
    server.shutdown()
    sim.http("DELETE", f"/webhooks/v1/webhooks/{reg['id']}", headers=sim.bearer())
    hook = got[0]
    request = {"method": "POST", "url": hook["path"], "kind": "epayment_webhook",
               "headers": {k: v for k, v in hook["headers"]}}
    write("webhook_request.json", json.dumps(request))
    write("webhook_body.bin", hook["body"])

    lib = Lib(config)
    answer = lib.handle_callback(request, hook["body"])
    if not answer["event"]["verified"]:
        raise SystemExit("fixture webhook does not verify: " + json.dumps(answer))
    write("apply_event_request.json", json.dumps({"record": None, "event": answer["event"]}))
    write("webhook_event_name", answer["event"]["name"])

    # The exact request the library sends for get_payment (header names as they went out).
    sim.http("DELETE", "/_sim/requests")
    lib.get_payment(ref)
    sent = [r for r in sim.http("GET", "/_sim/requests?path_prefix=/epayment/v1/payments/")
            if r["method"] == "GET"][-1]
    lines = [f"GET {sent['path']} HTTP/1.1"] + [f"{k}: {v}" for k, v in sent["headers"].items()]
    write("get_request.http", "\r\n".join(lines) + "\r\n\r\n")
    write("get_request_headers.json", json.dumps(sorted(sent["headers"])))

    # Authorized payments with plenty to capture (1 øre per capture), one pool per contender.
    for name, count in capture_pools.items():
        refs = [sim.authorized_payment(f"bench-cap-{name}-{i:04d}", 50_000_000) for i in range(count)]
        write(f"capture_refs_{name}", "\n".join(refs) + "\n")
    shutil.copy(os.path.join(FIX, "capture_refs_c"), os.path.join(FIX, "capture_refs"))
    return config


def run_json(cmd, env=None, timeout=600, cwd=None):
    full_env = dict(os.environ, VIPPS_LIB=LIB, **(env or {}))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=timeout, cwd=cwd)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} {' '.join(cmd[1:3])} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
    return json.loads(lines[-1])


def median(values):
    return statistics.median(values) if values else None


class Part:
    """Runs a part, noting the load before and after."""

    def __init__(self, results, key, title):
        self.results, self.key, self.title = results, key, title

    def __enter__(self):
        log(f"== {self.title}")
        self.t0 = time.time()
        self.load0 = loadavg()
        self.data = self.results.setdefault(self.key, {})
        return self.data

    def __exit__(self, *exc):
        self.data["load"] = f"loadavg {self.load0} → {loadavg()}"
        self.data["seconds"] = round(time.time() - self.t0, 1)
        log(f"   {self.title}: {self.data['seconds']} s")
        return False


# ---------------------------------------------------------------- parts

def part_latency(results, quick):
    with Part(results, "latency", "1. get_payment latency, library vs raw socket (C)") as d:
        rounds, per = (6, 300) if quick else (20, 1000)
        d["c"] = run_json([VBENCH, "latency", FIX, str(rounds), str(per)])
        d["headers"] = json.load(open(os.path.join(FIX, "get_request_headers.json")))


def part_nocall_c(results, rounds, per):
    return run_json([VBENCH, "nocall", FIX, str(rounds), str(per)])


def part_webhook(results, quick):
    with Part(results, "webhook", "4. webhook verify + parse per second, one thread (C)") as d:
        d["c"] = run_json(["taskset", "-c", "1", VBENCH, "webhook", FIX, "5", "1000" if not quick else "300"])


def tokens_delta(sim, cmd, env=None, cwd=None):
    before = sim.stats()["token_fetches"]
    out = run_json(cmd, env=env, cwd=cwd)
    out["token_fetches"] = sim.stats()["token_fetches"] - before
    return out


LANGS = ("c", "php", "python", "node")


def lang_cmd(lang, mode, *args):
    if lang == "c":
        return [VBENCH, mode, FIX, *map(str, args)], None, None
    if lang == "php":
        return ["php", "-d", "ffi.enable=true", "-d", "memory_limit=1G", os.path.join(HERE, "php", "bench.php"),
                mode, FIX, *map(str, args)], None, None
    if lang == "python":
        return [sys.executable, os.path.join(HERE, "python", "bench.py"), mode, FIX, *map(str, args)], None, None
    if lang == "node":
        return (["node", "--expose-gc", os.path.join(HERE, "node", "bench.js"), mode, FIX, *map(str, args)],
                {"UV_THREADPOOL_SIZE": "16"}, None)
    raise ValueError(lang)


def part_nocall(results, langs, quick):
    with Part(results, "nocall", "3. FFI + JSON envelope per call, no I/O") as d:
        rounds, per = (5, 2000) if quick else (7, 5000)
        reps = 2 if quick else 3
        for rep in range(reps):  # the languages take turns, several times
            for lang in langs:
                cmd, env, cwd = lang_cmd(lang, "nocall", rounds, per)
                d.setdefault(lang, []).append(run_json(cmd, env, cwd=cwd))
        for lang in langs:
            runs = d[lang]
            d[lang] = {k: median([r[k] for r in runs]) for k in runs[0]}
            d[lang]["runs"] = runs


def part_tokens_rss(results, sim, langs, quick):
    with Part(results, "tokens", "5. token fetches over 10,000 operations, one process") as d:
        for lang in langs:
            cmd, env, cwd = lang_cmd(lang, "tokens", 2000 if quick else 10000)
            d[lang] = tokens_delta(sim, cmd, env, cwd)
            log(f"   {lang}: {d[lang]}")
    with Part(results, "rss", "6. resident memory over 100,000 calls") as d:
        for lang in langs:
            cmd, env, cwd = lang_cmd(lang, "rss", 5000 if quick else 30000, 20000 if quick else 100000)
            d[lang] = run_json(cmd, env, cwd=cwd)
            log(f"   {lang}: growth {d[lang]['growth_kib']} KiB")


def part_throughput(results, langs, quick):
    """Binding vs the plain way, windows alternating inside one schedule per language."""
    with Part(results, "throughput", "2. throughput, binding vs SDK / curl / requests") as d:
        for lang in langs:
            if lang == "c":
                continue
            window = 0.6 if quick else 1.2
            reps = 2 if quick else 4
            cmd, env, cwd = lang_cmd(lang, "throughput", window, reps)
            if lang == "php":
                cmd = [sys.executable, os.path.join(HERE, "php", "throughput.py"), FIX, str(window), str(reps)]
            log(f"   {lang} ...")
            d[lang] = run_json(cmd, env, cwd=cwd, timeout=900)


def part_wan(results, quick):
    """bench/wan: HTTPS at RTT 0 and 20 ms through vipps-delay-proxy (its own simulator)."""
    with Part(results, "wan", "8. HTTPS at network latency: round trips per call") as d:
        d.update(run_json([sys.executable, os.path.join(HERE, "wan", "run.py")] + (["--quick"] if quick else []),
                          timeout=1800))


WAN_START, WAN_END = "<!-- wan:start -->", "<!-- wan:end -->"


def splice_wan(path, section):
    """Replaces the WAN section of an existing RESULTS.md (bench/run.sh --only wan)."""
    with open(path) as f:
        text = f.read()
    block = f"{WAN_START}\n{section}{WAN_END}\n"
    if WAN_START in text and WAN_END in text:
        head, rest = text.split(WAN_START, 1)
        text = head + block + rest.split(WAN_END, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    with open(path, "w") as f:
        f.write(text)


def part_cold(results, quick):
    with Part(results, "cold", "7. PHP cold start") as d:
        d.update(run_json([sys.executable, os.path.join(HERE, "php", "coldstart.py"), FIX, "1" if quick else "0"],
                          timeout=900))


# ---------------------------------------------------------------- machine and report

def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:
        return "?"


def machine():
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    mem = sh("grep MemTotal /proc/meminfo | awk '{printf \"%.1f GiB\", $2/1048576}'")
    sdk = sh(f"node -p \"require('{HERE}/node/node_modules/@vippsmobilepay/sdk/package.json').version\"")
    koffi = sh(f"node -p \"require('{ROOT}/bindings/node/node_modules/koffi/package.json').version\"")
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": sh("nproc"), "cpu": cpu, "memory": mem, "kernel": platform.release(),
        "rustc": sh("rustc --version"), "php": sh("php -r 'echo PHP_VERSION;'"),
        "curl": sh("php -r 'echo curl_version()[\"version\"];'"),
        "python": platform.python_version(), "requests": sh(f"{sys.executable} -c 'import requests; print(requests.__version__)'"),
        "node": sh("node --version"), "sdk": sdk, "koffi": koffi,
        "library": sh(f"{sys.executable} -c \"import ctypes; l=ctypes.CDLL('{LIB}'); "
                      "l.vipps_version.restype=ctypes.c_char_p; print(l.vipps_version().decode())\""),
        "commit": sh(f"git -C {ROOT} rev-parse --short HEAD"),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="c,node,python,php,cold,wan")
    ap.add_argument("--quick", action="store_true", help="short runs, for checking the suite itself")
    args = ap.parse_args()
    only = set(args.only.split(","))
    langs = [l for l in LANGS if l in only]
    os.makedirs(OUT, exist_ok=True)
    t0 = time.time()
    results = {"machine": machine(), "quick": args.quick, "busy_at_start": busy_processes(),
               "load_start": open("/proc/loadavg").read().strip()}
    if only == {"wan"}:
        # Only the WAN part: it starts its own simulator; its section replaces the one in
        # bench/RESULTS.md (a full, non-quick run rewrites the whole file).
        part_wan(results, args.quick)
        sys.path.insert(0, os.path.join(HERE, "wan"))
        import wan_report
        section = "## 8. HTTPS at network latency: round trips per call\n\n" + wan_report.render(results["wan"])
        with open(os.path.join(OUT, "wan.json"), "w") as f:
            json.dump(results, f, indent=1)
        target = os.path.join(HERE, "RESULTS.md") if not args.quick else os.path.join(OUT, "RESULTS.md")
        if args.quick:
            with open(target, "w") as f:
                f.write(section)
        else:
            splice_wan(target, section)
        print(section)
        log(f"written {target}")
        return
    sim = Sim()
    log(f"vipps-sim at {sim.base}")
    try:
        make_fixtures(sim, {"c": 16, "php": 64, "python": 64, "node": 64, "phpcurl": 64, "requests": 64,
                            "sdk": 64, "tokens": 16})
        if "c" in only:
            part_latency(results, args.quick)
            part_webhook(results, args.quick)
        part_throughput(results, langs, args.quick)
        part_nocall(results, langs, args.quick)
        part_tokens_rss(results, sim, langs, args.quick)
        if "cold" in only:
            part_cold(results, args.quick)
    finally:
        sim.stop()
    if "wan" in only:
        part_wan(results, args.quick)
    results["busy_at_end"] = busy_processes()
    results["load_end"] = open("/proc/loadavg").read().strip()
    results["total_seconds"] = round(time.time() - t0, 1)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    sys.path.insert(0, HERE)
    import report
    text = report.render(results)
    target = os.path.join(HERE, "RESULTS.md") if not args.quick and only >= set(LANGS) | {"cold", "wan"} \
        else os.path.join(OUT, "RESULTS.md")
    with open(target, "w") as f:
        f.write(text)
    print(text)
    log(f"written {target} ({results['total_seconds']} s)")


if __name__ == "__main__":
    main()
