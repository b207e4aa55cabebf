# The two commands of the README: `make demo` (the main job) and `make test` (everything).
SHELL := /bin/bash
CARGO ?= cargo
TARGET := target/debug
LIB := $(TARGET)/libvipps.so
SIM := $(TARGET)/vipps-sim
C_DEMO := target/c/payment_demo
FORK_TEST := target/c/fork_test
CFLAGS := -std=c11 -Wall -Wextra -Werror -O1 -g -Iinclude

.PHONY: build demo test test-rust lint c-example valgrind exports fork-test test-php test-python test-node headers sim-bench

build:
	$(CARGO) build --workspace

$(C_DEMO): examples/c/payment_demo.c include/vipps.h build
	@mkdir -p target/c
	$(CC) $(CFLAGS) examples/c/payment_demo.c -L$(TARGET) -lvipps -Wl,-rpath,$(abspath $(TARGET)) -o $@

$(FORK_TEST): tests/c/fork_test.c include/vipps.h build
	@mkdir -p target/c
	$(CC) $(CFLAGS) tests/c/fork_test.c -L$(TARGET) -lvipps -Wl,-rpath,$(abspath $(TARGET)) -o $@

c-example: $(C_DEMO)

# Fork safety: children of a process that used the client open their own connections and token.
fork-test: $(FORK_TEST)
	scripts/with-sim.sh $(SIM) -- scripts/fork-test.sh $(FORK_TEST)

# The main job: start the simulator on a free port, run a full payment through the library.
demo: $(C_DEMO)
	scripts/with-sim.sh $(SIM) -- $(C_DEMO) '$$VIPPS_BASE_URL'

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-rust:
	$(CARGO) test --workspace

# The C example under valgrind: no leaks, no errors.
valgrind: $(C_DEMO)
	scripts/with-sim.sh $(SIM) -- valgrind --error-exitcode=3 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --suppressions=examples/c/valgrind.supp $(C_DEMO) '$$VIPPS_BASE_URL'

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

test: lint test-rust exports valgrind fork-test test-php test-python test-node
	@echo "all tests passed"

headers:
	VIPPS_UPDATE_HEADERS=1 $(CARGO) test --test headers_fresh

sim-bench:
	sim/bench/wrk.sh
