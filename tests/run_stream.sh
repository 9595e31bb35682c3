#!/usr/bin/env bash
# run_stream.sh - the main job end to end: examples/vir0-stream (a StarPU
# application linking libstarpu_vir0) on a CPU worker and the OpenCL worker,
# under vir0-spec (selected by STARPU_SCHED through the linked library's
# starpu_initialize) and under StarPU's dmda; every result must match the
# reference interpreter.
set -euo pipefail
app=${VIR0_STREAM:-examples/vir0-stream}
for policy in vir0-spec dmda; do
	out=$(STARPU_SCHED=$policy "$app" --elements 20000 --blocks 5 --rounds 3 2>&1) || {
		echo "$out"
		echo "run_stream: FAIL: vir0-stream exited non-zero under $policy"
		exit 1
	}
	echo "$out"
	grep -q "all results match the reference interpreter" <<<"$out" ||
		{ echo "run_stream: FAIL: results differ under $policy"; exit 1; }
done
echo "run_stream: vir0-stream matches the reference under vir0-spec and dmda"
