# The two commands of the README: `make demo` (the main job) and `make test` (everything).
SHELL := /bin/bash
CARGO ?= cargo
TARGET := target/debug
LIB := $(TARGET)/libvipps.so
SIM := $(TARGET)/vipps-sim
C_DEMO := target/c/payment_demo
FORK_TEST := target/c/fork_test
FORK_BUSY_TEST := target/c/fork_busy_test
C_WEBHOOK_DEMO := target/c/webhook_demo
CFLAGS := -std=c11 -Wall -Wextra -Werror -O1 -g -Iinclude

.PHONY: build demo test test-e2e test-rust lint c-example valgrind exports fork-test test-php test-woocommerce test-python test-node soak headers sim-bench

build:
	$(CARGO) build --workspace

$(C_DEMO): examples/c/payment_demo.c include/vipps.h build
	@mkdir -p target/c
	$(CC) $(CFLAGS) examples/c/payment_demo.c -L$(TARGET) -lvipps -Wl,-rpath,$(abspath $(TARGET)) -o $@

$(FORK_TEST): tests/c/fork_test.c include/vipps.h build
	@mkdir -p target/c
	$(CC) $(CFLAGS) tests/c/fork_test.c -L$(TARGET) -lvipps -Wl,-rpath,$(abspath $(TARGET)) -o $@

$(FORK_BUSY_TEST): tests/c/fork_busy_test.c include/vipps.h build
	@mkdir -p target/c
	$(CC) $(CFLAGS) -pthread tests/c/fork_busy_test.c -L$(TARGET) -lvipps -Wl,-rpath,$(abspath $(TARGET)) -o $@

$(C_WEBHOOK_DEMO): examples/c/webhook_demo.c include/vipps.h build
	@mkdir -p target/c
	$(CC) $(CFLAGS) examples/c/webhook_demo.c -L$(TARGET) -lvipps -Wl,-rpath,$(abspath $(TARGET)) -o $@

c-example: $(C_DEMO) $(C_WEBHOOK_DEMO)

# Fork safety: children of a process that used the client open their own connections and token;
# and 500 children forked while 8 threads of the parent are inside the library never hang.
fork-test: $(FORK_TEST) $(FORK_BUSY_TEST)
	scripts/with-sim.sh $(SIM) -- scripts/fork-test.sh $(FORK_TEST)
	scripts/with-sim.sh $(SIM) -- scripts/fork-busy-test.sh $(FORK_BUSY_TEST)

# The main job: one simulator, one complete order through each example shop (PHP, Python,
# Node) and the C webhook example, one line per step. Installs PHP (Debian) and the Node
# binding's packages when missing. `make demo SERVE=1` then leaves everything running.
demo: $(C_WEBHOOK_DEMO)
	scripts/demo.sh $(if $(SERVE),--serve)

