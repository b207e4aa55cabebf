#!/usr/bin/env python3
"""Runs every code example of the READMEs as written, so the documentation cannot rot.

`make test-docs` runs it under scripts/with-sim.sh (a freshly started simulator, its URL in
VIPPS_BASE_URL) with VIPPS_LIB set to the library just built.

Which blocks run: every fenced block tagged python, js, php, c or sh in README.md,
bindings/*/README.md, e2e/README.md and examples/*/README.md. A block that is an illustration
only is preceded by `<!-- not run: why -->` (the reason is required); json, ini and text blocks
are data, not code, and never run. Each block runs on its own, from the repository root, with
a 60-second limit, and must exit 0:

  python  python3 FILE, with bindings/python/src on PYTHONPATH (`import vipps`);
  js      node FILE, the block inside an async function (so `await` works as in a REPL or an
          ES module) and `require('unofficial-vipps')` resolving to bindings/node; a failed
          console.assert fails the block;
  php     php -d ffi.enable=true (assertions on), with bindings/php/autoload.php prepended (the README's
          "Install" says how a shop loads it) and `<?php` added when the block omits it;
  sh      bash -e FILE;
  c       compiled against include/ and target/debug/libvipps.so, then run.

Usage: run-readme-examples.py [--list] [FILTER]   (FILTER: a substring of "file:line")
       run-readme-examples.py --self-test         (the marker rules and a failing block; no simulator)
"""

from __future__ import annotations

import glob
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "target/readme-examples"
RUNNABLE = {"python", "js", "php", "c", "sh"}
FENCE = re.compile(r"^```([\w+-]*)\s*$")
NOT_RUN = re.compile(r"^<!--\s*not run:\s*(.*?)\s*-->$")
TIMEOUT_S = 60


@dataclass
class Block:
    file: str
    line: int  # of the opening fence, 1-based
    lang: str
    code: str
    skip: str | None  # the reason, for an illustration-only block

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def readmes() -> list[Path]:
    patterns = ["README.md", "bindings/*/README.md", "e2e/README.md", "examples/*/README.md"]
    return [Path(p) for pat in patterns for p in sorted(glob.glob(str(REPO / pat)))]


def blocks_of(path: Path) -> list[Block]:
    """The fenced blocks of one README; a `not run` marker must stand right before a code block."""
    rel = str(path.relative_to(REPO))
    lines = path.read_text().splitlines()
    out: list[Block] = []
    marker: tuple[int, str] | None = None
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        skip = NOT_RUN.match(lines[i].strip())
        if skip:
            if not skip.group(1):
                raise SystemExit(f"{rel}:{i + 1}: `not run` needs a reason")
            marker = (i, skip.group(1))
        elif m:
            start, lang = i, m.group(1)
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                i += 1
            reason = marker[1] if marker and marker[0] == start - 1 else None
            if marker and reason is None:
                raise SystemExit(f"{rel}:{marker[0] + 1}: `not run` must be the line right before a block")
            if reason and lang not in RUNNABLE:
                raise SystemExit(f"{rel}:{marker[0] + 1}: `not run` before a {lang or 'plain'} block, which never runs")
            out.append(Block(rel, start + 1, lang, "\n".join(lines[start + 1:i]) + "\n", reason))
            marker = None
        elif lines[i].strip() and marker:
            raise SystemExit(f"{rel}:{marker[0] + 1}: `not run` must be the line right before a block")
        i += 1
    return out


def prepare(block: Block) -> list[str]:
    """Writes the block to a file under target/readme-examples and returns the command to run it."""
    stem = WORK / re.sub(r"[^A-Za-z0-9]+", "-", block.where).strip("-")
    if block.lang == "python":
        path = stem.with_suffix(".py")
        path.write_text(block.code)
        return [sys.executable, str(path)]
    if block.lang == "js":
        path = stem.with_suffix(".js")
        path.write_text("(async () => {\n" + block.code +
                        "})().catch((e) => { console.error(e); process.exit(1); });\n")
        return ["node", str(path)]
    if block.lang == "php":
        path = stem.with_suffix(".php")
        code = block.code if block.code.lstrip().startswith("<?php") else "<?php\n" + block.code
        path.write_text(code)
        return ["php", "-d", "ffi.enable=true", "-d", "zend.assertions=1", "-d", "assert.exception=1",
                "-d", f"auto_prepend_file={REPO}/bindings/php/autoload.php", str(path)]
    if block.lang == "sh":
        path = stem.with_suffix(".sh")
        path.write_text(block.code)
        return ["bash", "-e", str(path)]
    if block.lang == "c":
        src, exe = stem.with_suffix(".c"), stem.with_suffix(".bin")
        src.write_text(block.code)
        lib = REPO / "target/debug"
        subprocess.run(["cc", "-std=c11", "-Wall", "-Werror", f"-I{REPO}/include", str(src), f"-L{lib}",
                        "-lvipps", f"-Wl,-rpath,{lib}", "-o", str(exe)], check=True)
        return [str(exe)]
    raise ValueError(block.lang)


