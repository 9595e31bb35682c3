# tests/progen.mk - the seeded generator of random valid programs
# (tests/progen.h), a check library for the conformance suites, and its test.
check_LTLIBRARIES += tests/libprogen.la
tests_libprogen_la_SOURCES = tests/progen.c tests/progen.h tests/progen_internal.h \
	tests/progen_data.c tests/progen_expr.c tests/progen_stmt.c \
	tests/progen_mirror.c tests/progen_coverage.c tests/progen_coverage.h
tests_libprogen_la_CFLAGS = $(VIR0_TEST_CFLAGS)

check_PROGRAMS += tests/test_progen
TESTS += tests/test_progen
tests_test_progen_SOURCES = tests/test_progen.c
tests_test_progen_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_progen_LDADD = tests/libprogen.la $(VIR0_TEST_LIBS)
