# tests/conformance.mk - the differential conformance suite (issue 3):
# generated and example programs through the reference interpreter, every
# engine of tests/conformance_engines.c and every rewrite variant.
check_PROGRAMS += tests/test_conformance
TESTS += tests/test_conformance
tests_test_conformance_SOURCES = tests/test_conformance.c \
	tests/conformance_engines.c tests/conformance_engines.h
tests_test_conformance_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_conformance_LDADD = tests/libprogen.la tests/libfixtures_examples.la \
	$(VIR0_TEST_LIBS)
if HAVE_OPENCL
tests_test_conformance_CFLAGS += $(OPENCL_CFLAGS)
tests_test_conformance_LDADD += libvir0_opencl.la $(OPENCL_LIBS)
endif
