#!/usr/bin/env python3
"""bench/wan: round trips per call over HTTPS at real network latency (bench/wan/README.md).

Starts `vipps-sim --tls --ca-out` (release) and one `vipps-delay-proxy` per RTT (0 and 20 ms)
in front of it, makes the fixtures, then runs every contender at each RTT, one after another,
reading the simulator's connection counter around each run:

  PHP-FPM (one worker, one FastCGI request per shop request):
    binding      new Vipps\\Client per request (the library keeps the connection per process)
    curl_new     curl_init / curl_exec / curl_close per call
    curl_reuse   one curl handle for the CALLS_PER_REQUEST calls of a request
  Node:   binding vs @vippsmobilepay/sdk (fetch, undici keep-alive)
  Python: binding vs requests.Session

For get_payment and capture: latency per call (median), round trips per call =
(latency at 20 ms - latency at 0 ms) / 20 ms, TCP connections per 1,000 calls, and the first
call of a fresh FPM worker (token and call).

    python3 bench/wan/run.py [--quick]        -> one JSON object on stdout
"""
import argparse
import json
import os
import re
import shutil
import socket
import socketserver
import ssl
import threading
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
ROOT = os.path.dirname(BENCH)
REL = os.path.join(ROOT, "target", "release")
LIB = os.environ.get("VIPPS_LIB", os.path.join(REL, "libvipps.so"))
RTTS = (0, 20)
CALLS_PER_REQUEST = 5  # curl_reuse: calls made with one handle inside one shop request

sys.path.insert(0, os.path.join(BENCH, "php"))
from coldstart import fcgi_get, free_port  # noqa: E402  (the suite's FastCGI client)


def log(*args):
    print("[wan]", *args, file=sys.stderr, flush=True)


def med(xs):
    return round(statistics.median(xs), 3) if xs else None


def mean(xs):
    return round(statistics.fmean(xs), 3) if xs else None


class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            data = self.request.recv(64)
            if not data:
                return
            self.request.sendall(data)


