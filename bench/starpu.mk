# bench/starpu.mk - what a tiny VIR0 task costs through StarPU against a
# hand-written StarPU codelet (bench/bench_starpu.c). Run by
#   make bench-starpu [BENCH_STARPU_ARGS="TASKS [ELEMENTS]"]
# (OpenCL workers on CPU devices too, so PoCL serves where there is no GPU).
BENCH_STARPU_ARGS =
.PHONY: bench-starpu
if HAVE_STARPU
noinst_PROGRAMS += bench/bench_starpu
bench_bench_starpu_SOURCES = bench/bench_starpu.c bench/bench_util.c bench/bench_util.h
bench_bench_starpu_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/codelets
bench_bench_starpu_CFLAGS = $(AM_CFLAGS) $(STARPU_CFLAGS) $(OPENCL_CFLAGS)
bench_bench_starpu_LDADD = libstarpu_vir0.la libvir0_opencl.la libvir0.la $(STARPU_LIBS) \
	$(OPENCL_LIBS) -lm

bench-starpu: bench/bench_starpu$(EXEEXT)
	STARPU_OPENCL_ON_CPUS=1 ./bench/bench_starpu$(EXEEXT) $(BENCH_STARPU_ARGS)
else
bench-starpu:
	@echo "bench-starpu: configure was run --without-starpu"; exit 1
endif
