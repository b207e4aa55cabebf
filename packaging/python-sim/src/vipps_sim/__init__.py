"""vipps-sim, the offline Vipps MobilePay simulator, shipped inside this package.

``vipps-sim`` (the console script) runs it; :class:`Simulator` starts one on a free port for a
test and stops it afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import List, Optional

__all__ = ["Simulator", "binary", "main"]


def binary() -> Path:
    """The path of the vipps-sim executable inside this package."""
    return Path(__file__).resolve().parent / "bin" / "vipps-sim"


def main() -> None:
    """The ``vipps-sim`` console script: runs the executable with this process's arguments."""
    path = str(binary())
    os.execv(path, [path, *sys.argv[1:]])


class Simulator:
    """A running vipps-sim: ``url`` is its base URL. A context manager; ``stop()`` ends it."""

    def __init__(self, args: Optional[List[str]] = None, port: int = 0) -> None:
        self._process = subprocess.Popen([str(binary()), "--port", str(port), *(args or [])],
                                         stdout=subprocess.PIPE, text=True)
        assert self._process.stdout is not None
        # The first line of stdout is the base URL; it comes once the port is bound.
        line = self._process.stdout.readline().strip()
        if not line.startswith("http://"):
            self.stop()
            raise RuntimeError(f"vipps-sim did not start (printed {line!r})")
        self.url = line
        # Whatever it prints later is read and dropped, so that a full pipe never blocks it.
        threading.Thread(target=self._process.stdout.read, daemon=True).start()

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def __enter__(self) -> "Simulator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
