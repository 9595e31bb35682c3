#!/bin/sh
# test_starpu_plugin.sh - STARPU_SCHED=vir0-spec through LD_PRELOAD in an
# unmodified application (tests/test_starpu_plugin_app, which does not link
# libstarpu_vir0): the policy is selected with one confirmation line, quiet
# under STARPU_SILENT; any other STARPU_SCHED value, or none, is left to
# StarPU; STARPU_SCHED=help lists vir0-spec beside StarPU's own policies.
# Run from the build directory (make check does).
set -u
. "${srcdir:-.}/tests/starpu_preload.sh"
app=./tests/test_starpu_plugin_app
line='starpu-vir0: scheduling policy vir0-spec selected (STARPU_SCHED)'
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
failed=0

fail() {
	echo "FAIL: $*"
	echo "--- stdout"; cat "$out"; echo "--- stderr"; cat "$err"
	failed=1
}

# run SILENT SCHED: the app under the preload, with STARPU_SILENT and
# STARPU_SCHED as given ("-" leaves STARPU_SCHED unset).
run() {
	if [ "$2" = - ]; then
		env -u STARPU_SCHED STARPU_SILENT="$1" LD_PRELOAD="$vir0_preload" "$app" >"$out" 2>"$err"
	else
		env STARPU_SILENT="$1" STARPU_SCHED="$2" LD_PRELOAD="$vir0_preload" "$app" >"$out" 2>"$err"
	fi
}

confirmations() {
	grep -cxF "$line" "$err"
}

# Selected, confirmed exactly once, no "not found" warning from StarPU.
run 0 vir0-spec || fail "vir0-spec: exit $?"
grep -qx 'policy vir0-spec' "$out" || fail "vir0-spec: not the policy in use"
grep -qx 'tasks ok' "$out" || fail "vir0-spec: tasks did not complete"
[ "$(confirmations)" = 1 ] || fail "vir0-spec: $(confirmations) confirmation lines, not 1"
grep -q 'not found' "$err" && fail "vir0-spec: StarPU warned about the name"

# Quiet under STARPU_SILENT, still selected.
run 1 vir0-spec || fail "silent: exit $?"
grep -qx 'policy vir0-spec' "$out" || fail "silent: not the policy in use"
[ -s "$err" ] && fail "silent: printed on stderr"

# Other names and no name: StarPU's choice, nothing of ours.
for sched in eager dmda prio; do
	run 0 "$sched" || fail "$sched: exit $?"
	grep -qx "policy $sched" "$out" || fail "$sched: not the policy in use"
	[ "$(confirmations)" = 0 ] || fail "$sched: confirmation printed"
done
run 0 - || fail "unset: exit $?"
grep -qx 'policy lws' "$out" || fail "unset: StarPU's default lws not in use"
[ "$(confirmations)" = 0 ] || fail "unset: confirmation printed"

# help: StarPU's list, then ours.
run 1 help || fail "help: exit $?"
grep -q '^dmda ' "$err" || fail "help: StarPU's own list missing"
grep -q '^vir0-spec  *	-> ' "$err" || fail "help: vir0-spec not listed"

exit $failed
