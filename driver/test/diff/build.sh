#!/usr/bin/env bash
# Builds driver/out/host/libmdlb_diff.so: the pure rules (driver/src/table.c, protocol.c) plus diff_shim.c, for
# the Java differential test (java/simulator: DifferentialTest), which runs this script when the library is
# missing or older than a source. Uses $CC, else gcc, else clang. Exit 77 when there is no C compiler, so the
# caller can tell "cannot build here" from "the build failed".
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cc="${CC:-}"
if [ -z "$cc" ]; then
    if command -v gcc >/dev/null 2>&1; then cc=gcc
    elif command -v clang >/dev/null 2>&1; then cc=clang
    else echo "build.sh: no C compiler (set CC, or install gcc or clang)" >&2; exit 77
    fi
elif ! command -v "$cc" >/dev/null 2>&1; then
    echo "build.sh: CC=$cc not found" >&2; exit 77
fi
out="$root/driver/out/host"
mkdir -p "$out"
src=("$root/driver/src/table.c" "$root/driver/src/protocol.c" "$root/driver/test/diff/diff_shim.c")
flags=(-std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -O1 -g -fPIC -shared
       -I"$root/driver/include" -I"$root/driver/src")
# Build under a temporary name and rename, so a test reading the library never sees a half-written file.
tmp="$out/libmdlb_diff.so.tmp.$$"
"$cc" "${flags[@]}" "${src[@]}" -o "$tmp"
mv -f "$tmp" "$out/libmdlb_diff.so"
echo "built $out/libmdlb_diff.so with $cc"
