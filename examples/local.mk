# examples/local.mk - the example application (the README's main job):
# vir0-stream, a StarPU application running VIR0 tasks over partitioned data.
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
