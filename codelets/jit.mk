# codelets/jit.mk - owned by the JIT work: the OpenCL JIT (codelets/cl_jit*,
# include/vir0_opencl_jit.h, doc/opencl-jit.md), which joins
# libvir0_opencl; codelets/vir0_ops.cl, the VIR0 value semantics in OpenCL C
# that every VIR0 kernel prepends (embedded by codelets/opencl.mk's rule).
EXTRA_DIST += codelets/vir0_ops.cl

if HAVE_OPENCL
include_HEADERS += include/vir0_opencl_jit.h
libvir0_opencl_la_SOURCES += \
	codelets/cl_jit.c codelets/cl_jit.h \
	codelets/cl_jit_build.c \
	codelets/cl_jit_disk.c \
	codelets/cl_jit_launch.c \
	codelets/cl_jit_device.c \
	codelets/cl_jit_standalone.c
# The disk cache's checksums and file names; the build thread.
libvir0_opencl_la_CFLAGS += $(XXHASH_CFLAGS) -pthread
libvir0_opencl_la_LIBADD += $(XXHASH_LIBS) -lpthread

VIR0_JIT_TEST_CFLAGS = $(VIR0_TEST_CFLAGS) $(OPENCL_CFLAGS)
VIR0_JIT_TEST_LIBS = libvir0_opencl.la $(VIR0_TEST_LIBS) $(OPENCL_LIBS)

check_PROGRAMS += tests/test_opencl_ops
TESTS += tests/test_opencl_ops
tests_test_opencl_ops_SOURCES = tests/test_opencl_ops.c
tests_test_opencl_ops_CFLAGS = $(VIR0_JIT_TEST_CFLAGS)
tests_test_opencl_ops_LDADD = tests/libfixtures_opencl.la $(VIR0_JIT_TEST_LIBS)
endif

if HAVE_OPENCL
check_PROGRAMS += tests/test_emit_opencl
TESTS += tests/test_emit_opencl
tests_test_emit_opencl_SOURCES = tests/test_emit_opencl.c
tests_test_emit_opencl_CFLAGS = $(VIR0_JIT_TEST_CFLAGS)
tests_test_emit_opencl_LDADD = tests/libprogen.la tests/libfixtures_examples.la \
	tests/libfixtures_opencl.la \
	$(VIR0_JIT_TEST_LIBS)
endif

if HAVE_OPENCL
check_PROGRAMS += tests/test_opencl_jit
TESTS += tests/test_opencl_jit
tests_test_opencl_jit_SOURCES = tests/test_opencl_jit.c
tests_test_opencl_jit_CFLAGS = $(VIR0_JIT_TEST_CFLAGS) -pthread
tests_test_opencl_jit_LDADD = tests/libfixtures_examples.la $(VIR0_JIT_TEST_LIBS) -lpthread
endif
