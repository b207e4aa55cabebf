"""fork() while other threads are inside the client (issue 15 #4): the child never waits on a
lock or an in-flight count taken in the parent."""

from __future__ import annotations

import os
import signal
import threading
import time
import warnings

import pytest

import vipps
from conftest import base_config, new_reference, payment_request

CHILDREN = 500
WINDOW = 8  # children running at once
HANG_SECONDS = 5  # a child still running after this is hung (its calls end within total_ms)


def _child(client: vipps.Client, reference: str) -> None:
    """One call that needs the child's own token and connections, then close(). Never returns."""
    code = 1
    try:
        signal.alarm(HANG_SECONDS)  # a hung child dies of SIGALRM
        answer = client.get_payment(reference=reference)
        client.close()  # waited forever on the in-flight count copied from the parent
        code = 0 if answer["reference"] == reference and client.closed else 1
    finally:
        os._exit(code)


def _wait_any(children: dict) -> tuple:
    """Polls until one child ends; (pid, status), or (pid, None) for a child that outlived its
    deadline (killed here, a backstop to the child's own alarm). children: pid -> deadline."""
    while True:
        for pid in list(children):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                del children[pid]
                return pid, status
            if time.monotonic() > children[pid]:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                del children[pid]
                return pid, None
        time.sleep(0.001)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_forked_children_of_a_busy_parent_call_and_close(sim) -> None:
    config = base_config(sim.url, timeouts={"connect_ms": 1000, "request_ms": 3000, "total_ms": 3000})
    client = vipps.Client(config)
    reference = new_reference("fork")
    client.create_payment(payment_request(reference))
    stop = threading.Event()
    busy_calls = [0]
    errors: list = []

    def busy(n: int) -> None:
        i = 0
        while not stop.is_set():
            try:
                if i % 2:
                    client.create_payment(payment_request(new_reference(f"busy{n}")))
                else:
                    assert client.get_payment(reference=reference)["reference"] == reference
                busy_calls[0] += 1
            except BaseException as exc:  # reported below
                errors.append(exc)
                return
            i += 1

    threads = [threading.Thread(target=busy, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    ok = failed = hung = 0
    try:
        while busy_calls[0] < 8:  # the threads are calling before the first fork
            assert time.monotonic() - started < 10, "the busy threads made no calls"
            time.sleep(0.001)
        children: dict = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # 3.12: fork() of a threaded process
            for _ in range(CHILDREN):
                while len(children) >= WINDOW:
                    _, status = _wait_any(children)
                    ok, failed, hung = _count(status, ok, failed, hung)
                pid = os.fork()
                if pid == 0:
                    _child(client, reference)
                children[pid] = time.monotonic() + HANG_SECONDS + 5
            while children:
                _, status = _wait_any(children)
                ok, failed, hung = _count(status, ok, failed, hung)
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
    elapsed = time.monotonic() - started
    print(f"\n{CHILDREN} forks of a parent with 8 busy threads: {ok} ok, {failed} failed, {hung} hung; "
          f"{busy_calls[0]} parent calls; {elapsed:.1f} s")
    assert not errors, errors
    assert (ok, failed, hung) == (CHILDREN, 0, 0)
    # the parent's client is unharmed and closes normally
    assert client.get_payment(reference=reference)["reference"] == reference
    client.close()


def _count(status, ok: int, failed: int, hung: int) -> tuple:
    if status is None or (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM):
        return ok, failed, hung + 1
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
        return ok + 1, failed, hung
    return ok, failed + 1, hung


def test_the_loader_lock_held_at_a_fork_is_a_new_lock_in_the_child() -> None:
    from vipps import _lib

    with _lib._lock:  # another thread of the parent, mid-load, at the moment of the fork
        pid = os.fork()
        if pid == 0:
            ok = _lib._lock.acquire(timeout=2)
            os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, "the child waited on the parent's lock"
