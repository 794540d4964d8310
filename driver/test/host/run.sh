#!/usr/bin/env bash
# Builds and runs the host tests of driver/src/protocol.c and table.c (gcc, or clang when gcc is absent),
# with -Wall -Wextra -Werror, and with ASan/UBSan when the compiler has them.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cc="${CC:-}"
if [ -z "$cc" ]; then command -v gcc >/dev/null 2>&1 && cc=gcc || cc=clang; fi
out="$root/driver/out/host"
mkdir -p "$out"
src=("$root/driver/src/protocol.c" "$root/driver/src/table.c" "$root/driver/test/host/main.c"
     "$root/driver/test/host/test_protocol.c" "$root/driver/test/host/test_table.c" "$root/driver/test/host/test_coverage.c" "$root/driver/test/host/test_vectors.c")
flags=(-std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -g -I"$root/driver/include" -I"$root/driver/src" -I"$root/driver/test/host")
san=(-fsanitize=address,undefined -fno-sanitize-recover=all)
if echo 'int main(void){return 0;}' | "$cc" "${san[@]}" -x c - -o "$out/santest" >/dev/null 2>&1; then
    flags+=("${san[@]}")
fi
"$cc" "${flags[@]}" "${src[@]}" -o "$out/host-tests"
cd "$root"
"$out/host-tests" "$root/driver/test/vectors"
