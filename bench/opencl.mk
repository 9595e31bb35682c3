# bench/opencl.mk - the OpenCL benchmark: the example kernels run by the
# megakernel, the JIT and hand-written OpenCL C (bench/opencl_kernels.cl,
# embedded at build time like codelets/'s kernels), and the dispatch costs.
# Built with the project when OpenCL is found (so it cannot rot); run by
#   make bench-opencl [BENCH_OPENCL_ARGS="SCALE [WHAT...]"]
# (SCALE 1, the default, fills a GPU; PoCL on a small CPU wants 0.01).
# Not part of `make bench`: at the default scale it takes GBs of memory.
EXTRA_DIST += bench/opencl_kernels.cl
BENCH_OPENCL_ARGS =
.PHONY: bench-opencl

if HAVE_OPENCL
noinst_PROGRAMS += bench/bench_opencl
bench_bench_opencl_SOURCES = bench/bench_opencl.h bench/bench_opencl.c \
	bench/bench_opencl_kernels.c bench/bench_opencl_dispatch.c \
	bench/bench_util.c bench/bench_util.h bench/native_kernels.c bench/native_kernels.h
nodist_bench_bench_opencl_SOURCES = bench/bench_opencl_source.c
bench_bench_opencl_CFLAGS = $(AM_CFLAGS) $(OPENCL_CFLAGS)
bench_bench_opencl_LDADD = libvir0_opencl.la libvir0.la $(OPENCL_LIBS) -lm

bench/bench_opencl_source.c: $(top_srcdir)/codelets/embed-cl.pl \
		$(top_srcdir)/bench/opencl_kernels.cl
	@$(MKDIR_P) bench
	$(AM_V_GEN)perl $(top_srcdir)/codelets/embed-cl.pl $@ \
		bench_opencl_kernels_source=$(top_srcdir)/bench/opencl_kernels.cl
CLEANFILES += bench/bench_opencl_source.c

bench-opencl: bench/bench_opencl$(EXEEXT)
	./bench/bench_opencl$(EXEEXT) $(BENCH_OPENCL_ARGS)
else
bench-opencl:
	@echo "bench-opencl: configure found no OpenCL (see README.md)"; exit 1
endif
