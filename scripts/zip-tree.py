#!/usr/bin/env python3
"""Zips the files under DIR into ZIP, named relative to DIR: sorted, with the modes kept and one
time for every entry (SOURCE_DATE_EPOCH, else the last commit's time), so the same tree always
gives the same bytes. Python's zipfile rather than zip(1), which a fresh machine may lack.

    scripts/zip-tree.py DIR ZIP
"""

import os
import subprocess
import sys
import time
import zipfile


def stamp() -> tuple:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], capture_output=True, text=True).stdout.strip() or "0"
    # Zip times start in 1980.
    return time.gmtime(max(int(epoch), 315532800))[:6]


def main(src: str, dest: str) -> None:
    when = stamp()
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for folder, dirs, files in sorted(os.walk(src)):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(folder, name)
                info = zipfile.ZipInfo(os.path.relpath(path, src), when)
                info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                with open(path, "rb") as f:
                    z.writestr(info, f.read())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
