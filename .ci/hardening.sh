#!/usr/bin/env bash
# Hardening CI for mdlbridge (called by .ci/run after ./mvnw verify, so java/cli/target/mdl.jar and
# java/bench/target/mdlbridge-bench.jar exist). Five bounded steps; every step runs even when an earlier one
# failed, and the summary at the end names the ones that failed:
#   1. C fuzz:    driver/test/fuzz/run.sh (libFuzzer + ASan + UBSan over protocol.c and table.c);
#   2. Wine fuzz: driver/test/wine-fuzz/run.sh, the real driver under Wine fed seeded random requests;
#   3. stress:    mdl stress on the simulator: no leak, no unexpected status, at least 10,000 operations;
#   4. bench:     the benchmark smoke run, asserting loose bounds (java/bench/RESULTS.md says why these margins);
#   5. explore:   mdl explore on the simulator with fixed seeds: no finding, every op reached (java/cli/EXPLORE.md).
# Knobs: MDLB_FUZZ_SECONDS (60), MDLB_WINE_FUZZ_SECONDS (30), MDLB_WINE_FUZZ_SEED (the date), MDLB_STRESS_DURATION
# (10s), MDLB_BENCH_TARGETS (enforce | warn), MDLB_EXPLORE_SECONDS (30), MDLB_SKIP (space-separated steps to skip:
# cfuzz winefuzz stress bench explore).
set -uo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

failed=()
skip=" ${MDLB_SKIP:-} "
step() { printf '\n==== hardening: %s ====\n' "$*"; }
skipped() { case "$skip" in *" $1 "*) echo "(skipped: MDLB_SKIP)"; return 0;; esac; return 1; }

# Pulls a number out of Jackson's indented JSON: "key" : 123
json_number() { sed -n "s/^ *\"$1\" : \\([0-9.Ee+-]*\\),\\{0,1\\}\$/\\1/p" "$2" | head -1; }

# ------------------------------------------------------------------------------------------- 1. C fuzz
step "1/5 C fuzz (libFuzzer + ASan + UBSan over driver/src/protocol.c and table.c)"
if ! skipped cfuzz; then
  bash driver/test/fuzz/run.sh "${MDLB_FUZZ_SECONDS:-60}" || failed+=("C fuzz")
fi

# ---------------------------------------------------------------------------------------- 2. Wine fuzz
step "2/5 Wine fuzz (the real driver in winedevice.exe, seeded random requests)"
if ! skipped winefuzz; then
  # The saved findings (driver/test/vectors/fuzz-*.vec) are replayed first; the random part covers every shape,
  # including the spans of 16384k pages that once killed winedevice.exe (fuzz-chain-4gib-pfn-width.vec).
    bash driver/test/wine-fuzz/run.sh "${MDLB_WINE_FUZZ_SECONDS:-30}" "${MDLB_WINE_FUZZ_SEED:-$(date +%s)}" \
    || failed+=("Wine fuzz")
fi

# ------------------------------------------------------------------------------------------- 3. stress
step "3/5 mdl stress on the simulator (4 threads, ${MDLB_STRESS_DURATION:-10s})"
if ! skipped stress; then
  jar="$root/java/cli/target/mdl.jar"
  out="$(mktemp /tmp/mdlb-stress.XXXXXX.json)"
  if [ ! -f "$jar" ]; then
    echo "hardening: $jar missing: run ./mvnw verify (or package) first"
    failed+=("stress")
  else
    java -jar "$jar" stress --backend simulator --threads 4 --duration "${MDLB_STRESS_DURATION:-10s}" --json >"$out"
    rc=$?
    ops="$(json_number operations "$out")"
    rate="$(json_number opsPerSecond "$out")"
    echo "stress: exit $rc, ${ops:-?} operations, ${rate:-?} ops/s"
    sed -n '/"failuresByStatus"/,/}/p;/"leaked"/,/}/p;/"unexpected" :/,/}/p' "$out"
    if [ "$rc" -ne 0 ] || [ -z "$ops" ] || [ "$ops" -lt 10000 ]; then
      cat "$out"
      failed+=("stress")
    fi
  fi
  rm -f "$out"
fi

