# bench/spec.mk - vir0-spec's speculation on a mixed workload against
# always-interpret, always-speculative and the oracle (bench/bench_spec.c).
# Run by
#   make bench-spec [BENCH_SPEC_ARGS="TASKS"]
# (POCL_KERNEL_CACHE=0 in the environment for PoCL's compiles cold.)
BENCH_SPEC_ARGS =
.PHONY: bench-spec
if HAVE_STARPU
noinst_PROGRAMS += bench/bench_spec
bench_bench_spec_SOURCES = bench/bench_spec.c bench/bench_util.c bench/bench_util.h
bench_bench_spec_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/codelets -I$(top_srcdir)/sched
bench_bench_spec_CFLAGS = $(AM_CFLAGS) $(STARPU_CFLAGS) $(OPENCL_CFLAGS)
bench_bench_spec_LDADD = libstarpu_vir0.la sched/libvir0_spec.la libvir0_opencl.la libvir0.la \
	$(STARPU_LIBS) $(OPENCL_LIBS) -lm

bench-spec: bench/bench_spec$(EXEEXT)
	STARPU_OPENCL_ON_CPUS=1 ./bench/bench_spec$(EXEEXT) $(BENCH_SPEC_ARGS)
else
bench-spec:
	@echo "bench-spec: configure was run --without-starpu"; exit 1
endif
