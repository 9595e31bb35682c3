#!/bin/sh
# starpu_examples.sh - StarPU's own examples (Debian's starpu-examples)
# under vir0-spec, selected by LD_PRELOAD + STARPU_SCHED as a user would:
# every example that passes under dmda must pass under vir0-spec, and
# must have run under vir0-spec (its confirmation line). An example that
# fails under vir0-spec is run again under dmda; failing there too, it is
# not ours and is listed, not counted. Examples that skip themselves
# (exit 77: no display, no SOCL platform, ...) are listed as skipped.
# The package's MPI examples (../mpi) need mpirun and are not run here.
# Run from the build directory (make check does).
set -u
. "${srcdir:-.}/tests/starpu_preload.sh"
dir=${STARPU_EXAMPLES_DIR:-/usr/lib/x86_64-linux-gnu/starpu/examples}
if [ ! -d "$dir" ]; then
	echo "SKIP: no StarPU examples in $dir (apt-get install starpu-examples)"
	exit 77
fi
# Under the sanitizers the runtimes are preloaded into binaries built
# without them: StarPU's and the examples' own leaks are not ours (our
# code's are checked by the Check suites under LeakSanitizer).
case $vir0_preload in *libasan*) ASAN_OPTIONS=detect_leaks=0; export ASAN_OPTIONS ;; esac

# Not run, with the reason:
skip_reason() {
	case $1 in
	# Scripts and gnuplot files that drive the binaries tested here, from
	# StarPU's build tree.
	*.sh | *.gp) echo "not a program" ;;
	# These never call starpu_init, so there is no policy to select: the
	# data-interface checks, and SOCL's programs (plain OpenCL through
	# the SOCL ICD).
	*_data_interface | */socl/*) echo "never starts StarPU" ;;
	esac
}

line='starpu-vir0: scheduling policy vir0-spec selected (STARPU_SCHED)'
logs=tests/starpu_examples.d
rm -rf "$logs"
mkdir -p "$logs"
passed=0 failed=0 skipped=0 theirs=""

# run SCHED EXAMPLE LOG [ENV...]: the example's status; its output in LOG.
run() {
	run_sched=$1 run_example=$2 run_log=$3
	shift 3
	(env "$@" STARPU_SCHED="$run_sched" STARPU_SILENT=0 \
		timeout 300 "$run_example" </dev/null >"$run_log" 2>&1)
}

for example in "$dir"/* "$dir"/*/*; do
	[ -f "$example" ] && [ -x "$example" ] || continue
	name=${example#"$dir"/}
	log=$logs/$(echo "$name" | tr / _)
	reason=$(skip_reason "$example")
	if [ -n "$reason" ]; then
		echo "skip $name: $reason"
		skipped=$((skipped + 1))
		continue
	fi
	run vir0-spec "$example" "$log.vir0" LD_PRELOAD="$vir0_preload"
	rc=$?
	if [ $rc = 77 ]; then
		echo "skip $name: skipped itself"
		skipped=$((skipped + 1))
	elif [ $rc = 0 ]; then
		if grep -qxF "$line" "$log.vir0"; then
			passed=$((passed + 1))
		else
			echo "FAIL $name: passed, but not under vir0-spec (no confirmation line)"
			failed=$((failed + 1))
		fi
	elif run dmda "$example" "$log.dmda"; then
		echo "FAIL $name: exit $rc under vir0-spec, passes under dmda; last lines:"
		tail -n 15 "$log.vir0"
		failed=$((failed + 1))
	else
		theirs="$theirs $name"
	fi
done
echo "failing under dmda as well, not counted:${theirs:- none}"
echo "$passed passed under vir0-spec, $failed failed, $skipped skipped"
# Fewer than this means the examples did not really run here.
[ $passed -ge 50 ] || { echo "FAIL: only $passed examples passed"; exit 1; }
[ $failed = 0 ]
