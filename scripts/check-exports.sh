#!/usr/bin/env bash
# Checks that the shared library exports exactly the functions the header declares, every one
# with the vipps_ prefix (nm -D --defined-only), so no binding can call what is not there.
set -euo pipefail
lib=${1:-target/debug/libvipps.so}
header=${2:-include/vipps.h}
exported=$(nm -D --defined-only "$lib" | awk '{print $3}' | sort)
declared=$(grep -Eo '\bvipps_[a-z_]+\(' "$header" | tr -d '(' | sort -u)
if echo "$exported" | grep -v '^vipps_' ; then
    echo "exported symbols without the vipps_ prefix (above)"; exit 1
fi
if ! diff <(echo "$declared") <(echo "$exported"); then
    echo "the header's functions (<) and the library's exports (>) differ"; exit 1
fi
echo "exports ok: $(echo "$exported" | wc -l) functions, all vipps_-prefixed and declared in $header"
