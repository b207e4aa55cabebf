"""``python -m vipps.check``: runs ``vipps-check``, the go-live check (README "Go-live check").

The check is a native command built from the same workspace as libvipps; this module only finds
it and runs it with the same arguments and exit code. Where it looks, in order: ``VIPPS_CHECK``
(a path), ``bin/vipps-check`` inside this package (where a packaged build puts it), then
``vipps-check`` on ``PATH``. When none is there it says how to build it and exits 2.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Optional

BUILD_HINT = (
    "vipps-check was not found. Build it from the vipps repository with\n"
    "  cargo build --release --bin vipps-check\n"
    "then set VIPPS_CHECK=/path/to/target/release/vipps-check (or put it on PATH).\n"
)


def find_binary() -> Optional[str]:
    """The path of the vipps-check binary, or None."""
    explicit = os.environ.get("VIPPS_CHECK")
    if explicit:
        return explicit
    packaged = Path(__file__).resolve().parent / "bin" / "vipps-check"
    if packaged.is_file() and os.access(packaged, os.X_OK):
        return str(packaged)
    return shutil.which("vipps-check")


def main(argv: Optional[List[str]] = None) -> int:
    binary = find_binary()
    if binary is None:
        sys.stderr.write(BUILD_HINT)
        return 2
    args = sys.argv[1:] if argv is None else argv
    return subprocess.call([binary, *args])


if __name__ == "__main__":
    sys.exit(main())
