"""The shared conformance cases (conformance/README.md), run through the Python binding."""

from __future__ import annotations

import copy
import json
import re
import uuid
from typing import Any, Dict, List, Optional

import pytest

import vipps
from conftest import REPO

CASES = REPO / "conformance" / "cases"
BASE_CONFIG = json.loads((REPO / "conformance" / "config.json").read_text())
PRESENT = "<present>"
HELPERS = {"make_order_id": vipps.make_order_id, "idempotency_key": vipps.idempotency_key, "build_receipt": vipps.build_receipt}


def substitute(value: Any, names: Dict[str, Any]) -> Any:
    if isinstance(value, str):
        whole = re.fullmatch(r"\{\{(\w+)\}\}", value)
        if whole and whole.group(1) in names:
            return copy.deepcopy(names[whole.group(1)])
        return re.sub(r"\{\{(\w+)\}\}", lambda m: str(names[m.group(1)]), value)
    if isinstance(value, list):
        return [substitute(item, names) for item in value]
    if isinstance(value, dict):
        return {key: substitute(item, names) for key, item in value.items()}
    return value


def merge(base: Dict[str, Any], overrides: Dict[str, Any]) -> Dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def matches(actual: Any, expected: Any, where: str, problems: List[str]) -> None:
    if expected == PRESENT:
        if actual is None:
            problems.append(f"{where}: missing")
    elif isinstance(expected, dict):
        if not isinstance(actual, dict):
            problems.append(f"{where}: {actual!r} is not an object")
            return
        for key, value in expected.items():
            matches(actual.get(key), value, f"{where}.{key}", problems)
    elif actual != expected or type(actual) is not type(expected):
        problems.append(f"{where}: {actual!r} != {expected!r}")


def dig(data: Any, path: str) -> Any:
    for part in [] if path == "." else path.split("."):
        data = data[part]
    return data


def call(client: Optional[vipps.Client], step: Dict[str, Any], names: Dict[str, Any]) -> Any:
    operation = step["call"]
    request = substitute(step.get("request", {}), names)
    if operation in HELPERS:
        return HELPERS[operation](request)
    assert client is not None
    method = getattr(client, operation)  # an operation the binding lacks fails here
    if operation == "handle_callback":
        return method(request, substitute(step.get("body", ""), names).encode())
    return method(request)


def run(case: Dict[str, Any], sim_url: str, sim: Any) -> None:
    names: Dict[str, Any] = {"reference": f"conf-{uuid.uuid4().hex[:20]}", "sim_url": sim_url}
    config = merge(BASE_CONFIG, case.get("config", {}))
    client: Optional[vipps.Client] = None
    try:
        for number, step in enumerate(case["steps"], 1):
            if "sim" in step:
                method, path = step["sim"].split(" ", 1)
                sim.request(method, substitute(path, names), substitute(step.get("body"), names) if method != "GET" else None)
                continue
            expect = substitute(step.get("expect", {"ok": True}), names)
            problems: List[str] = []
            try:
                if step["call"] == "client_new":
                    vipps.Client(substitute(merge(config, step.get("request", {})), names)).close()
                    result: Any = None
                else:
                    if client is None and step["call"] not in HELPERS:
                        client = vipps.Client(substitute(config, names))
                    result = call(client, step, names)
            except vipps.VippsError as error:
                assert not expect["ok"], f"step {number} ({step['call']}) raised {error!r}"
                kind = expect["error"]["kind"]
                assert type(error) is vipps.ERROR_CLASSES[kind], f"step {number}: {type(error).__name__} for {kind}"
                fields = {name: getattr(error, name) for name in ("kind", "retryable", "http_status", "error_code", "idempotency_key")}
                matches(fields, expect["error"], "error", problems)
            else:
                assert expect["ok"], f"step {number} ({step['call']}) succeeded: {result!r}"
                if "value" in expect:
                    matches(result, expect["value"], "value", problems)
                else:
                    matches(result, expect.get("data", {}), "data", problems)
                for name, path in step.get("save", {}).items():
                    names[name] = dig(result, path)
            assert not problems, f"step {number} ({step['call']}): " + "; ".join(problems)
    finally:
        if client is not None:
            client.close()


@pytest.mark.parametrize("path", sorted(CASES.glob("*.json")), ids=lambda p: p.stem)
def test_conformance_case(path, sim) -> None:
    run(json.loads(path.read_text()), sim.url, sim)


def test_there_are_at_least_forty_cases() -> None:
    assert len(list(CASES.glob("*.json"))) >= 40
