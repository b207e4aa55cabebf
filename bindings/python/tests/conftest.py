"""Fixtures: the simulator as a subprocess, clients against it, and /_sim helpers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable, Iterator, List, Optional

import pytest

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent
REPO = PACKAGE.parent.parent

# Test the source tree, not an installed copy.
sys.path.insert(0, str(PACKAGE / "src"))

import vipps  # noqa: E402


def sim_binary() -> Path:
    explicit = os.environ.get("VIPPS_SIM_BIN")
    path = Path(explicit) if explicit else REPO / "target" / "debug" / "vipps-sim"
    if not path.is_file():
        pytest.fail(f"{path} not found: build it with `cargo build -p vipps -p vipps-sim`")
    return path


class Sim:
    """A running vipps-sim and its /_sim test-control API."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [str(sim_binary()), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("http://"):
            self.process.kill()
            raise RuntimeError(f"vipps-sim did not print its URL: {line!r}")
        self.url = line

    def request(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=10) as response:
            text = response.read()
        return json.loads(text) if text else None

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, body if body is not None else {})

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def fault(self, **fault: Any) -> None:
        self.post("/_sim/faults", fault)

    def approve(self, reference: str) -> Any:
        return self.post(f"/_sim/payments/{reference}/approve")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def base_config(url: str, **overrides: Any) -> dict:
    config = {
        "base_url": url,
        "system_name": "pytest",
        "system_version": "1.0",
        "plugin_name": "vipps-python-tests",
        "plugin_version": vipps.__version__,
        "callback_secret": "pytest-callback-secret-0123456789",
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def sim() -> Iterator[Sim]:
    server = Sim()
    yield server
    server.stop()


@pytest.fixture
def fresh_sim() -> Iterator[Sim]:
    """A simulator of its own: a new base URL, so no access token is cached for it yet."""
    server = Sim()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _clear_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "sim" in request.fixturenames:
        server = request.getfixturevalue("sim")
        server.request("DELETE", "/_sim/faults")


@pytest.fixture
def make_client(sim: Sim) -> Iterator[Callable[..., vipps.Client]]:
    clients: List[vipps.Client] = []

    def make(url: Optional[str] = None, **overrides: Any) -> vipps.Client:
        client = vipps.Client(base_config(url or sim.url, **overrides))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., vipps.Client]) -> vipps.Client:
    return make_client()


def new_reference(prefix: str = "py") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def payment_request(reference: str, value: int = 10000, **extra: Any) -> dict:
    request = {
        "amount": {"value": value, "currency": "NOK"},
        "paymentMethod": {"type": "WALLET"},
        "reference": reference,
        "userFlow": "WEB_REDIRECT",
        "returnUrl": "https://shop.example/return",
        "paymentDescription": "A test payment",
    }
    request.update(extra)
    return request


def session_request(reference: str, value: int = 49900, callback_url: str = "https://shop.example/vipps/callback") -> dict:
    return {
        "merchantInfo": {"callbackUrl": callback_url, "returnUrl": "https://shop.example/return"},
        "transaction": {
            "amount": {"value": value, "currency": "NOK"},
            "reference": reference,
            "paymentDescription": "Two pairs of socks",
        },
    }


def http_status_of(url: str, data: bytes, headers: dict) -> int:
    req = urllib.request.Request(url, data=data, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