# Browser tests of the example shops in Debian's Chromium (installed when missing), driven by
# playwright-core (e2e/package-lock.json); screenshots in target/e2e-screenshots.
test-e2e: $(C_WEBHOOK_DEMO)
	scripts/demo-setup.sh --browser
	cd e2e && VIPPS_LIB=$(abspath $(LIB)) VIPPS_SIM=$(abspath $(SIM)) node --test --test-concurrency=1 test/*.test.js
	@echo "screenshots: $(abspath target/e2e-screenshots)"

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps -p vipps

test-rust:
	$(CARGO) test --workspace

# The C example under valgrind: no leaks, no errors.
VALGRIND := valgrind --error-exitcode=3 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --suppressions=examples/c/valgrind.supp
valgrind: $(C_DEMO) $(C_WEBHOOK_DEMO)
	scripts/with-sim.sh $(SIM) -- $(VALGRIND) $(C_DEMO) '$$VIPPS_BASE_URL'
	scripts/with-sim.sh $(SIM) -- $(VALGRIND) $(C_WEBHOOK_DEMO) '$$VIPPS_BASE_URL'

exports: build
	scripts/check-exports.sh $(LIB) include/vipps.h

# The bindings: each script installs what it needs (Debian or npm/PyPI packages) when missing.
# VIPPS_LIB pins the library just built, so a stale release build is never picked up.
test-php: build
	VIPPS_LIB=$(abspath $(LIB)) bindings/php/run-tests.sh

test-python: build
	VIPPS_LIB=$(abspath $(LIB)) bindings/python/run-tests.sh

test-node: build
	VIPPS_LIB=$(abspath $(LIB)) bindings/node/run-tests.sh

# The WooCommerce gateway plugin's WordPress-free logic (integrations/woocommerce/src) with the
# real binding and library against the simulator (PHP and phpunit come with test-php).
test-woocommerce: build
	VIPPS_LIB=$(abspath $(LIB)) VIPPS_SIM=$(abspath $(SIM)) phpunit -c integrations/woocommerce/phpunit.xml

test: lint check-types test-rust exports valgrind fork-test asan stress test-php test-woocommerce test-python test-node test-docs test-e2e fuzz-short test-dist test-oscar test-medusa
	@echo "all tests passed"

# The django-oscar payment app (integrations/django-oscar) end to end in a scratch Oscar shop:
# django-oscar pinned (installed from PyPI into target/oscar/venv), the wheels of `make dist`.
.PHONY: test-oscar
test-oscar: dist
	scripts/test-oscar.sh

# The Medusa v2 payment provider (integrations/medusa) end to end in a scratch Medusa app: Medusa
# pinned (npm ci from the registry into target/medusa/app), the npm tarballs of `make dist`, and
# Debian's PostgreSQL started and stopped by the script.
.PHONY: test-medusa
test-medusa: dist
	scripts/test-medusa.sh

# The long fault soak (1,000 orders; `cargo test` runs 150). VIPPS_SOAK_SEED picks another seed.
soak:
	VIPPS_SOAK_ORDERS=$${VIPPS_SOAK_ORDERS:-1000} $(CARGO) test -p vipps --test fault_soak -- --nocapture

headers:
	VIPPS_UPDATE_HEADERS=1 $(CARGO) test --test headers_fresh

sim-bench:
	sim/bench/wrk.sh
bench:: ; bench/run.sh $(BENCH_ARGS)

# Fuzzing of every JSON entry point (fuzz/, cargo-fuzz and libFuzzer with AddressSanitizer;
# scripts/fuzz.sh installs cargo-fuzz when missing). `make fuzz`: 10 minutes per target;
# `make fuzz-short` (in `make test`): 10 seconds per target. Seeds in fuzz/corpus, findings in target/fuzz.
.PHONY: fuzz fuzz-short asan stress
fuzz:
	scripts/fuzz.sh 600

fuzz-short:
	scripts/fuzz.sh 10

# The C examples and the C stress test built with AddressSanitizer, LeakSanitizer and UBSan
# (the Rust library itself is not instrumented; see scripts/asan.sh): no error, no leak.
asan: build
	scripts/asan.sh

# tests/c/stress_test.c: 8 threads of mixed operations on one client, under ASan and under
# valgrind: no error, no leak.
STRESS_TEST := target/c/stress_test
$(STRESS_TEST): tests/c/stress_test.c include/vipps.h build
	@mkdir -p target/c
	$(CC) $(CFLAGS) -pthread tests/c/stress_test.c -L$(TARGET) -lvipps -Wl,-rpath,$(abspath $(TARGET)) -o $@

stress: $(STRESS_TEST)
	scripts/asan.sh tests/c/stress_test.c
	scripts/with-sim.sh $(SIM) -- $(VALGRIND) $(STRESS_TEST) '$$VIPPS_BASE_URL'

# Release artifacts for x86_64 Linux, glibc 2.17 or newer (docs/RELEASING.md): target/dist/ with
# SHA256SUMS, built once with cargo-zigbuild (pinned tools installed under target/dist-tools).
# `make test-dist` (in `make test`; it runs `make dist` first, a quick no-op build when fresh)
# installs each one outside the repository and takes a payment with it;
# `make install PREFIX=/usr/local` installs the C library, header and pkg-config file from the tarball.
.PHONY: dist test-dist install
PREFIX ?= /usr/local
dist:
	scripts/dist.sh

test-dist: dist
	scripts/test-dist.sh

install:
	scripts/dist-install.sh "$(PREFIX)"

# The request and answer types of each binding, generated by scripts/gen-types.py from the
# official specs (../shared/specs) plus the library's own keys: bindings/node/api-types.d.ts,
# bindings/python/src/vipps/api_types.py, bindings/php/src/ApiTypes.php. `make types` writes
# them; `make check-types` (in `make test`) fails when they are stale, and runs tsc --noEmit,
# mypy --strict, php -l and phpcs on them and on a typed example per language.
.PHONY: types check-types
types:
	"$$(scripts/tools-venv.sh)" scripts/gen-types.py

check-types:
	scripts/check-types.sh

# Every code example of the READMEs runs as written against a freshly started simulator
# (scripts/run-readme-examples.py; an illustration-only block is marked `<!-- not run: why -->`).
.PHONY: test-docs
test-docs: build
	cd bindings/node && { [ -d node_modules/koffi ] || npm ci --no-audit --no-fund --loglevel=error; }
	python3 scripts/run-readme-examples.py --self-test
	VIPPS_LIB=$(abspath $(LIB)) scripts/with-sim.sh $(SIM) -- python3 scripts/run-readme-examples.py

# The API reference of each language (not in `make test`): rustdoc, TypeDoc (Node), pdoc
# (Python), a generated PHP page and every operation's request and answer fields, under
# target/docs (index.html); fails when a reference misses an operation, error kind or webhook
# event name (scripts/docs.sh).
.PHONY: docs
docs:
	scripts/docs.sh