def environment() -> dict[str, str]:
    env = dict(os.environ)
    if "VIPPS_BASE_URL" not in env:
        raise SystemExit("VIPPS_BASE_URL is not set: run me with scripts/with-sim.sh (make test-docs)")
    env.setdefault("VIPPS_LIB", str(REPO / "target/debug/libvipps.so"))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "bindings/python/src"), env.get("PYTHONPATH")]))
    # require('unofficial-vipps') from the example files resolves through this link.
    modules = WORK / "node_modules"
    modules.mkdir(parents=True, exist_ok=True)
    link = modules / "unofficial-vipps"
    if not link.is_symlink():
        link.symlink_to(REPO / "bindings/node")
    return env


def run(block: Block, env: dict[str, str]) -> tuple[bool, str]:
    """Runs one block: (it exited 0, its output)."""
    try:
        done = subprocess.run(prepare(block), cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired as e:
        return False, f"timed out after {TIMEOUT_S} s\n{e.stdout or ''}{e.stderr or ''}"
    except subprocess.CalledProcessError as e:
        return False, f"did not compile: {e}"
    output = done.stdout + done.stderr
    # console.assert only prints: a failed one fails the example too.
    ok = done.returncode == 0 and not (block.lang == "js" and "Assertion failed" in done.stderr)
    return ok, output


def self_test() -> int:
    """The rules hold: a misplaced or empty marker is refused, a marked block is skipped, and a
    failing block fails (so a checker that passes everything cannot hide here)."""
    WORK.mkdir(parents=True, exist_ok=True)
    sample = WORK / "SELF-TEST.md"

    def parse(text: str) -> list[Block] | str:
        sample.write_text(text)
        try:
            return blocks_of(sample)
        except SystemExit as e:
            return str(e)

    assert "needs a reason" in str(parse("<!-- not run: -->\n```sh\ntrue\n```\n"))
    assert "right before" in str(parse("<!-- not run: x -->\n\n```sh\ntrue\n```\n"))
    assert "never runs" in str(parse("<!-- not run: x -->\n```json\n{}\n```\n"))
    blocks = parse("<!-- not run: why -->\n```sh\nexit 1\n```\n```sh\nexit 3\n```\n```python\nx = 1\n```\n")
    assert not isinstance(blocks, str)
    assert [(b.lang, b.skip) for b in blocks] == [("sh", "why"), ("sh", None), ("python", None)], blocks
    env = dict(os.environ, PYTHONPATH="")
    assert run(blocks[1], env)[0] is False and run(blocks[2], env)[0] is True
    js = Block("SELF-TEST.md", 9, "js", "console.assert(1 === 2);\n", None)
    assert run(js, env)[0] is False
    sample.unlink()
    print("run-readme-examples self-test: ok")
    return 0


def main() -> int:
    if "--self-test" in sys.argv:
        return self_test()
    args = [a for a in sys.argv[1:] if a != "--list"]
    only = args[0] if args else ""
    found = [b for p in readmes() for b in blocks_of(p) if b.lang in RUNNABLE and only in b.where]
    if "--list" in sys.argv:
        for b in found:
            print(f"{b.where:40} {b.lang:7} {'not run: ' + b.skip if b.skip else 'runs'}")
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    env = environment()
    failed = 0
    ran = 0
    for b in found:
        if b.skip:
            print(f"-  {b.where} ({b.lang}) not run: {b.skip}")
            continue
        started = time.monotonic()
        ok, output = run(b, env)
        ran += 1
        print(f"{'✓' if ok else '✗'}  {b.where} ({b.lang}, {time.monotonic() - started:.1f} s)")
        if not ok:
            failed += 1
            print("   " + output.strip().replace("\n", "\n   "))
    skipped = sum(1 for b in found if b.skip)
    print(f"README examples: {ran - failed} of {ran} ran as written, {skipped} marked `not run`")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
