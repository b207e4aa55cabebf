"""PHP throughput: the binding vs curl_init per request, at concurrency 1 and 16.

PHP serves one request per process, so concurrency 16 is 16 PHP processes (as php-fpm workers
would be). All workers start at once with one schedule of windows in wall-clock time: in each
window every worker whose index is below the window's concurrency runs one contender's operation
in a loop; the contenders take turns window by window.

    python3 throughput.py FIXTURES_DIR WINDOW_S REPS      → one JSON object on stdout
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    fix, window_s, reps = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    gap = 0.15
    plan = []
    for op in ("get", "capture"):
        for conc in (1, 16):
            plan.append({"who": "binding", "op": op, "conc": conc, "len": 0.3, "warmup": True})
            plan.append({"who": "plain", "op": op, "conc": conc, "len": 0.3, "warmup": True})
            for r in range(reps):
                for who in (("binding", "plain") if r % 2 == 0 else ("plain", "binding")):
                    plan.append({"who": who, "op": op, "conc": conc, "len": window_s, "warmup": False})
    t = time.time() + 3.0  # time for 16 PHP processes to start and warm up
    for w in plan:
        w["start"], w["end"] = t, t + w["len"]
        t = w["end"] + gap
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(plan, f)
        schedule = f.name
    procs = []
    try:
        procs += [subprocess.Popen(["php", "-d", "ffi.enable=true", os.path.join(HERE, "bench.php"), "worker", fix,
                                   str(i), schedule], stdout=subprocess.PIPE, text=True) for i in range(16)]
        outs = []
        for p in procs:
            stdout, _ = p.communicate(timeout=t - time.time() + 60)
            if p.returncode != 0:
                raise SystemExit(f"PHP worker failed ({p.returncode})")
            outs.append(json.loads(stdout.strip().splitlines()[-1])["windows"])
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        os.unlink(schedule)
    results = {}
    for i, w in enumerate(plan):
        if w["warmup"]:
            continue
        count = sum(o[i]["count"] for o in outs)
        elapsed = max(o[i]["elapsed"] for o in outs)
        key = f"{w['op']}_c{w['conc']}"
        results.setdefault(key, {"binding_runs": [], "plain_runs": []})[w["who"] + "_runs"].append(count / elapsed)
    for key, r in results.items():
        r["binding"] = statistics.median(r["binding_runs"])
        r["plain"] = statistics.median(r["plain_runs"])
        r["ratio"] = r["binding"] / r["plain"]
        print(f"php {key}: binding {r['binding']:.0f}/s, curl {r['plain']:.0f}/s", file=sys.stderr)
    print(json.dumps({"plain": "curl_init per request (PHP curl " + subprocess.run(
        ["php", "-r", "echo curl_version()['version'];"], capture_output=True, text=True).stdout + ")",
        "workers": "16 PHP processes (1 active at concurrency 1)", "results": results}))


if __name__ == "__main__":
    main()
