#!/bin/sh
# run_examples.sh - the main job as a test: examples/run-examples.sh runs
# every example through the built vir0 command and checks its results, once
# per engine that must run them all.
# make check runs this from the top build directory with $srcdir set, so
# it works when the sources are elsewhere (make distcheck).
set -e
for engine in cpu ref; do
	bash "${srcdir:-.}/examples/run-examples.sh" ./tools/vir0 "$engine"
done
