"""``python -m vipps.check``: finds the vipps-check binary and passes arguments and exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import PACKAGE, REPO, Sim

CHECK_BIN = REPO / "target" / "debug" / "vipps-check"


def run(args: list, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("VIPPS_")}
    environment["PYTHONPATH"] = str(PACKAGE / "src")
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "vipps.check", *args],
        capture_output=True, text=True, env=environment, timeout=120,
    )


def test_runs_the_check_against_the_simulator(sim: Sim) -> None:
    done = run(["--base-url", sim.url, "--json"], VIPPS_CHECK=str(CHECK_BIN))
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["passed"] is True
    assert [r["name"] for r in report["rows"]][:2] == ["epayment_refund", "epayment_cancel"]


def test_production_is_refused_with_the_binary_exit_code() -> None:
    done = run(["--environment", "production"], VIPPS_CHECK=str(CHECK_BIN))
    assert done.returncode == 2
    assert "refused" in done.stderr


def test_without_the_binary_it_says_how_to_build_it(tmp_path: Path) -> None:
    done = run(["--help"], PATH=str(tmp_path))
    assert done.returncode == 2
    assert "cargo build --release --bin vipps-check" in done.stderr
