#!/usr/bin/env bash
# The driver's CI, in order:
#   1. build (driver/build.sh)                 2. clang static analyzer over driver/src (driver/analyze.sh)
#   3. static image check (ImageCheck, Maven)   4. Authenticode verification (and a tampered copy must fail)
#   5. host tests of protocol.c and table.c     6. Frama-C Eva proof of protocol.c and table.c (test/eva)
#   7. Wine smoke test of the real driver
# Run from anywhere: bash driver/ci.sh. Needs (Debian): clang lld llvm libclang-rt-14-dev mingw-w64-x86-64-dev
# binutils-mingw-w64-x86-64 gcc-mingw-w64-x86-64 osslsigncode wine64 frama-c-base, and a JDK 17 for the image checker.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
step() { printf '\n==== %s ====\n' "$*"; }
fail() { printf '\n**** driver CI FAILED at: %s ****\n' "$*" >&2; exit 1; }

step "1/7 build driver/out/x64/mdlbridge.sys (clang + lld-link + mingw DDK headers, test-signed)"
bash driver/build.sh || fail "build"

step "2/7 clang static analyzer over driver/src/*.c (same flags as the build; any finding fails)"
bash driver/analyze.sh || fail "static analyzer"

step "3/7 static image check (dev.mdlbridge.windows.image.ImageCheck)"
./mvnw -q -pl java/windows -am compile || fail "compiling the image checker"
java -cp java/windows/target/classes dev.mdlbridge.windows.image.ImageCheck \
    --sys driver/out/x64/mdlbridge.sys --allowlist driver/imports.allowlist \
    --map driver/out/x64/mdlbridge.map --mingw-exports /usr/x86_64-w64-mingw32/lib || fail "image check"

step "4/7 Authenticode: osslsigncode verify -CAfile against the test certificate"
osslsigncode verify -in driver/out/x64/mdlbridge.sys -CAfile driver/out/x64/mdlbridge-test.crt || fail "signature"
# The verification must also catch a change: flip one byte of code in a copy and expect a failure.
tampered="$(mktemp /tmp/mdlb-tampered.XXXXXX.sys)"
cp driver/out/x64/mdlbridge.sys "$tampered"
printf '\x90' | dd of="$tampered" bs=1 seek=$((0x420)) conv=notrunc status=none
if osslsigncode verify -in "$tampered" -CAfile driver/out/x64/mdlbridge-test.crt >/dev/null 2>&1; then
    rm -f "$tampered"; fail "a tampered image still verifies"
fi
rm -f "$tampered"
echo "tampered copy rejected: ok"

step "5/7 host tests of protocol.c and table.c (+ every driver/test/vectors/*.vec)"
bash driver/test/host/run.sh || fail "host tests"

step "6/7 Frama-C Eva: no runtime error in protocol.c and table.c under the harnesses' bounds (test/eva/README.md)"
bash driver/test/eva/run.sh || fail "Eva proof"

step "7/7 Wine smoke test of the real driver"
bash driver/test/wine-smoke.sh || fail "Wine smoke test"

printf '\n==== driver CI passed ====\n'
