"""Python contender of bench/wan (run.py drives it): N sequential calls over HTTPS.

    python3 wan.py FIXTURES RTT lib|requests get|capture N   -> {"first_ms": x, "ms": [...]}

lib: the binding (vipps.Client, one per process, keep-alive). requests: a requests.Session
(keep-alive) with the access token fetched beforehand (not timed), verify= the simulator's CA.
The first call is reported apart (it opens the connection; the binding's also fetches the token).
"""
import json
import os
import sys
import time
import uuid

fix, rtt, mode, op, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])


def read(name):
    with open(os.path.join(fix, name)) as f:
        return f.read().strip()


base, ca = read(f"base_{rtt}"), os.path.join(fix, "ca.pem")
read_ref, cap_ref = read("ref_get"), read(f"ref_{mode}_{rtt}")
ONE = {"value": 1, "currency": "NOK"}

if mode == "lib":
    import vipps

    client = vipps.Client({"base_url": base, "tls": {"ca_file": ca}, "system_name": "bench",
                           "system_version": "1.0", "plugin_name": "vipps-wan", "plugin_version": "1.0"})

    def call():
        if op == "get":
            client.get_payment(reference=read_ref)
        else:
            client.capture(reference=cap_ref, amount=ONE)
else:
    import requests

    session = requests.Session()
    # verify= on each request: a Session's own verify loses against REQUESTS_CA_BUNDLE from the
    # environment (requests merges the environment's setting in at request level).
    session.headers.update({
        "Authorization": "Bearer " + read("token"), "Ocp-Apim-Subscription-Key": "sim-subscription-key",
        "Merchant-Serial-Number": "123456", "Vipps-System-Name": "bench", "Vipps-System-Version": "1.0",
        "Vipps-System-Plugin-Name": "vipps-wan", "Vipps-System-Plugin-Version": "1.0"})

    def call():
        if op == "get":
            r = session.get(f"{base}/epayment/v1/payments/{read_ref}", verify=ca)
        else:
            r = session.post(f"{base}/epayment/v1/payments/{cap_ref}/capture", json={"modificationAmount": ONE},
                             headers={"Idempotency-Key": str(uuid.uuid4())}, verify=ca)
        if r.status_code != 200:
            raise SystemExit(f"{op}: {r.status_code} {r.text[:300]}")
        r.json()


def timed():
    t0 = time.perf_counter()
    call()
    return (time.perf_counter() - t0) * 1e3


first = timed()
print(json.dumps({"first_ms": first, "ms": [timed() for _ in range(n)]}))
