#!/usr/bin/env bash
# driver/test/fuzz/run.sh [SECONDS]
#
# Builds the libFuzzer harnesses over the driver's pure-C parts (clang -fsanitize=fuzzer,address,undefined) and
# runs a bounded fuzz: first every saved crash input (driver/test/vectors/fuzz-*.vec) once, as regression tests,
# then fuzz_protocol for 2/3 of SECONDS (default 60) seeded from the request bytes of driver/test/vectors/*.vec,
# then fuzz_table for the rest. Prints the runs executed and the result of each; exits non-zero on any crash,
# sanitizer report or failed check, leaving the input under $MDLB_FUZZ_WORK (default: a fresh temp dir).
#
# Environment: MDLB_FUZZ_WORK (work dir, kept), MDLB_FUZZ_JOBS (parallel workers per target, default 1),
#              CC (default clang), MDLB_DRIVER_SRC (default driver/src of this checkout).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
seconds="${1:-60}"
case "$seconds" in (*[!0-9]*|'') echo "run.sh: SECONDS must be a whole number, got '$seconds'" >&2; exit 2;; esac
[ "$seconds" -ge 3 ] || seconds=3
src="${MDLB_DRIVER_SRC:-$root/driver/src}"
cc="${CC:-clang}"
jobs="${MDLB_FUZZ_JOBS:-1}"
work="${MDLB_FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/mdlb-fuzz.XXXXXX")}"
mkdir -p "$work"

for f in protocol.c protocol.h table.c table.h; do
  if [ ! -f "$src/$f" ]; then
    echo "run.sh: $src/$f not found: the driver's pure-C parts (wip/driver) are needed" >&2
    exit 2
  fi
done
if ! command -v "$cc" >/dev/null; then
  echo "run.sh: $cc not found (Debian: apt-get install clang libclang-rt-14-dev)" >&2
  exit 2
fi

flags=(-g -O1 -std=c11 -Wall -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
       -fno-omit-frame-pointer -I "$root/driver/include" -I "$src")
echo "== fuzz: building with $($cc --version | head -1) in $work"
"$cc" "${flags[@]}" -o "$work/fuzz_protocol" "$here/fuzz_protocol.c" "$src/protocol.c"
"$cc" "${flags[@]}" -o "$work/fuzz_table" "$here/fuzz_table.c" "$src/table.c"
"$cc" -O1 -std=c11 -Wall -I "$root/driver/include" -o "$work/vec2seed" "$here/vec2seed.c"
"$cc" "${flags[@]/-fsanitize=fuzzer,address,undefined/-fsanitize=address,undefined}" -o "$work/regress_pfn_capacity" \
    "$here/regress_pfn_capacity.c" "$src/protocol.c"

mkdir -p "$work/seeds" "$work/corpus_protocol" "$work/corpus_table" "$work/regress"
shopt -s nullglob
vecs=("$root"/driver/test/vectors/*.vec)
crashvecs=("$root"/driver/test/vectors/fuzz-*.vec)
nseeds=0
if [ ${#vecs[@]} -gt 0 ]; then
  nseeds=$("$work/vec2seed" "$work/seeds" "${vecs[@]}")
fi
echo "== fuzz: $nseeds seeds from ${#vecs[@]} vectors in driver/test/vectors"

status=0
echo "== fuzz: regression checks of earlier findings"
if ! "$work/regress_pfn_capacity"; then
  status=1
fi
if [ ${#crashvecs[@]} -gt 0 ]; then
  "$work/vec2seed" "$work/regress" "${crashvecs[@]}" >/dev/null
  regress=("$work"/regress/*)
  echo "== fuzz: replaying ${#regress[@]} saved crash inputs (fuzz-*.vec)"
  if ! (cd "$work" && "$work/fuzz_protocol" "${regress[@]}") >"$work/regress.log" 2>&1; then
    tail -30 "$work/regress.log"
    echo "fuzz: FAILED: a saved crash input fails again (log: $work/regress.log)"
    status=1
  fi
fi

tables=("$here"/regress/table-*.bin)
if [ ${#tables[@]} -gt 0 ]; then
  echo "== fuzz: replaying ${#tables[@]} saved table programs (regress/table-*.bin)"
  if ! (cd "$work" && "$work/fuzz_table" "${tables[@]}") >"$work/regress-table.log" 2>&1; then
    tail -30 "$work/regress-table.log"
    echo "fuzz: FAILED: a saved table program fails again (log: $work/regress-table.log)"
    status=1
  fi
fi

run_target() { # name seconds corpus seeddir...
  local name="$1" secs="$2" corpus="$3"; shift 3
  local log="$work/$name.log"
  local rc=0
  local par=()
  [ "$jobs" -le 1 ] || par=(-jobs="$jobs" -workers="$jobs")
  (cd "$work" && "$work/$name" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2560 -max_len=70000 \
      -print_final_stats=1 "${par[@]}" -artifact_prefix="$work/crash-$name-" "$corpus" "$@" >"$log" 2>&1) || rc=$?
  local runs
  runs=$(grep -h 'stat::number_of_executed_units' "$log" "$work"/fuzz-*.log 2>/dev/null | awk '{s+=$2} END {print s+0}')
  local crashes=("$work"/crash-"$name"-*)
  if [ $rc -ne 0 ] || [ ${#crashes[@]} -gt 0 ]; then
    grep -E 'ERROR|check failed|runtime error|SUMMARY' "$log" | head -10 || true
    echo "fuzz: $name: FAILED after $runs runs in ${secs}s: input ${crashes[*]:-(see $log)}"
    echo "      keep it: see driver/test/fuzz/README.md (a protocol input becomes driver/test/vectors/fuzz-NAME.vec,"
    echo "      a table program driver/test/fuzz/regress/table-NAME.bin)"
    status=1
  else
    echo "fuzz: $name: $runs runs in ${secs}s, no crash ($(ls "$corpus" | wc -l) corpus entries)"
  fi
}

t_protocol=$(( seconds * 2 / 3 ))
t_table=$(( seconds - t_protocol ))
run_target fuzz_protocol "$t_protocol" "$work/corpus_protocol" "$work/seeds"
run_target fuzz_table "$t_table" "$work/corpus_table"
if [ $status -eq 0 ]; then
  echo "fuzz: ok (work dir $work)"
else
  echo "fuzz: FAILED (work dir $work)"
fi
exit $status
