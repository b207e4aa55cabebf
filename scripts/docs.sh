#!/usr/bin/env bash
# `make docs`: the API reference of each language under target/docs (not committed, not part of
# `make test`):
#   target/docs/rust     rustdoc of the library (cargo doc --no-deps, warnings are errors)
#   target/docs/node     TypeDoc of bindings/node/index.d.ts with the generated ApiTypes
#                        (TypeDoc pinned in docs/tools/package-lock.json)
#   target/docs/python   pdoc of the vipps package, api_types included (pinned in
#                        scripts/tools-requirements.txt, installed into target/tools-venv)
#   target/docs/php      scripts/php-api-doc.php: the binding's public methods and their PHPDoc
#   target/docs/types.html  every operation's request and answer fields (scripts/gen-types.py)
# Then scripts/docs-index.py writes index.html and checks that every reference names every
# operation, error kind and webhook event name. Every part runs; the exit status is non-zero
# if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
out=target/docs
rm -rf "$out"
mkdir -p "$out"
failed=()
step() { local name=$1; shift; echo "== $name"; "$@" || failed+=("$name"); }

py=$(scripts/tools-venv.sh) || exit 1

rust() {
    # A warning fails the step, but the reference is still written (without -D warnings).
    local status=0
    RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p vipps || { status=1; cargo doc --no-deps -p vipps 2>/dev/null; }
    cp -r target/doc "$out/rust" && return $status
}
node() {
    (cd docs/tools && { [ -x node_modules/.bin/typedoc ] || npm ci --no-audit --no-fund --loglevel=error; }) &&
    docs/tools/node_modules/.bin/typedoc --tsconfig docs/tools/tsconfig.typedoc.json \
        --entryPoints bindings/node/index.d.ts --readme bindings/node/README.md \
        --name "unofficial-vipps for Node" --disableSources --out "$out/node"
}
python() {
    PYTHONPATH=bindings/python/src "$py" -W ignore -m pdoc -o "$out/python" \
        vipps vipps.api_types vipps.types vipps.errors vipps.money vipps.web
}
php_page() {
    mkdir -p "$out/php" && php scripts/php-api-doc.php "$out/php/index.html"
}

step "types: fields of every request and answer" "$py" scripts/gen-types.py --docs "$out/types.md"
step "rust: cargo doc" rust
step "node: TypeDoc" node
step "python: pdoc" python
step "php: scripts/php-api-doc.php" php_page
step "index and coverage" "$py" scripts/docs-index.py

if [ "${#failed[@]}" -gt 0 ]; then
    printf 'make docs: FAILED: %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "make docs: $PWD/$out/index.html"
