#!/usr/bin/env bash
# Wine smoke test of the real mdlbridge.sys: a fresh WINEPREFIX under a temp dir, the driver installed as a
# kernel service (OpenSCManager / CreateService with a \??\Z:\... path / StartService), then every IOCTL Wine
# can run (client main), then administrator limits read at load (client limits: Parameters values, a restart,
# INFO). IoBuildPartialMdl, MmSizeOfMdl (also behind MmInitializeMdl requests) and MmAllocateMappingAddress (the
# four reserved-mapping routines are all stubs in Wine 8) abort the driver host (EXCEPTION_WINE_STUB): each is
# exercised last, in its own service start, and the abort is the expected answer. Prints "N passed, N failed"; exits non-zero on failure. Bounded: every Wine call runs under timeout.
set -uo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
sys="$here/out/x64/mdlbridge.sys"
wine=/usr/lib/wine/wine64
wineserver=/usr/lib/wine/wineserver
if [ ! -x "$wine" ]; then
    echo "wine-smoke: $wine missing. Install: apt-get install -y --no-install-recommends wine64" >&2
    exit 2
fi
if ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
    echo "wine-smoke: x86_64-w64-mingw32-gcc missing. Install: apt-get install -y --no-install-recommends gcc-mingw-w64-x86-64" >&2
    exit 2
fi
[ -f "$sys" ] || { echo "wine-smoke: $sys missing; run driver/build.sh first" >&2; exit 2; }

tmp="$(mktemp -d /tmp/mdlb-wine.XXXXXX)"
export WINEPREFIX="$tmp/prefix" WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
unset DISPLAY
finish() {
    timeout 20 "$wineserver" -k >/dev/null 2>&1
    rm -rf "$tmp"
}
trap finish EXIT

x86_64-w64-mingw32-gcc -Wall -Wextra -Werror -O1 -I"$here/include" -o "$tmp/client.exe" "$here/test/wine/client.c" "$here/test/wine/service.c" || exit 1
cp "$sys" "$tmp/mdlbridge.sys"
winpath="Z:$(echo "$tmp/mdlbridge.sys" | tr / '\\')"
# Wine's console writes CRLF line ends.
client() { timeout 60 "$wine" "$tmp/client.exe" "$@" 2>>"$tmp/wine.log" | tr -d '\r'; return "${PIPESTATUS[0]}"; }

passed=0 failed=0
tally() { # status, message
    if [ "$1" = 0 ]; then passed=$((passed + 1)); echo "ok   $2"; else failed=$((failed + 1)); echo "FAIL $2"; fi
}

echo "== creating prefix"
timeout 180 "$wine" wineboot -i >/dev/null 2>>"$tmp/wine.log"
timeout 60 "$wineserver" -w

echo "== service start 1: every IOCTL Wine can run"
client install "$winpath"; tally $? "driver loads as a kernel service (DriverEntry, device, link, DACL, notify)"
out="$(client main)"; rc=$?
echo "$out"
line="$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)"
if [ -n "$line" ]; then
    passed=$((passed + ${line%% *})); f="${line#*, }"; failed=$((failed + ${f%% *}))
else
    tally 1 "client main printed no tally (rc $rc)"
fi
client stop >/dev/null; tally $? "service stops (DriverUnload)"
timeout 60 "$wineserver" -w

echo "== service start 2: administrator limits (Parameters values, restart, INFO)"
client install "$winpath" >/dev/null; tally $? "driver loads for the limits"
out="$(client limits)"; rc=$?
echo "$out"
line="$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)"
if [ -n "$line" ]; then
    passed=$((passed + ${line%% *})); f="${line#*, }"; failed=$((failed + ${f%% *}))
else
    tally 1 "client limits printed no tally (rc $rc)"
fi
client stop >/dev/null; tally $? "service stops after the limits"
timeout 60 "$wineserver" -w

for stub in MmSizeOfMdl MmInitializeMdl IoBuildPartialMdl MmAllocateMappingAddress; do
    echo "== service start: $stub (Wine exports it as a stub: the driver host is expected to abort)"
    client install "$winpath" >/dev/null; tally $? "driver loads again for $stub"
    res="$(client stub "$stub")"; rc=$?
    echo "$res"
    # The IRP cannot complete with success: winedevice.exe dies on EXCEPTION_WINE_STUB (0x80000100).
    [ "$rc" != 0 ]; tally $? "$stub aborts the Wine driver host as documented (client rc $rc)"
    grep -a -m1 -o "unimplemented function [^ ,]*" "$tmp/wine.log" | sed 's/^/     wine says: /' || true
    : > "$tmp/wine.log"
    client stop >/dev/null 2>&1
    timeout 60 "$wineserver" -k >/dev/null 2>&1
    timeout 60 "$wineserver" -w
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -ge 10 ]
