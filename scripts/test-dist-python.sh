#!/usr/bin/env bash
# test-dist part (scripts/test-dist.sh runs it in an empty folder outside the repository): a fresh
# venv, `pip install` of the wheel and of the simulator wheel (no index: only these files), then a
# full payment against `vipps_sim.Simulator` with the library loaded from the installed package.
set -euo pipefail
python3 -m venv venv
venv/bin/python -m pip install --quiet --disable-pip-version-check --no-index \
    "$ARTIFACTS/unofficial_vipps-$VERSION-py3-none-manylinux_2_17_x86_64.whl" \
    "$ARTIFACTS/unofficial_vipps_sim-$VERSION-py3-none-manylinux_2_17_x86_64.whl"
case "$(venv/bin/vipps-sim --help)" in *"usage: vipps-sim"*) ;; *) echo "the vipps-sim console script does not run" >&2; exit 1 ;; esac
cat >pay.py <<'PY'
import pathlib, sys, uuid

import vipps
import vipps_sim

here = pathlib.Path.cwd()
package = pathlib.Path(vipps.__file__).resolve().parent
assert package.is_relative_to(here / "venv"), package
with vipps_sim.Simulator() as sim, vipps.Client(base_url=sim.url, system_name="dist-test", system_version="1",
                                                plugin_name="dist-test", plugin_version="1") as client:
    assert vipps.library_path() == package / "libvipps.so", vipps.library_path()
    assert vipps.version() == sys.argv[1], vipps.version()
    ref = "dist-py-" + uuid.uuid4().hex[:12]
    amount = {"value": 49900, "currency": "NOK"}
    client.create_payment({"reference": ref, "amount": amount, "paymentMethod": {"type": "WALLET"},
                           "userFlow": "WEB_REDIRECT", "returnUrl": "https://shop.example/return",
                           "paymentDescription": "dist test"})
    client.force_approve(reference=ref, customer={"phoneNumber": "4791234567"})
    assert client.capture(reference=ref, amount=amount)["normalized"]["status"] == "captured"
    refunded = client.refund(reference=ref, amount={"value": 9900, "currency": "NOK"})
    assert refunded["normalized"]["status"] == "partially_refunded", refunded["normalized"]
    print(f"   libvipps {vipps.version()} from {vipps.library_path().relative_to(here)}: created, approved,"
          f" captured, refunded ({refunded['normalized']['status']})")
PY
venv/bin/python pay.py "$VERSION"
