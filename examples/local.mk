# examples/local.mk - the example application (the README's main job):
# vir0-stream, a StarPU application running VIR0 tasks over partitioned data.
# The files are listed, not the folder: the build tree has an examples/ of
# its own (objects, the binary), which `make dist` would take instead.
EXTRA_DIST += examples/README.md examples/run-examples.sh \
	examples/dfa_scan.vir0s examples/histogram.vir0s examples/matmul_tiled.vir0s \
	examples/prefix_sum.vir0s examples/reduction_atomic.vir0s examples/saxpy.vir0s \
	examples/vector_add.vir0s
if HAVE_STARPU
noinst_PROGRAMS += examples/vir0-stream
examples_vir0_stream_SOURCES = examples/stream.c
examples_vir0_stream_CFLAGS = $(AM_CFLAGS) $(STARPU_CFLAGS) $(OPENCL_CFLAGS)
examples_vir0_stream_LDADD = libstarpu_vir0.la libvir0.la $(STARPU_LIBS)
endif
# The main job as a test (tests/run_stream.sh).
if HAVE_STARPU
TESTS += tests/run_stream.sh
endif
EXTRA_DIST += tests/run_stream.sh
