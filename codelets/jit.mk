# codelets/jit.mk - owned by the JIT work: the OpenCL JIT (codelets/cl_jit*,
# include/vir0_opencl_jit.h, doc/opencl-jit.md) and codelets/vir0_ops.cl,
# the VIR0 value semantics in OpenCL C that every VIR0 kernel prepends.
EXTRA_DIST += codelets/vir0_ops.cl

if HAVE_OPENCL
include_HEADERS += include/vir0_opencl_jit.h

VIR0_JIT_TEST_CFLAGS = $(VIR0_TEST_CFLAGS) $(OPENCL_CFLAGS)
VIR0_JIT_CORE_SOURCES = codelets/cl_jit_device.c codelets/cl_jit_standalone.c

check_PROGRAMS += tests/test_opencl_ops
TESTS += tests/test_opencl_ops
tests_test_opencl_ops_SOURCES = tests/test_opencl_ops.c $(VIR0_JIT_CORE_SOURCES)
tests_test_opencl_ops_CFLAGS = $(VIR0_JIT_TEST_CFLAGS)
tests_test_opencl_ops_LDADD = $(VIR0_TEST_LIBS) $(OPENCL_LIBS)
endif
