#!/bin/sh
# test_store_cli.sh - `vir0 store show|clear|export` on real store files:
# the directory from --dir, VIR0_HOME, STARPU_HOME and HOME; a corrupt
# line reported on stderr and skipped; usage errors exit 2. make check runs
# it from the top build directory.
set -e
vir0=./tools/vir0
tmp=$(mktemp -d /tmp/vir0-store-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_store_cli: $*" >&2; exit 1; }

mkdir -p "$tmp/a"
cat > "$tmp/a/autotune.txt" <<'STORE'
vir0-autotune 2
# a comment
00ff0001 NVIDIA%20H100%2080GB%20HBM3%20580.159.04 interp retired 0 1000 0 0 0 0 0 0 0 3000 3
00ff0001 NVIDIA%20H100%2080GB%20HBM3%20580.159.04 jit baseline 0 1000 200 55000 8 8 0 8000 6400 3000 3
00ff0001 NVIDIA%20H100%2080GB%20HBM3%20580.159.04 jit sideways 0 1000 200 55000 8 8 0 8000 6400 3000 3
STORE

# show: a header, the shape, its variants; the bad line on stderr, once.
$vir0 store show --dir "$tmp/a" > "$tmp/out" 2> "$tmp/err" || fail "show failed"
grep -q "^# autotune store $tmp/a/autotune.txt: 2 records$" "$tmp/out" || fail "show header: $(cat "$tmp/out")"
grep -q "^shape 00ff0001 on NVIDIA H100 80GB HBM3 580.159.04: 3000 tasks in 3 runs$" "$tmp/out" ||
	fail "show shape: $(cat "$tmp/out")"
grep -Eq "^  jit +baseline +0 +8 +8 +1000.0 +800.0 +200.0 +55.0 +0$" "$tmp/out" ||
	fail "show jit: $(cat "$tmp/out")"
[ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "stderr: $(cat "$tmp/err")"
grep -q "autotune.txt:5: unknown status; ignored (1 bad line in all)" "$tmp/err" ||
	fail "stderr: $(cat "$tmp/err")"

# export: one JSON object per record.
$vir0 store export --dir="$tmp/a" > "$tmp/out" 2>/dev/null || fail "export failed"
[ "$(wc -l < "$tmp/out")" -eq 2 ] || fail "export lines: $(cat "$tmp/out")"
grep -q '^{"shape":"00ff0001","adapter":"NVIDIA H100 80GB HBM3 580.159.04","variant":"jit","status":"baseline","rejections":0,"updated_us":1000,"saved_us":200.000,"compile_us":55000.000,"pairs":8,"won":8,"mismatches":0,"baseline_us":8000.000,"candidate_us":6400.000,"tasks":3000,"runs":3}$' "$tmp/out" ||
	fail "export: $(cat "$tmp/out")"

# The directory from the environment, as the policy finds it.
mkdir -p "$tmp/s/.starpu/vir0" "$tmp/h/.starpu/vir0"
cp "$tmp/a/autotune.txt" "$tmp/s/.starpu/vir0/"
VIR0_HOME="$tmp/a" $vir0 store show 2>/dev/null | grep -q "$tmp/a/autotune.txt" || fail "VIR0_HOME"
(unset VIR0_HOME; STARPU_HOME="$tmp/s" $vir0 store show 2>/dev/null) |
	grep -q "$tmp/s/.starpu/vir0/autotune.txt: 2 records" || fail "STARPU_HOME"
(unset VIR0_HOME STARPU_HOME; HOME="$tmp/h" $vir0 store show) |
	grep -q "$tmp/h/.starpu/vir0/autotune.txt: 0 records" || fail "HOME"

# clear: removes the file; a second clear has nothing to do.
$vir0 store clear --dir "$tmp/a" | grep -q "^removed $tmp/a/autotune.txt$" || fail "clear"
[ ! -e "$tmp/a/autotune.txt" ] || fail "clear left the file"
$vir0 store clear --dir "$tmp/a" | grep -q "^no autotune store in $tmp/a$" || fail "clear twice"

# Usage errors: status 2 and the usage line.
for args in "" "frob" "show show" "show --dir" "show --bogus"; do
	set +e
	$vir0 store $args > /dev/null 2> "$tmp/err"
	status=$?
	set -e
	[ $status -eq 2 ] || fail "vir0 store $args: status $status"
	grep -q "^usage: vir0 store show|clear|export \[--dir DIR\]$" "$tmp/err" ||
		fail "vir0 store $args: $(cat "$tmp/err")"
done
$vir0 store --help | grep -q "^usage: vir0 store" || fail "--help"
# No directory at all: an input error that says what to set.
set +e
(unset VIR0_HOME STARPU_HOME HOME; $vir0 store show) 2> "$tmp/err"
status=$?
set -e
[ $status -eq 1 ] && grep -q "set VIR0_HOME" "$tmp/err" || fail "no home: $status $(cat "$tmp/err")"
echo "test_store_cli: ok"
