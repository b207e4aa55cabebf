#!/usr/bin/env bash
# make test-medusa: the Medusa v2 payment provider (integrations/medusa) end to end.
# A scratch Medusa app under target/medusa/app: Medusa at the versions pinned in
# integrations/medusa/tests/app/package-lock.json, installed from the npm registry with `npm ci`
# (kept between local runs while the lock is unchanged; a fresh clone installs it), plus the npm
# tarballs of `make dist` (the binding, its platform package, the simulator) and the provider
# packed from integrations/medusa, reinstalled every run. Then Debian's PostgreSQL in a temporary
# folder on a loopback port (run as the `postgres` user when we are root), Medusa's migrations,
# the test shop's data, and the tests (integrations/medusa/tests/medusa.test.js). PostgreSQL and
# every server are stopped afterwards, whatever happens.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
started=$(date +%s)
VERSION="$(scripts/check-versions.sh)"
SRC=integrations/medusa
APP="$ROOT/target/medusa/app"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}"

missing=()
[ -x "$PG_BIN/initdb" ] || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing ${missing[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
fi
# Debian's Chromium and e2e/'s playwright-core for the browser test (installed when missing).
scripts/demo-setup.sh --browser

lock="$(sha256sum "$SRC/tests/app/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$APP/.lock-sha256" 2>/dev/null)" != "$lock" ]; then
    echo "== Medusa: npm ci of the pinned platform from the registry into $APP"
    rm -rf "$APP"
    mkdir -p "$APP"
    cp "$SRC/tests/app/package.json" "$SRC/tests/app/package-lock.json" "$APP/"
    npm_started=$(date +%s)
    (cd "$APP" && npm ci --no-audit --no-fund --loglevel=error)
    echo "   npm ci: $(($(date +%s) - npm_started)) s"
    echo "$lock" >"$APP/.lock-sha256"
fi
# The app's own files, and the packages under test, fresh every run.
rm -rf "$APP/src" "$APP/medusa-config.js"
cp -r "$SRC/tests/app/src" "$SRC/tests/app/medusa-config.js" "$APP/"
PACKED="$ROOT/target/medusa/packed"
rm -rf "$PACKED" && mkdir -p "$PACKED"
(cd "$SRC" && npm pack --quiet --pack-destination "$PACKED" >/dev/null)
(cd "$APP" && npm install --no-save --no-audit --no-fund --loglevel=error \
    "$ROOT/target/dist/unofficial-vipps-$VERSION.tgz" \
    "$ROOT/target/dist/unofficial-vipps-linux-x64-gnu-$VERSION.tgz" \
    "$ROOT/target/dist/unofficial-vipps-sim-$VERSION.tgz" \
    "$PACKED/unofficial-vipps-medusa-$VERSION.tgz")
for p in unofficial-vipps unofficial-vipps-linux-x64-gnu unofficial-vipps-sim unofficial-vipps-medusa; do
    [ -d "$APP/node_modules/$p" ] && [ ! -L "$APP/node_modules/$p" ] ||
        { echo "$APP/node_modules/$p is missing or a link, not an installed copy" >&2; exit 1; }
done
# The package's typings used as a TypeScript app uses them, against Medusa's own types
# (bindings/node's tsc). --skipLibCheck as in Medusa's starter: checking every declaration file
# of Medusa takes half a minute, and they have errors of their own under --strict.
rm -rf "$APP/typecheck" && cp -r "$SRC/tests/typecheck" "$APP/typecheck"
if found=$(cd "$APP" && "$ROOT/bindings/node/node_modules/.bin/tsc" --noEmit --strict --skipLibCheck \
    --module node16 --moduleResolution node16 --target es2022 typecheck/shop.ts 2>&1); then :; else
    echo "index.d.ts or its use does not type-check:" >&2
    echo "$found" >&2
    exit 1
fi
medusa_version="$(node -p 'require(process.argv[1]).version' "$APP/node_modules/@medusajs/medusa/package.json")"
echo "== Medusa $medusa_version, PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'), installed in $(($(date +%s) - started)) s"

# PostgreSQL: a cluster in a temporary folder, trust authentication on 127.0.0.1 only. initdb and
# postgres refuse to run as root: then they run as the `postgres` user (Debian's package makes it),
# which owns the folder.
PGDIR="$(mktemp -d "${TMPDIR:-/tmp}/vipps-medusa-pg.XXXXXX")"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$PGDIR"
    as_pg=(runuser -u postgres --)
fi
SERVER_PID="$ROOT/target/medusa/server.pid" # Medusa's process group, written by the tests
rm -f "$SERVER_PID"
stop_all() {
    if [ -s "$SERVER_PID" ]; then
        kill -TERM -- "-$(cat "$SERVER_PID")" 2>/dev/null || true
        rm -f "$SERVER_PID"
    fi
    "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PGDIR"
}
trap stop_all EXIT
PGPORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"${as_pg[@]}" "$PG_BIN/initdb" -D "$PGDIR/data" -A trust -U medusa -E UTF8 --no-sync >"$PGDIR/initdb.log" 2>&1 ||
    { cat "$PGDIR/initdb.log" >&2; exit 1; }
"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/postgres.log" -w \
    -o "-h 127.0.0.1 -p $PGPORT -k $PGDIR -F" start >/dev/null ||
    { cat "$PGDIR/postgres.log" >&2; exit 1; }
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U medusa medusa

export DATABASE_URL="postgres://medusa@127.0.0.1:$PGPORT/medusa"
export MEDUSA_DISABLE_TELEMETRY=true NODE_ENV=development
export JWT_SECRET="test-jwt-$RANDOM$RANDOM" COOKIE_SECRET="test-cookie-$RANDOM$RANDOM"
export ADMIN_EMAIL=admin@shop.test ADMIN_PASSWORD="admin-$RANDOM$RANDOM"
# The provider's options are checked whenever Medusa loads (migrations, scripts): the tests set
# the real return page; these two commands never create a payment.
export VIPPS_RETURN_URL=http://127.0.0.1/return
export SEED_OUT="$ROOT/target/medusa/seed.json"
export E2E_SCREENSHOTS="$ROOT/target/e2e-screenshots"
rm -f "$E2E_SCREENSHOTS"/medusa-*.png "$SEED_OUT"
migrate_started=$(date +%s)
(cd "$APP" && npx --no-install medusa db:migrate >"$ROOT/target/medusa/migrate.log" 2>&1) ||
    { tail -n 40 "$ROOT/target/medusa/migrate.log" >&2; exit 1; }
(cd "$APP" && npx --no-install medusa exec ./src/scripts/seed.js >"$ROOT/target/medusa/seed.log" 2>&1) ||
    { tail -n 40 "$ROOT/target/medusa/seed.log" >&2; exit 1; }
echo "== migrations and the shop's data: $(($(date +%s) - migrate_started)) s"

tests_started=$(date +%s)
MEDUSA_APP="$APP" node --test --test-concurrency=1 "$SRC/tests/unit.test.js" "$SRC/tests/medusa.test.js"
echo "== Medusa tests passed in $(($(date +%s) - tests_started)) s ($(($(date +%s) - started)) s with the install)"
