"""PHP cold start: what loading the header and creating a client costs per request.

A. CLI, one process per request (cron jobs, CLI workers, plain CGI): wall time of
   `php cold.php` per setup, the setups taking turns, against an empty script as the floor.
B. php-fpm, repeated requests to one worker (pm=static, one child): round-trip time of a FastCGI
   request running cold.php per setup (and an empty script per pool as the floor), the pools taking
   turns; with op=get each request also reads a payment, and /_sim/stats shows the token fetches.

    python3 coldstart.py FIXTURES_DIR QUICK(0|1)     → one JSON object on stdout
"""
import json
import os
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PKG = os.path.join(ROOT, "bindings", "php")
COLD = os.path.join(HERE, "cold.php")
LIB = os.environ.get("VIPPS_LIB", os.path.join(ROOT, "target", "release", "libvipps.so"))
AS_ROOT = os.geteuid() == 0


def med(xs):
    return round(statistics.median(xs), 3)


def p90(xs):
    s = sorted(xs)
    return round(s[int(0.9 * (len(s) - 1))], 3)


# ------------------------------------------------------------------ A. CLI

def cli_part(fix, work, n):
    empty = os.path.join(work, "empty.php")
    with open(empty, "w") as f:
        f.write("<?php echo '{}';\n")
    header = os.path.join(work, "vipps-scoped.h")
    subprocess.run(["php", os.path.join(PKG, "bin", "scoped-header.php"), LIB, header], check=True,
                   capture_output=True)
    os.chmod(header, 0o644)
    preload_dir = os.path.join(work, "preload")
    os.makedirs(preload_dir, exist_ok=True)
    nobody = ["runuser", "-u", "nobody", "--"] if AS_ROOT else []
    if AS_ROOT:
        shutil.chown(preload_dir, "nobody")
    preload_php = os.path.join(PKG, "preload.php")
    setups = {
        "empty script (PHP start floor)": ["php", "-d", "ffi.enable=true", empty],
        "FFI::cdef per process (ffi.enable=true)": ["php", "-d", "ffi.enable=true", COLD],
        "ffi.preload (scoped header)": ["php", "-d", "ffi.enable=preload", "-d", f"ffi.preload={header}", COLD],
        "opcache.preload + FFI::load (as nobody)": nobody + [
            "env", f"VIPPS_SCOPED_HEADER={preload_dir}/vipps-scoped.h", "php", "-d", "opcache.enable_cli=1",
            "-d", f"opcache.preload={preload_php}", "-d", "ffi.enable=preload", COLD],
    }
    if AS_ROOT:
        setups["ffi.preload + opcache.preload classes (preload_user)"] = [
            "php", "-d", "opcache.enable_cli=1", "-d", f"opcache.preload={preload_php}", "-d",
            "opcache.preload_user=nobody", "-d", "ffi.enable=preload", "-d", f"ffi.preload={header}", COLD]
    env = dict(os.environ, VIPPS_LIB=LIB, VIPPS_BENCH_FIXTURES=fix)
    wall = {k: [] for k in setups}
    inner = {k: [] for k in setups}
    for name, cmd in setups.items():  # check each once
        out = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if out.returncode != 0 or not out.stdout.startswith("{"):
            raise SystemExit(f"{name}: {out.stdout[-500:]} {out.stderr[-1500:]}")
    for _ in range(n):
        for name, cmd in setups.items():
            t0 = time.perf_counter()
            out = subprocess.run(cmd, capture_output=True, text=True, env=env)
            wall[name].append((time.perf_counter() - t0) * 1e3)
            data = json.loads(out.stdout)
            if "client_us" in data:
                inner[name].append(data["client_us"] / 1e3)
    return {name: {"wall_ms_median": med(wall[name]), "wall_ms_p90": p90(wall[name]),
                   "in_script_ms_median": med(inner[name]) if inner[name] else None, "runs": n}
            for name in setups}


# ------------------------------------------------------------------ B. php-fpm

def fcgi_record(kind, content, req_id=1):
    pad = (8 - len(content) % 8) % 8
    return struct.pack("!BBHHBB", 1, kind, req_id, len(content), pad, 0) + content + b"\0" * pad


def fcgi_pairs(params):
    out = b""
    for k, v in params.items():
        k, v = k.encode(), v.encode()
        for x in (k, v):
            out += struct.pack("!B", len(x)) if len(x) < 128 else struct.pack("!I", len(x) | 0x80000000)
        out += k + v
    return out


