# bench/local.mk - the CPU interpreter benchmark. Built with the project
# (so it cannot rot), run by `make bench`; results go to bench/RESULTS.md.
noinst_PROGRAMS = bench/bench_cpu
bench_bench_cpu_SOURCES = bench/bench.h bench/bench_main.c bench/bench_kernels.c \
	bench/bench_util.c bench/bench_util.h bench/native_kernels.c bench/native_kernels.h
bench_bench_cpu_LDADD = libvir0.la
EXTRA_DIST += bench/RESULTS.md bench/h100.sh

.PHONY: bench
bench: bench/bench_cpu$(EXEEXT)
	./bench/bench_cpu$(EXEEXT)
