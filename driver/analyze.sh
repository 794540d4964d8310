#!/usr/bin/env bash
# The clang static analyzer over every driver/src/*.c, compiled exactly as driver/build.sh compiles them
# (driver/flags.sh: MSVC target, mingw DDK headers, defines, -Wall -Wextra -Werror). Uses clang's default
# checker set (core, deadcode, nullability, unix, security.insecureAPI defaults, API models). Prints each
# finding with its path and, last, "analyzer: N findings"; exits non-zero on any finding or compile error.
# A false positive is fixed in the source or suppressed narrowly, with a comment saying why; never here.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=flags.sh
. "$here/flags.sh" # cflags, mingw
command -v clang >/dev/null 2>&1 || { echo "analyze.sh: clang not found. Install: apt-get install -y clang" >&2; exit 2; }

log="$(mktemp /tmp/mdlb-analyze.XXXXXX)"
trap 'rm -f "$log"' EXIT
rc=0
for src in "$here"/src/*.c; do
    # -analyzer-output=text prints the path to each finding; the plist is not wanted.
    if ! clang "${cflags[@]}" --analyze -Xclang -analyzer-output=text -o /dev/null "$src" >>"$log" 2>&1; then
        rc=1
    fi
done
cat "$log"
findings="$(grep -cE '^[^ ].*: (warning|error): ' "$log" || true)"
echo "analyzer: $findings findings"
[ "$rc" = 0 ] && [ "$findings" = 0 ]
