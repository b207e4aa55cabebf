#!/usr/bin/env bash
# make test-oscar: the django-oscar integration (integrations/django-oscar) end to end.
# A venv under target/oscar with django-oscar and its dependencies at the versions pinned in
# integrations/django-oscar/tests/requirements.txt, installed from PyPI (kept between local runs
# while the pins are unchanged; a fresh clone installs them), plus the binding and simulator
# wheels of `make dist` and the app itself, reinstalled every run. Then the scratch shop's tests
# (migrations on SQLite, checkout, webhooks into Django's live server, dispatch, refund, a forged
# and a lost webhook).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
started=$(date +%s)
VERSION="$(scripts/check-versions.sh)"
APP=integrations/django-oscar
REQUIREMENTS="$APP/tests/requirements.txt"
VENV=target/oscar/venv
PY="$VENV/bin/python"
PIP=("$PY" -m pip install --quiet --disable-pip-version-check)

# Debian's Chromium and e2e/'s playwright-core for the browser test (installed when missing).
scripts/demo-setup.sh --browser
pins="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [ "$(cat "$VENV/.pins" 2>/dev/null)" != "$pins" ]; then
    echo "== django-oscar: installing the pinned platform from PyPI into $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "${PIP[@]}" -r "$REQUIREMENTS"
    echo "$pins" >"$VENV/.pins"
fi
"${PIP[@]}" --force-reinstall --no-deps --no-index \
    "target/dist/unofficial_vipps-$VERSION-py3-none-manylinux_2_17_x86_64.whl" \
    "target/dist/unofficial_vipps_sim-$VERSION-py3-none-manylinux_2_17_x86_64.whl"
"${PIP[@]}" --force-reinstall --no-deps --no-build-isolation "./$APP"
rm -rf "$APP/build" "$APP"/*.egg-info
"$PY" -m pip check >/dev/null
echo "== django-oscar $("$PY" -c 'import oscar; print(oscar.get_version())'), Django $("$PY" -c 'import django; print(django.get_version())'), installed in $(($(date +%s) - started)) s"

export E2E_SCREENSHOTS="$ROOT/target/e2e-screenshots"
rm -f "$E2E_SCREENSHOTS"/oscar-*.png
export OSCAR_TEST_DATA="$ROOT/target/oscar/data"
mkdir -p "$OSCAR_TEST_DATA"
tests_started=$(date +%s)
(cd "$APP/tests" && "$ROOT/$PY" -W ignore::UserWarning manage.py test --noinput shop)
echo "== django-oscar tests passed in $(($(date +%s) - tests_started)) s ($(($(date +%s) - started)) s with the install)"
