#!/bin/sh
# test_starpu_spec_store.sh - the autotune store across processes under
# vir0-spec (tests/test_starpu_spec_run): a first process races until the
# CPU adopts the fast variant and saves; a second process starts adopted
# (no pair); two processes saving at once leave a valid store holding
# every run. make check runs it from the top build directory.
set -e
run=./tests/test_starpu_spec_run
vir0=./tools/vir0
tmp=$(mktemp -d /tmp/vir0-spec-store-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_starpu_spec_store: $*" >&2; exit 1; }
export VIR0_HOME="$tmp/home"
unset VIR0_SPEC
# Re-checks are sampled; none here, so "no pair" is exact.
export VIR0_SPEC_RECHECK=0

$run learn 2> "$tmp/learn.err" || fail "learn: $(cat "$tmp/learn.err")"
[ -s "$VIR0_HOME/autotune.txt" ] || fail "no store after the first process"
$vir0 store export --dir "$VIR0_HOME" > "$tmp/first" || fail "export"
grep -q '"variant":"test1","status":"baseline"' "$tmp/first" ||
	fail "first store: $(cat "$tmp/first")"

$run recall 2> "$tmp/recall.err" || fail "recall: $(cat "$tmp/recall.err")"

# Two at once: both save under the lock, nothing is lost or torn.
$run recall 2> "$tmp/a.err" & a=$!
$run recall 2> "$tmp/b.err" & b=$!
wait $a || fail "concurrent a: $(cat "$tmp/a.err")"
wait $b || fail "concurrent b: $(cat "$tmp/b.err")"
$vir0 store export --dir "$VIR0_HOME" > "$tmp/last" 2> "$tmp/last.err" || fail "export"
[ ! -s "$tmp/last.err" ] || fail "store reported: $(cat "$tmp/last.err")"
head -1 "$VIR0_HOME/autotune.txt" | grep -q '^vir0-autotune 2$' || fail "header"
# learn, recall, and the two at once: four runs of the CPU record.
cpu_test1=$(grep '"adapter":"cpu:' "$tmp/last" | grep '"variant":"test1"')
echo "$cpu_test1" | grep -q '"status":"baseline"' || fail "verdict lost: $cpu_test1"
echo "$cpu_test1" | grep -q '"runs":4}' || fail "runs lost: $cpu_test1"
ls "$VIR0_HOME" | grep -q '\.tmp$' && fail "a temporary file was left"
exit 0
