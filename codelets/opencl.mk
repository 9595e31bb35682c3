# codelets/opencl.mk - the OpenCL engine library libvir0_opencl (public
# header include/vir0_opencl.h): the resident megakernel interpreter, its
# device state, program store, ring, launches and standalone runtime
# (doc/opencl-engine.md). The JIT's sources join it from codelets/jit.mk.
# Kernel sources stay .cl files, embedded as C strings at build time.
EXTRA_DIST += codelets/embed-cl.pl codelets/megakernel.cl \
	codelets/megakernel_interp.cl codelets/megakernel_ring.cl \
	codelets/README.md

if HAVE_OPENCL
lib_LTLIBRARIES += libvir0_opencl.la
include_HEADERS += include/vir0_opencl.h
libvir0_opencl_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/codelets
libvir0_opencl_la_CFLAGS = $(AM_CFLAGS) $(OPENCL_CFLAGS)
libvir0_opencl_la_LIBADD = libvir0.la $(OPENCL_LIBS) -lpthread
libvir0_opencl_la_LDFLAGS = -version-info 0:0:0 -export-symbols-regex '^vir0_cl_' $(AM_LDFLAGS)
libvir0_opencl_la_SOURCES = \
	codelets/cl_sources.h codelets/cl_engine.h \
	codelets/cl_error.c codelets/cl_error.h \
	codelets/cl_env.c codelets/cl_env.h \
	codelets/cl_platform.c codelets/cl_platform.h \
	codelets/cl_device.c \
	codelets/cl_binary_cache.c codelets/cl_binary_cache.h \
	codelets/cl_store.c \
	codelets/cl_arena.c \
	codelets/cl_slots.c codelets/cl_slots.h \
	codelets/cl_launch.c codelets/cl_launch.h \
	codelets/cl_ring_pool.c \
	codelets/cl_persistent.c \
	codelets/cl_runtime.c
nodist_libvir0_opencl_la_SOURCES = codelets/cl_sources.c

# Every embedded kernel source, as NAME=FILE for embed-cl.pl.
VIR0_CL_EMBEDDED = \
	vir0_cl_ops_source=$(top_srcdir)/codelets/vir0_ops.cl \
	vir0_cl_megakernel_source=$(top_srcdir)/codelets/megakernel.cl \
	vir0_cl_megakernel_interp_source=$(top_srcdir)/codelets/megakernel_interp.cl \
	vir0_cl_megakernel_ring_source=$(top_srcdir)/codelets/megakernel_ring.cl
codelets/cl_sources.c: $(top_srcdir)/codelets/embed-cl.pl \
		$(top_srcdir)/codelets/vir0_ops.cl $(top_srcdir)/codelets/megakernel.cl \
		$(top_srcdir)/codelets/megakernel_interp.cl $(top_srcdir)/codelets/megakernel_ring.cl
	@$(MKDIR_P) codelets
	$(AM_V_GEN)perl $(top_srcdir)/codelets/embed-cl.pl $@ $(VIR0_CL_EMBEDDED)
CLEANFILES += codelets/cl_sources.c
endif

# The engine's suites (tests/test_opencl_*.c; the JIT's are in jit.mk).
if HAVE_OPENCL
VIR0_CL_TEST_CFLAGS = $(VIR0_TEST_CFLAGS) $(OPENCL_CFLAGS)
VIR0_CL_TEST_LIBS = libvir0_opencl.la $(VIR0_TEST_LIBS) $(OPENCL_LIBS)
check_PROGRAMS += tests/test_opencl_engine tests/test_opencl_slots \
	tests/test_opencl_binary_cache
TESTS += tests/test_opencl_engine tests/test_opencl_slots tests/test_opencl_binary_cache
tests_test_opencl_engine_SOURCES = tests/test_opencl_engine.c
tests_test_opencl_engine_CFLAGS = $(VIR0_CL_TEST_CFLAGS)
tests_test_opencl_engine_LDADD = tests/libprogen.la tests/libfixtures_examples.la \
	$(VIR0_CL_TEST_LIBS)
tests_test_opencl_slots_SOURCES = tests/test_opencl_slots.c
tests_test_opencl_slots_CFLAGS = $(VIR0_CL_TEST_CFLAGS)
tests_test_opencl_slots_LDADD = tests/libfixtures_examples.la $(VIR0_CL_TEST_LIBS)
tests_test_opencl_binary_cache_SOURCES = tests/test_opencl_binary_cache.c
tests_test_opencl_binary_cache_CFLAGS = $(VIR0_CL_TEST_CFLAGS)
tests_test_opencl_binary_cache_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/codelets
tests_test_opencl_binary_cache_LDADD = tests/libfixtures_examples.la $(VIR0_CL_TEST_LIBS)
endif