# -------------------------------------------------------------------------------------------- 4. bench
step "4/5 benchmark smoke (--quick --smoke --json, -Xmx512m; loose targets)"
if ! skipped bench; then
  jar="$root/java/bench/target/mdlbridge-bench.jar"
  out="$(mktemp /tmp/mdlb-bench.XXXXXX.json)"
  if [ ! -f "$jar" ]; then
    echo "hardening: $jar missing: run ./mvnw verify (or package) first"
    failed+=("bench")
  elif ! java -Xmx512m -jar "$jar" --quick --smoke --json --out "$out" >/dev/null; then
    cat "$out" 2>/dev/null
    failed+=("bench")
  else
    ratio="$(json_number lockGiBRatioToFloor "$out")"
    describe="$(json_number describeOnePageMedianNanos "$out")"
    largest="$(json_number largestDescribeBytes "$out")"
    spread="$(json_number nanosPerPageMaxOverMinFrom1MiB "$out")"
    direct="$(json_number directNanosPerCall "$out")"
    iface="$(json_number interfaceNanosPerCall "$out")"
    echo "bench: lock 1 GiB ${ratio}x the PFN-copy floor (<= 90), describe 1 page median ${describe} ns (<= 20000),"
    echo "       largest describe ${largest} bytes under -Xmx512m, ns/page spread from 1 MiB ${spread}x (<= 16),"
    echo "       JNA direct ${direct} ns, interface ${iface} ns per call"
    ok=1
    target_fail=0
    [ "${MDLB_BENCH_TARGETS:-enforce}" = "warn" ] || target_fail=1
    awk -v r="$ratio" 'BEGIN { exit !(r != "" && r <= 90) }' || {
      echo "bench: TARGET MISSED: lock ratio over 90x (target 30x)"; [ $target_fail -eq 0 ] || ok=0; }
    awk -v d="$describe" 'BEGIN { exit !(d != "" && d <= 20000) }' || {
      echo "bench: TARGET MISSED: describe over 20 us (target 5 us)"; [ $target_fail -eq 0 ] || ok=0; }
    [ "$largest" = "4294963200" ] || { echo "bench: the 4 GiB - 4 KiB describe did not run"; ok=0; }
    awk -v s="$spread" 'BEGIN { exit !(s != "" && s <= 16) }' || { echo "bench: ns per page not linear (cliff)"; ok=0; }
    [ $ok -eq 1 ] || { cat "$out"; failed+=("bench"); }
  fi
  rm -f "$out"
fi

# ----------------------------------------------------------------------------------------- 5. explore
step "5/5 mdl explore on the simulator (${MDLB_EXPLORE_SECONDS:-30} s, fixed seeds): no finding, every op reached"
if ! skipped explore; then
  jar="$root/java/cli/target/mdl.jar"
  out="$(mktemp /tmp/mdlb-explore.XXXXXX.json)"
  findings="$(mktemp -d /tmp/mdlb-explore-findings.XXXXXX)"
  half=$(( ${MDLB_EXPLORE_SECONDS:-30} / 2 ))
  [ "$half" -ge 1 ] || half=1
  ok=1
  for seed in 1 2; do
    java -jar "$jar" explore --backend simulator --seconds "$half" --seed "$seed" --out "$findings" --json >"$out"
    rc=$?
    summary="$(python3 - "$out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
missing = [op for op, n in d["coverage"]["ops"].items() if n == 0]
print(f'{d["sequences"]} sequences, {d["steps"]} steps, {len(d["findings"])} findings, ops never run: {missing or "none"}')
sys.exit(1 if d["findings"] or missing else 0)
PY
)"
    cov=$?
    echo "explore seed $seed: exit $rc, $summary"
    [ $rc -eq 0 ] && [ $cov -eq 0 ] || ok=0
  done
  if [ $ok -ne 1 ]; then
    echo "explore: findings (replay each with: mdl run FILE):"; ls -l "$findings"
    for f in "$findings"/*.json; do [ -f "$f" ] && cat "$f"; done
    failed+=("explore")
  fi
  rm -rf "$out" "$findings"
fi

echo
if [ ${#failed[@]} -eq 0 ]; then
  echo "==== hardening passed ===="
  exit 0
fi
printf '**** hardening FAILED: %s ****\n' "$(IFS=,; echo "${failed[*]}")"
exit 1
