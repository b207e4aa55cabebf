#!/usr/bin/env python3
"""The last step of `make docs`: renders target/docs/types.md (the fields of every request and
answer, from scripts/gen-types.py) to HTML, writes target/docs/index.html, and checks that each
language's reference names every operation of include/vipps.h, every error kind and every
webhook event name, so a reference that misses one fails instead of rotting quietly.

Run with the Python of target/tools-venv (pdoc brings the Markdown renderer)."""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from pdoc import markdown2

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "target/docs"
NOT_OPERATIONS = {"vipps_abi_version", "vipps_version", "vipps_client_new", "vipps_client_free",
                  "vipps_string_free"}
# Pages (globs) of each reference that together must name everything (absent ones are reported).
PAGES = {
    "Rust (rustdoc)": ["rust/vipps/all.html", "rust/vipps/**/struct.Client.html", "rust/vipps/**/enum.ErrorKind.html",
                       "types.html"],
    "Node (TypeDoc)": ["node/classes/Client.html", "node/types/ErrorKind.html",
                       "node/types/ApiTypes.WebhookEventName.html", "node/functions/makeOrderId.html",
                       "node/functions/idempotencyKey.html"],
    "Python (pdoc)": ["python/vipps.html", "python/vipps/api_types.html"],
    "PHP (generated page)": ["php/index.html"],
}
NAMING = {"Rust (rustdoc)": "snake", "Node (TypeDoc)": "camel", "Python (pdoc)": "snake",
          "PHP (generated page)": "camel"}
LINKS = {"Rust (rustdoc)": "rust/vipps/index.html", "Node (TypeDoc)": "node/index.html",
         "Python (pdoc)": "python/vipps.html", "PHP (generated page)": "php/index.html"}


def camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(p.capitalize() for p in rest)


def operations() -> list[str]:
    header = (REPO / "include/vipps.h").read_text()
    names = set(re.findall(r"\b(vipps_[a-z_]+)\s*\(", header)) - NOT_OPERATIONS
    return sorted(n.removeprefix("vipps_") for n in names)


def main() -> int:
    md = (DOCS / "types.md").read_text()
    body = markdown2.markdown(md, extras=["tables", "header-ids", "fenced-code-blocks"])
    (DOCS / "types.html").write_text(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>vipps: requests and answers"
        "</title><style>body{font-family:sans-serif;max-width:70rem;margin:auto;padding:1rem}td,th{border:1px "
        "solid #ccc;padding:.2rem .5rem}</style></head><body>" + body + "</body></html>\n")
    kinds = re.findall(r"`(\w+)`", md.split("The error kinds: ", 1)[1].split("\n", 1)[0])
    events = re.findall(r"`([\w.]+)`", md.split("The webhook event names: ", 1)[1].split("\n", 1)[0])
    ops = operations()
    missing_all: list[str] = []
    rows = []
    for lang, pages in PAGES.items():
        texts = []
        for page in pages:
            paths = sorted(DOCS.glob(page))  # a glob: the Rust items may move between modules
            texts += [html.unescape(p.read_text()) for p in paths]
            if not paths:
                missing_all.append(f"{lang}: {page} was not generated")
        text = "\n".join(texts)
        names = [op if NAMING[lang] == "snake" else camel(op) for op in ops]
        missing = [n for n in names if not re.search(rf"\b{n}\b", text)]
        missing += [k for k in kinds if k not in text]
        missing += [e for e in events if e not in text]
        missing_all += [f"{lang}: does not name {m}" for m in missing]
        rows.append(f"<li><a href=\"{LINKS[lang]}\">{lang}</a></li>")
    (DOCS / "index.html").write_text(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>vipps API reference</title></head>"
        "<body><h1>vipps: API reference</h1><ul>" + "".join(rows) +
        "<li><a href=\"types.html\">Requests and answers of every operation (all languages)</a></li></ul>"
        f"<p>{len(ops)} operations, {len(kinds)} error kinds, {len(events)} webhook event names.</p></body></html>\n")
    for m in missing_all:
        print(f"docs: {m}", file=sys.stderr)
    print(f"docs: {DOCS / 'index.html'} ({len(ops)} operations, {len(kinds)} error kinds, "
          f"{len(events)} webhook event names checked in {len(PAGES)} references)")
    return 1 if missing_all else 0


if __name__ == "__main__":
    sys.exit(main())