def probe_rtt(n):
    """The proxy's real round trip: 1-byte ping-pongs through it to an echo server, at each RTT.
    The sleeps wake up late on a busy machine, so one round trip costs a little more than its
    nominal RTT; the measured one is what round trips per call are also computed with."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    out = {}
    try:
        for rtt in RTTS:
            proc, base = start_proxy(server.server_address[1], rtt)
            try:
                host, port = base[len("https://"):].rsplit(":", 1)
                with socket.create_connection((host, int(port))) as s:
                    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    times = []
                    for _ in range(n + 1):
                        t0 = time.perf_counter()
                        s.sendall(b"x")
                        s.recv(1)
                        times.append((time.perf_counter() - t0) * 1e3)
                out[rtt] = {"median_ms": med(times[1:]), "first_ms": round(times[0], 3)}
            finally:
                proc.terminate()
    finally:
        server.shutdown()
    return out


class Sim:
    def __init__(self, work):
        self.ca = os.path.join(work, "ca.pem")
        self.proc = subprocess.Popen([os.path.join(REL, "vipps-sim"), "--port", "0", "--tls", "--ca-out", self.ca],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.base = self.proc.stdout.readline().strip()
        if not self.base.startswith("https://"):
            raise SystemExit("vipps-sim --tls did not start")
        self.ctx = ssl.create_default_context(cafile=self.ca)
        self.token = None
        self.stats_reads = 0

    def http(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else (b"" if method != "GET" else None)
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers or {})
        if body is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=30, context=self.ctx) as r:
            text = r.read()
            return json.loads(text) if text else None

    def connections(self):
        """Connections accepted so far, not counting these reads (urllib opens one per request)."""
        self.stats_reads += 1
        return self.http("GET", "/_sim/stats")["connections"] - self.stats_reads

    def bearer(self):
        if not self.token:
            self.token = self.http("POST", "/accesstoken/get", headers={
                "client_id": "sim-client-id", "client_secret": "sim-client-secret",
                "Ocp-Apim-Subscription-Key": "sim-subscription-key"})["access_token"]
        return {"Authorization": "Bearer " + self.token, "Ocp-Apim-Subscription-Key": "sim-subscription-key",
                "Merchant-Serial-Number": "123456"}

    def authorized(self, reference, value):
        self.http("POST", "/epayment/v1/payments", {
            "amount": {"currency": "NOK", "value": value}, "paymentMethod": {"type": "WALLET"},
            "reference": reference, "userFlow": "WEB_REDIRECT", "returnUrl": "https://shop.example/return"},
            dict(self.bearer(), **{"Idempotency-Key": "create-" + reference}))
        self.http("POST", f"/_sim/payments/{reference}/approve")
        return reference

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def start_proxy(upstream_port, rtt):
    p = subprocess.Popen([os.path.join(REL, "vipps-delay-proxy"), "--listen", "127.0.0.1:0", "--upstream",
                          f"127.0.0.1:{upstream_port}", "--rtt-ms", str(rtt)], stdout=subprocess.PIPE, text=True)
    addr = p.stdout.readline().strip()
    if not addr:
        raise SystemExit("vipps-delay-proxy did not start")
    return p, "https://" + addr


def fixtures(sim, fix, bases, modes):
    """fix/: ca.pem, token, base_RTT, ref_get, ref_<mode>_<RTT> (a payment to capture 1 øre at a time)."""
    os.makedirs(fix, exist_ok=True)
    shutil.copy(sim.ca, os.path.join(fix, "ca.pem"))
    with open(os.path.join(fix, "token"), "w") as f:
        f.write(sim.bearer()["Authorization"][len("Bearer "):])
    for rtt, base in bases.items():
        with open(os.path.join(fix, f"base_{rtt}"), "w") as f:
            f.write(base)
    with open(os.path.join(fix, "ref_get"), "w") as f:
        f.write(sim.authorized("wan-read-000001", 100000))
    for mode in modes:
        for rtt in bases:
            with open(os.path.join(fix, f"ref_{mode}_{rtt}"), "w") as f:
                f.write(sim.authorized(f"wan-cap-{mode}-{rtt}".replace("_", "-"), 1_000_000))


# ------------------------------------------------------------------ PHP-FPM

class Fpm:
    def __init__(self, work, fix, name):
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        user = "user = nobody\ngroup = nogroup\n" if os.geteuid() == 0 else ""
        conf = os.path.join(self.dir, "fpm.conf")
        with open(conf, "w") as f:
            f.write(f"[global]\npid = {self.dir}/fpm.pid\nerror_log = {self.dir}/fpm.log\ndaemonize = no\n\n"
                    f"[wan]\nlisten = 127.0.0.1:{self.port}\npm = static\npm.max_children = 1\n{user}"
                    f"clear_env = no\nenv[VIPPS_LIB] = {LIB}\nenv[VIPPS_WAN_FIXTURES] = {fix}\n"
                    f"env[VIPPS_WAN_LOGS] = {self.dir}\n")
        os.chmod(self.dir, 0o777)  # the worker (nobody, when run as root) writes its log here
        fpm = shutil.which("php-fpm8.2") or "/usr/sbin/php-fpm8.2"
        self.proc = subprocess.Popen([fpm, "-F", "-y", conf, "-d", "ffi.enable=true", "-d", "opcache.enable=1"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 15
        while True:  # the pool answers (an empty request: no payment call, so the worker stays cold)
            try:
                self.request("mode=ping")
                return
            except (OSError, RuntimeError, ValueError):
                if time.time() > deadline:
                    raise SystemExit(f"php-fpm did not answer; see {self.dir}")
                time.sleep(0.05)

    def request(self, query):
        return json.loads(fcgi_get(self.port, os.path.join(HERE, "wan.php"), query))

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def php_part(sim, work, fix, n):
    out = {}
    fpm = Fpm(work, fix, "fpm")
    try:
        for rtt in RTTS:
            for mode in ("binding", "curl_new", "curl_reuse"):
                for op in ("get", "capture"):
                    calls = CALLS_PER_REQUEST if mode == "curl_reuse" else 1
                    requests = max(2, n[rtt][op] // calls)
                    fpm.request(f"mode={mode}&op={op}&rtt={rtt}&calls={calls}")  # warm (token, connection)
                    before = sim.connections()
                    ms, first_in_request = [], []
                    for _ in range(requests):
                        r = fpm.request(f"mode={mode}&op={op}&rtt={rtt}&calls={calls}")
                        ms += r["ms"]
                        first_in_request.append(r["ms"][0])
                    conns = sim.connections() - before
                    out[f"php/{mode}/{op}/{rtt}"] = {"median_ms": med(ms), "mean_ms": mean(ms), "calls": len(ms),
                                                     "connections": conns,
                                                     "first_in_request_ms": med(first_in_request)}
                    log(f"php {mode:10} {op:7} rtt {rtt:2}: {med(ms)} ms/call, {conns} connections / {len(ms)}")
    finally:
        fpm.stop()
    # The first call of a fresh worker: a new php-fpm each time (token, TCP, TLS, call).
    # The library's debug log splits each first call into its requests: the token fetch (on the
    # new connection: TCP, TLS, request) and the payment call.
    cold = {rtt: [] for rtt in RTTS}
    phases = {rtt: {"token": [], "call": []} for rtt in RTTS}
    for i in range(n["cold"]):
        for rtt in RTTS:
            fresh = Fpm(work, fix, f"cold{i}-{rtt}")
            try:
                cold[rtt].append(fresh.request(f"mode=binding&op=get&rtt={rtt}&calls=1&log=1")["ms"][0])
            finally:
                fresh.stop()
            for name in os.listdir(fresh.dir):
                if name.endswith(".log") and name != "fpm.log":
                    with open(os.path.join(fresh.dir, name)) as f:
                        for line in f:
                            m = re.search(r"(POST /accesstoken/get|GET /epayment\S*) -> \d+ \(attempt 1, (\d+) ms\)", line)
                            if m:
                                phases[rtt]["token" if "accesstoken" in m.group(1) else "call"].append(int(m.group(2)))
    for rtt in RTTS:
        out[f"php/binding/cold/{rtt}"] = {"median_ms": med(cold[rtt]), "min_ms": round(min(cold[rtt]), 3),
                                          "samples": cold[rtt], "token_ms_median": med(phases[rtt]["token"]),
                                          "call_ms_median": med(phases[rtt]["call"])}
    log(f"php cold first call: {[(rtt, med(cold[rtt])) for rtt in RTTS]}")
    return out


# ------------------------------------------------------------------ Node and Python

def lang_part(sim, fix, lang, modes, n):
    out = {}
    for rtt in RTTS:
        for mode in modes:
            for op in ("get", "capture"):
                if lang == "node":
                    cmd = ["node", os.path.join(HERE, "wan.js"), fix, str(rtt), mode, op, str(n[rtt][op])]
                    env = dict(os.environ, VIPPS_LIB=LIB, NODE_EXTRA_CA_CERTS=os.path.join(fix, "ca.pem"),
                               NODE_PATH=os.path.join(BENCH, "node", "node_modules"))
                else:
                    cmd = [sys.executable, os.path.join(HERE, "wan.py"), fix, str(rtt), mode, op, str(n[rtt][op])]
                    env = dict(os.environ, VIPPS_LIB=LIB, PYTHONPATH=os.path.join(ROOT, "bindings", "python", "src"))
                before = sim.connections()
                p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
                if p.returncode != 0:
                    raise SystemExit(f"{lang} {mode} {op}: {p.stderr[-2000:]}")
                r = json.loads(p.stdout)
                conns = sim.connections() - before
                out[f"{lang}/{mode}/{op}/{rtt}"] = {"median_ms": med(r["ms"]), "mean_ms": mean(r["ms"]),
                                                    "calls": len(r["ms"]) + 1,
                                                    "connections": conns, "first_ms": round(r["first_ms"], 3)}
                log(f"{lang} {mode:8} {op:7} rtt {rtt:2}: {med(r['ms'])} ms/call (first {r['first_ms']:.1f}), "
                    f"{conns} connections / {len(r['ms']) + 1}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="php,node,python")
    args = ap.parse_args()
    only = set(args.only.split(","))
    # Calls per run: many at RTT 0 (the connection count per 1,000 calls), fewer at 20 ms.
    n = {0: {"get": 1000, "capture": 1000}, 20: {"get": 150, "capture": 100}, "cold": 7}
    if args.quick:
        n = {0: {"get": 100, "capture": 50}, 20: {"get": 15, "capture": 10}, "cold": 2}
    work = tempfile.mkdtemp(prefix="vipps-wan-")
    os.chmod(work, 0o755)
    fix = os.path.join(work, "fixtures")
    sim = Sim(work)
    proxies = []
    try:
        port = int(sim.base.rsplit(":", 1)[1])
        bases = {}
        for rtt in RTTS:
            p, base = start_proxy(port, rtt)
            proxies.append(p)
            bases[rtt] = base
        fixtures(sim, fix, bases, ["binding", "curl_new", "curl_reuse", "lib", "sdk", "requests"])
        os.chmod(work, 0o755)
        for root, dirs, files in os.walk(work):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
            for f in files:
                os.chmod(os.path.join(root, f), 0o644)
        results = {"rtts": list(RTTS), "calls_per_request_curl_reuse": CALLS_PER_REQUEST, "n": n,
                   "probe": probe_rtt(50 if args.quick else 200)}
        log(f"proxy round trip (echo probe): {results['probe']}")
        if "php" in only:
            results.update(php_part(sim, work, fix, n))
        if "node" in only:
            results.update(lang_part(sim, fix, "node", ["lib", "sdk"], n))
        if "python" in only:
            results.update(lang_part(sim, fix, "python", ["lib", "requests"], n))
    finally:
        for p in proxies:
            p.terminate()
        sim.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
