#!/usr/bin/env bash
# Builds driver/out/x64/mdlbridge.sys (test-signed in place), mdlbridge.pdb, mdlbridge.map and
# mdlbridge-test.cer (DER) with clang (MSVC target) + lld-link + the mingw-w64 DDK headers.
# Signing key: MDLB_SIGN_KEY / MDLB_SIGN_CERT (PEM) when given, else a throw-away key made per build under
# driver/out (never committed). Compile flags: driver/flags.sh (shared with driver/analyze.sh).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/out/x64"
obj="$here/out/obj/x64"
# shellcheck source=flags.sh
. "$here/flags.sh" # cflags, mdlb_sources, mingw

need() { # tool, Debian packages
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "build.sh: '$1' not found. Install: apt-get install -y --no-install-recommends $2" >&2
        exit 2
    fi
}
need clang "clang"
need lld-link "lld"
need llvm-rc "llvm"
need osslsigncode "osslsigncode"
need openssl "openssl"
hostcc="${CC:-}"
if [ -z "$hostcc" ]; then command -v gcc >/dev/null 2>&1 && hostcc=gcc || hostcc=clang; fi
for f in "$mingw/include/ddk/ntifs.h" "$mingw/lib/libntoskrnl.a" "$mingw/lib/libhal.a"; do
    if [ ! -f "$f" ]; then
        echo "build.sh: $f missing. Install: apt-get install -y --no-install-recommends mingw-w64-x86-64-dev" >&2
        exit 2
    fi
done

rm -rf "$out" "$obj"
mkdir -p "$out" "$obj"

for src in "${mdlb_sources[@]}"; do
    clang "${cflags[@]}" -c "$here/src/$src.c" -o "$obj/$src.obj"
done
# llvm-rc and lld-link take "/x" as an option and match options by prefix, so an absolute path such as
# /ci/clone/src/mdlbridge.rc is read as "/C i/clone/..." and the build fails with "Exactly one input file should
# be provided". Both therefore run from driver/ and see only relative paths.
cd "$here"
robj="out/obj/x64"
rout="out/x64"
rmingw="$(realpath --relative-to="$here" "$mingw")"
llvm-rc /FO "$robj/mdlbridge.res" /I src src/mdlbridge.rc

lld-link /nologo /machine:x64 /driver /subsystem:native,6.01 /osversion:6.01 /entry:DriverEntry /nodefaultlib \
    /dynamicbase /nxcompat /tsaware:no /opt:ref /opt:icf /debug /pdb:"$rout/mdlbridge.pdb" /pdbaltpath:%_PDB% \
    /map:"$rout/mdlbridge.map" /out:"$robj/mdlbridge.unsigned.sys" \
    "$robj/driver.obj" "$robj/ops.obj" "$robj/protocol.obj" "$robj/table.obj" "$robj/mdlbridge.res" \
    "$rmingw/lib/libntoskrnl.a" "$rmingw/lib/libhal.a"

# lld 14 leaves the PE checksum 0; the loader of a boot or kernel driver checks it.
"$hostcc" -O2 -o "$obj/pe_checksum" "$here/tools/pe_checksum.c"
"$obj/pe_checksum" "$obj/mdlbridge.unsigned.sys"

key="${MDLB_SIGN_KEY:-}"
crt="${MDLB_SIGN_CERT:-}"
if [ -z "$key" ] || [ -z "$crt" ]; then
    key="$here/out/mdlbridge-test.key"
    crt="$here/out/mdlbridge-test.crt"
    openssl req -x509 -newkey rsa:3072 -nodes -keyout "$key" -out "$crt" -days 30 -sha256 \
        -subj "/CN=mdlbridge test signing (throw-away)" \
        -addext "extendedKeyUsage=codeSigning" -addext "keyUsage=digitalSignature" >/dev/null 2>&1
fi
openssl x509 -in "$crt" -outform DER -out "$out/mdlbridge-test.cer"
cp "$crt" "$out/mdlbridge-test.crt"
osslsigncode sign -certs "$crt" -key "$key" -h sha256 -ph -in "$obj/mdlbridge.unsigned.sys" \
    -out "$out/mdlbridge.sys" >/dev/null
"$obj/pe_checksum" --check "$out/mdlbridge.sys"
echo "built $out/mdlbridge.sys ($(stat -c %s "$out/mdlbridge.sys") bytes), signed by $(openssl x509 -in "$crt" -noout -subject)"
