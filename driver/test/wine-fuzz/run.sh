#!/usr/bin/env bash
# driver/test/wine-fuzz/run.sh [SECONDS] [SEED]
#
# The real mdlbridge.sys under Wine, fed seeded random and mutated requests by a mingw client (fuzz_client.c):
# a fresh WINEPREFIX in a temp dir, the driver started as a kernel service (OpenSCManager / CreateService with a
# \??\Z:\... path / StartService, the approach of driver/test/wine-smoke.sh), then `fuzz_client run` for SECONDS
# (default 30) with SEED (default: the date, printed). Left out: IOCTL_MDLB_BUILD_PARTIAL, IOCTL_MDLB_SIZE_OF_MDL
# and IOCTL_MDLB_INITIALIZE_MDL, which reach Wine's aborting stubs (IoBuildPartialMdl, MmSizeOfMdl).
# Prints the count, the seed and the tally; exits non-zero on a violation or when winedevice.exe did not survive.
# MDLB_WINE_FUZZ_AVOID_KNOWN=1 builds no range that spans a multiple of 16384 pages (the shape of the fixed finding
# fuzz-chain-4gib-pfn-width.vec), to look past that shape should it ever fail again. Bounded: every Wine call runs under timeout. The driver comes from MDLB_SYS, else driver/out/x64/mdlbridge.sys
# (built with driver/build.sh when missing).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
drv="$(cd "$here/../.." && pwd)"
seconds="${1:-30}"
seed="${2:-$(date +%s)}"
case "$seconds$seed" in (*[!0-9]*) echo "wine-fuzz: SECONDS and SEED are whole numbers" >&2; exit 2;; esac
wine=/usr/lib/wine/wine64
wineserver=/usr/lib/wine/wineserver
if [ ! -x "$wine" ]; then
  echo "wine-fuzz: $wine missing. Install: apt-get install -y --no-install-recommends wine64" >&2
  exit 2
fi
if ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
  echo "wine-fuzz: x86_64-w64-mingw32-gcc missing. Install: apt-get install -y --no-install-recommends gcc-mingw-w64-x86-64" >&2
  exit 2
fi
sys="${MDLB_SYS:-$drv/out/x64/mdlbridge.sys}"
if [ ! -f "$sys" ]; then
  if [ -f "$drv/build.sh" ]; then
    echo "== wine-fuzz: building the driver (driver/build.sh)"
    bash "$drv/build.sh" >&2 || { echo "wine-fuzz: driver build failed" >&2; exit 2; }
  else
    echo "wine-fuzz: $sys missing and no driver/build.sh (merge wip/driver)" >&2
    exit 2
  fi
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/mdlb-wine-fuzz.XXXXXX")"
export WINEPREFIX="$tmp/prefix" WINEARCH=win64 WINEDEBUG="${MDLB_WINEDEBUG:--all}" WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
unset DISPLAY
finish() {
  timeout 20 "$wineserver" -k >/dev/null 2>&1
  if [ -z "${MDLB_KEEP:-}" ]; then rm -rf "$tmp"; else echo "wine-fuzz: kept $tmp"; fi
}
trap finish EXIT

x86_64-w64-mingw32-gcc -Wall -Wextra -Werror -O1 -I"$drv/include" -o "$tmp/fuzz_client.exe" "$here/fuzz_client.c" "$here/../wine/service.c" || exit 1
cp "$sys" "$tmp/mdlbridge.sys"
winpath="Z:$(echo "$tmp/mdlbridge.sys" | tr / '\\')"

echo "== wine-fuzz: creating a prefix"
t0=$(date +%s)
timeout 180 "$wine" wineboot -i >/dev/null 2>>"$tmp/wine.log"
timeout 60 "$wineserver" -w
timeout 60 "$wine" "$tmp/fuzz_client.exe" install "$winpath" 2>>"$tmp/wine.log" || {
  echo "wine-fuzz: the driver did not start under Wine"; tail -20 "$tmp/wine.log"; exit 1; }
# Saved findings first: every driver/test/vectors/fuzz-*.vec request once, each on a fresh service start.
replay_failed=0
cc="${CC:-}"; [ -n "$cc" ] || { command -v gcc >/dev/null && cc=gcc || cc=clang; }
"$cc" -O1 -I"$drv/include" -o "$tmp/vec2seed" "$drv/test/fuzz/vec2seed.c"
shopt -s nullglob
vecs=("$drv"/test/vectors/fuzz-*.vec)
if [ ${#vecs[@]} -gt 0 ]; then
  echo "== wine-fuzz: replaying ${#vecs[@]} saved findings (fuzz-*.vec)"
  while read -r code hex name; do
    out="$(timeout 60 "$wine" "$tmp/fuzz_client.exe" one "$code" "$hex" 196864 2>>"$tmp/wine.log")"
    if [ $? -ne 0 ]; then
      case "$name" in
        # fuzz-open-*: a finding whose cause is not fixed yet (driver/test/fuzz/README.md, "Open findings"): it is
        # replayed and reported on every run, and fails the run again once it is renamed after the fix.
        fuzz-open-*) echo "wine-fuzz: KNOWN OPEN $name: $out" | tr '\n' ' '; echo ;;
        *) echo "wine-fuzz: FAIL $name: $out" | tr '\n' ' '; echo; replay_failed=1 ;;
      esac
      # restart the driver host for what follows
      timeout 60 "$wine" "$tmp/fuzz_client.exe" stop >/dev/null 2>>"$tmp/wine.log"
      timeout 30 "$wineserver" -k >/dev/null 2>&1; timeout 60 "$wineserver" -w
      timeout 60 "$wine" "$tmp/fuzz_client.exe" install "$winpath" >/dev/null 2>>"$tmp/wine.log" || {
        echo "wine-fuzz: the driver did not start again"; exit 1; }
    else
      echo "wine-fuzz: ok   $name"
    fi
  done < <("$tmp/vec2seed" --hex "${vecs[@]}")
fi

echo "== wine-fuzz: seed $seed, ${seconds}s (BUILD_PARTIAL, SIZE_OF_MDL, INITIALIZE_MDL, RESERVE left out: Wine stubs)"
timeout $((seconds + 120)) "$wine" "$tmp/fuzz_client.exe" run "$seed" 100000000 "$seconds" \
    ${MDLB_WINE_FUZZ_AVOID_KNOWN:+avoid-known} 2>>"$tmp/wine.log"
rc=$?
timeout 60 "$wine" "$tmp/fuzz_client.exe" stop >/dev/null 2>>"$tmp/wine.log"
if [ $rc -ne 0 ] || [ $replay_failed -ne 0 ]; then
  echo "wine-fuzz: FAILED (client rc $rc, saved findings $([ $replay_failed -eq 0 ] && echo ok || echo FAILED), seed $seed); last Wine messages:"
  tail -15 "$tmp/wine.log"
  exit 1
fi
echo "wine-fuzz: ok (seed $seed, $(( $(date +%s) - t0 ))s with the prefix)"
