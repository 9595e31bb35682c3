# tests/semantics.mk - operator and statement semantics suites: programs
# run through the reference interpreter against values worked out by hand
# from doc/vir0-format.md.
check_LTLIBRARIES += tests/libsemantics.la
tests_libsemantics_la_SOURCES = tests/semantics_harness.c tests/semantics_harness.h
tests_libsemantics_la_CFLAGS = $(VIR0_TEST_CFLAGS)

VIR0_SEMANTICS_LIBS = tests/libsemantics.la $(VIR0_TEST_LIBS)
check_PROGRAMS += tests/test_semantics_int tests/test_semantics_float \
	tests/test_semantics_stmt tests/test_semantics_memory
TESTS += tests/test_semantics_int tests/test_semantics_float \
	tests/test_semantics_stmt tests/test_semantics_memory
tests_test_semantics_int_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_semantics_int_LDADD = $(VIR0_SEMANTICS_LIBS)
tests_test_semantics_float_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_semantics_float_LDADD = $(VIR0_SEMANTICS_LIBS)
tests_test_semantics_stmt_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_semantics_stmt_LDADD = $(VIR0_SEMANTICS_LIBS)
tests_test_semantics_memory_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_semantics_memory_LDADD = $(VIR0_SEMANTICS_LIBS)
