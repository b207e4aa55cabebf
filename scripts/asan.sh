#!/usr/bin/env bash
# Usage: scripts/asan.sh [PROGRAM.c...]
# Builds the C examples (examples/c/payment_demo.c, examples/c/webhook_demo.c) and the C
# stress test (tests/c/stress_test.c) with AddressSanitizer, LeakSanitizer and
# UndefinedBehaviorSanitizer against target/debug/libvipps.so, and runs each against a fresh
# simulator (or only the programs given). Exit status 0 only if every program passed with no
# sanitizer error and no leak. A canary that leaks one envelope on purpose runs first: it must
# be reported, or the leak checking is not live (LeakSanitizer cannot run under ptrace).
#
# The C code is instrumented; the Rust library is not (that would need a nightly-only
# -Zsanitizer build of std). ASan still checks every byte the C code touches, including the
# strings the library returns, and replaces malloc/free for the whole process: a string
# freed twice, freed with free() instead of vipps_string_free, read past its end or leaked,
# and every allocation of the library itself still live at exit, are reported.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --workspace --quiet
out=target/c-asan
mkdir -p "$out"
flags=(-std=c11 -Wall -Wextra -Werror -O1 -g -Iinclude -pthread
       -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
lib=(-Ltarget/debug -lvipps "-Wl,-rpath,$(pwd)/target/debug")
programs=(examples/c/payment_demo.c examples/c/webhook_demo.c tests/c/stress_test.c)
[ $# -gt 0 ] && programs=("$@")
for src in "${programs[@]}"; do
    gcc "${flags[@]}" "$src" "${lib[@]}" -o "$out/$(basename "$src" .c)"
done
cat >"$out/canary.c" <<'C'
#include <stdio.h>
#include "vipps.h"
int main(void) { /* leaks the envelope on purpose */
    return puts(vipps_make_order_id("{\"prefix\":\"canary\",\"order_number\":1}")) < 0;
}
C
gcc "${flags[@]}" "$out/canary.c" "${lib[@]}" -o "$out/canary"

export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:exitcode=3:detect_stack_use_after_return=1:check_initialization_order=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=report_objects=1
failed=0
if ASAN_OPTIONS=detect_leaks=1 "$out/canary" >"$out/canary.log" 2>&1 \
    || ! grep -q 'LeakSanitizer: detected memory leaks' "$out/canary.log"; then
    echo "asan: the canary's leaked envelope was not reported: leak checking is not live"
    cat "$out/canary.log"
    exit 1
fi
for src in "${programs[@]}"; do
    name=$(basename "$src" .c)
    log="$out/$name.log"
    start=$(date +%s)
    if scripts/with-sim.sh target/debug/vipps-sim -- "$out/$name" '$VIPPS_BASE_URL' >"$log" 2>&1 \
        && ! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log"; then
        echo "asan: $name passed ($(( $(date +%s) - start ))s): no sanitizer error, no leak"
    else
        failed=1
        echo "asan: $name FAILED ($log):"
        tail -n 40 "$log"
    fi
done
exit $failed
