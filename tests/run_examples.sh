#!/bin/sh
# run_examples.sh - the main job as a test: examples/run-examples.sh runs
# every example through the built vir0 command and checks its results, once
# per engine that must run them all (opencl when the OpenCL engine is
# built: then `vir0 run --engine opencl --help` succeeds).
# make check runs this from the top build directory with $srcdir set, so
# it works when the sources are elsewhere (make distcheck).
set -e
engines="cpu ref"
if ./tools/vir0 run --engine opencl --help >/dev/null 2>&1; then
	engines="$engines opencl"
fi
for engine in $engines; do
	bash "${srcdir:-.}/examples/run-examples.sh" ./tools/vir0 "$engine"
done
