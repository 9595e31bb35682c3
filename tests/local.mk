# tests/local.mk - shared fixtures for the Check suites. Suites that need the
# example programs also link tests/libfixtures_examples.la.
check_LTLIBRARIES = tests/libfixtures.la tests/libfixtures_examples.la
tests_libfixtures_la_SOURCES = tests/fixtures.c tests/fixtures.h tests/fixture_bindings.c
tests_libfixtures_la_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_libfixtures_examples_la_SOURCES = tests/fixtures_examples.c
tests_libfixtures_examples_la_CFLAGS = $(VIR0_TEST_CFLAGS)
if HAVE_OPENCL
# The OpenCL suites' device and runner: link it before $(VIR0_JIT_TEST_LIBS).
check_LTLIBRARIES += tests/libfixtures_opencl.la
tests_libfixtures_opencl_la_SOURCES = tests/fixture_opencl.c tests/fixture_opencl.h
tests_libfixtures_opencl_la_CFLAGS = $(VIR0_TEST_CFLAGS) $(OPENCL_CFLAGS)
endif
