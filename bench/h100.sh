#!/usr/bin/env bash
# bench/h100.sh - what one call on the GPU machine runs (../shared/device/README.md):
# build the release tarball in .gpu/ against the sysroot bundle, then the steps
# named in STEPS (default "check bench"), each writing its output under $OUT.
#
#   check      make check (only $CHECK_TESTS when set); VIR0_FUZZ_OPENCL_N /
#              VIR0_FUZZ_JIT_N pass through
#   persist    the slot suite 3 times with VIR0_CL_MODE=persistent forced
#   bench      ./bench/bench_opencl $BENCH_ARGS (default 1)
#   cpubench   ./bench/bench_cpu $CPU_BENCH_ARGS
#   starpu     ./bench/bench_starpu $STARPU_BENCH_ARGS (tiny task vs a hand codelet;
#              per-task launches and the resident kernel on the GPU)
#   spec       ./bench/bench_spec $SPEC_BENCH_ARGS, then again with the JIT cold
#              (CUDA_CACHE_DISABLE=1)
#   shapes     bench_opencl once per "WG:LANES" in $SHAPES (saxpy, sum, dfa)
#   regs       bench_opencl (saxpy, vadd, sum) once per NVIDIA register cap in
#              $REGS (-cl-nv-maxrregcount), with the build log (registers used)
#
# From the CPU machine: make dist, copy the tarball into .gpu/, then
#   run(command="STEPS='check bench' bash bench/h100.sh", carry=[".gpu"])
set -uo pipefail
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
source .gpu/env.sh
build=/tmp/b
if [ ! -x "$build"/starpu-vir0-*/bench/bench_opencl ]; then
	rm -rf "$build" && mkdir -p "$build" && tar xf .gpu/starpu-vir0-*.tar.gz -C "$build"
	(cd "$build"/starpu-vir0-* && ./configure -q && make -s -j16) > "$OUT/build.txt" 2>&1 ||
		{ tail -40 "$OUT/build.txt"; exit 1; }
fi
cd "$build"/starpu-vir0-*
clinfo -l > "$OUT/clinfo.txt" 2>&1

for step in ${STEPS:-check bench}; do
	echo "== $step $(date -u +%T)"
	case $step in
	check)
		make -s -j16 check ${CHECK_TESTS:+TESTS="$CHECK_TESTS"} > "$OUT/check.txt" 2>&1
		echo "make check rc=$?"
		grep -E '^(PASS|FAIL|ERROR|# )' "$OUT/check.txt" | tail -12
		tar czf "$OUT/test-logs.tgz" tests/*.log 2>/dev/null
		;;
	persist)
		for i in 1 2 3; do
			VIR0_CL_MODE=persistent make -s check TESTS=tests/test_opencl_slots \
				> "$OUT/persist-$i.txt" 2>&1
			echo "forced persistent run $i rc=$?"
			cp tests/test_opencl_slots.log "$OUT/persist-$i.log" 2>/dev/null
		done
		;;
	bench)
		./bench/bench_opencl ${BENCH_ARGS:-1} > "$OUT/bench_opencl.txt" 2>&1
		echo "bench_opencl rc=$?"
		;;
	cpubench)
		./bench/bench_cpu ${CPU_BENCH_ARGS:-} > "$OUT/bench_cpu.txt" 2>&1
		echo "bench_cpu rc=$?"
		;;
	starpu)
		STARPU_HOME=/tmp/sphome ./bench/bench_starpu ${STARPU_BENCH_ARGS:-2000 64} \
			> "$OUT/bench_starpu.txt" 2>&1
		echo "bench_starpu rc=$?"
		;;
	spec)
		STARPU_HOME=/tmp/sphome ./bench/bench_spec ${SPEC_BENCH_ARGS:-} \
			> "$OUT/bench_spec.txt" 2>&1
		echo "bench_spec rc=$?"
		CUDA_CACHE_DISABLE=1 STARPU_HOME=/tmp/sphome ./bench/bench_spec ${SPEC_BENCH_ARGS:-} \
			> "$OUT/bench_spec_cold.txt" 2>&1
		echo "bench_spec (CUDA_CACHE_DISABLE=1) rc=$?"
		;;
	shapes)
		for shape in ${SHAPES:-128:4 128:8 64:16}; do
			VIR0_CL_WG=${shape%:*} VIR0_CL_LANES=${shape#*:} \
				./bench/bench_opencl ${BENCH_ARGS:-1} saxpy sum dfa \
				> "$OUT/shape-${shape/:/x}.txt" 2>&1
			echo "shape $shape rc=$?"
		done
		;;
	regs)
		for r in ${REGS:-255 64 40}; do
			VIR0_CL_BUILD_LOG=1 VIR0_CL_BUILD_OPTIONS="-cl-nv-maxrregcount=$r -cl-nv-verbose" \
				./bench/bench_opencl ${BENCH_ARGS:-1} saxpy vadd sum > "$OUT/regs-$r.txt" 2>&1
			echo "maxrregcount $r rc=$?"
		done
		;;
	*) echo "unknown step $step" ;;
	esac
done