def fcgi_get(port, script, query):
    """One FastCGI GET request (a new connection, as nginx does by default); returns the body."""
    params = {"SCRIPT_FILENAME": script, "SCRIPT_NAME": "/" + os.path.basename(script), "REQUEST_METHOD": "GET",
              "QUERY_STRING": query, "REQUEST_URI": f"/{os.path.basename(script)}?{query}",
              "SERVER_PROTOCOL": "HTTP/1.1", "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_NAME": "shop.example",
              "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "shop.example"}
    msg = (fcgi_record(1, struct.pack("!HB5x", 1, 0)) + fcgi_record(4, fcgi_pairs(params)) + fcgi_record(4, b"")
           + fcgi_record(5, b""))
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(msg)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    stdout, i = b"", 0
    while i + 8 <= len(data):
        _, kind, _, length, pad, _ = struct.unpack("!BBHHBB", data[i:i + 8])
        if kind == 6:
            stdout += data[i + 8:i + 8 + length]
        i += 8 + length + pad
    head, _, body = stdout.partition(b"\r\n\r\n")
    if b"Status:" in head and b"200" not in head:
        raise RuntimeError(stdout[:500].decode(errors="replace"))
    return body.decode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fpm_part(fix, work, n, base):
    fpm = shutil.which("php-fpm8.2") or "/usr/sbin/php-fpm8.2"
    header = os.path.join(work, "vipps-scoped.h")
    empty = os.path.join(work, "empty.php")
    preload_php = os.path.join(PKG, "preload.php")
    pools = {
        "FFI::cdef per request, opcache off": ["-d", "ffi.enable=true", "-d", "opcache.enable=0"],
        "FFI::cdef per request, opcache on": ["-d", "ffi.enable=true", "-d", "opcache.enable=1"],
        "ffi.preload + opcache.preload": ["-d", "ffi.enable=preload", "-d", f"ffi.preload={header}", "-d",
                                          "opcache.enable=1", "-d", f"opcache.preload={preload_php}"]
        + (["-d", "opcache.preload_user=nobody"] if AS_ROOT else []),
    }
    procs, ports = {}, {}
    try:
        for i, (name, ini) in enumerate(pools.items()):
            d = os.path.join(work, f"fpm{i}")
            os.makedirs(d, exist_ok=True)
            os.chmod(d, 0o755)
            port = free_port()
            user = "user = nobody\ngroup = nogroup\n" if AS_ROOT else ""
            with open(os.path.join(d, "fpm.conf"), "w") as f:
                f.write(f"[global]\npid = {d}/fpm.pid\nerror_log = {d}/fpm.log\ndaemonize = no\n\n"
                        f"[bench]\nlisten = 127.0.0.1:{port}\npm = static\npm.max_children = 1\n{user}"
                        f"clear_env = no\nenv[VIPPS_LIB] = {LIB}\nenv[VIPPS_BENCH_FIXTURES] = {fix}\n")
            procs[name] = subprocess.Popen([fpm, "-F", "-y", os.path.join(d, "fpm.conf")] + ini,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            ports[name] = port
        for name, port in ports.items():  # wait until each answers
            deadline = time.time() + 15
            while True:
                try:
                    fcgi_get(port, COLD, "")
                    break
                except (OSError, RuntimeError):
                    if time.time() > deadline:
                        raise SystemExit(f"php-fpm ({name}) did not answer; see {work}")
                    time.sleep(0.1)
        out = {}
        for op in ("", "get"):
            rt = {k: [] for k in pools}
            inner = {k: [] for k in pools}
            floor = {k: [] for k in pools}
            tokens = {}
            for name, port in ports.items():  # warm up, and count token fetches per pool over n requests
                for _ in range(20):
                    fcgi_get(port, COLD, f"op={op}")
            for name, port in ports.items():
                before = stats(base)
                for _ in range(n):
                    t0 = time.perf_counter()
                    data = json.loads(fcgi_get(port, COLD, f"op={op}"))
                    rt[name].append((time.perf_counter() - t0) * 1e3)
                    inner[name].append(data["client_us"] / 1e3)
                    t0 = time.perf_counter()
                    fcgi_get(port, empty, "")
                    floor[name].append((time.perf_counter() - t0) * 1e3)
                tokens[name] = stats(base) - before
            # a second pass with the pools taking turns request by request, to check the first
            for _ in range(n):
                for name, port in ports.items():
                    t0 = time.perf_counter()
                    data = json.loads(fcgi_get(port, COLD, f"op={op}"))
                    rt[name].append((time.perf_counter() - t0) * 1e3)
                    inner[name].append(data["client_us"] / 1e3)
            out["requests with getPayment" if op else "requests without I/O"] = {
                name: {"roundtrip_ms_median": med(rt[name]), "roundtrip_ms_p90": p90(rt[name]),
                       "empty_script_ms_median": med(floor[name]), "client_ms_median": med(inner[name]),
                       "token_fetches": tokens[name], "requests": n} for name in pools}
        return out
    finally:
        for p in procs.values():
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()


def stats(base):
    with urllib.request.urlopen(base + "/_sim/stats", timeout=10) as r:
        return json.load(r)["token_fetches"]


def main():
    fix, quick = sys.argv[1], sys.argv[2] == "1"
    with open(os.path.join(fix, "base_url")) as f:
        base = f.read().strip()
    work = tempfile.mkdtemp(prefix="vipps-bench-cold-")
    os.chmod(work, 0o755)
    try:
        cli = cli_part(fix, work, 8 if quick else 30)
        fpm = fpm_part(fix, work, 50 if quick else 300, base)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"cli": cli, "fpm": fpm}))


if __name__ == "__main__":
    main()
