# vir0/bytecode.mk - owned by the bytecode work: lowering a validated program
# to register bytecode, its verifier and its listing (doc/bytecode.md);
# appends to libvir0_la_SOURCES, check_PROGRAMS, TESTS.
libvir0_la_SOURCES += \
	vir0/bytecode.h \
	vir0/bytecode_ops.c vir0/bytecode_ops.h \
	vir0/bytecode_hoist.c vir0/bytecode_hoist.h \
	vir0/lower.c vir0/lower.h \
	vir0/lower_node.c \
	vir0/lower_expr.c \
	vir0/bytecode_verify.c vir0/bytecode_verify.h \
	vir0/bytecode_verify_insn.c \
	vir0/bytecode_print.c

EXTRA_DIST += tests/bytecode

# The bytecode suites share tests/bytecode_fixtures.c and the examples.
VIR0_BYTECODE_TEST_SOURCES = tests/bytecode_fixtures.c tests/bytecode_fixtures.h
VIR0_BYTECODE_TEST_LIBS = tests/libfixtures_examples.la $(VIR0_TEST_LIBS)

check_PROGRAMS += tests/test_bytecode
TESTS += tests/test_bytecode
tests_test_bytecode_SOURCES = tests/test_bytecode.c $(VIR0_BYTECODE_TEST_SOURCES)
tests_test_bytecode_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_bytecode_LDADD = $(VIR0_BYTECODE_TEST_LIBS)

check_PROGRAMS += tests/test_bytecode_verify
TESTS += tests/test_bytecode_verify
tests_test_bytecode_verify_SOURCES = tests/test_bytecode_verify.c $(VIR0_BYTECODE_TEST_SOURCES)
tests_test_bytecode_verify_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_bytecode_verify_LDADD = $(VIR0_BYTECODE_TEST_LIBS)

check_PROGRAMS += tests/test_bytecode_fuzz
TESTS += tests/test_bytecode_fuzz
tests_test_bytecode_fuzz_SOURCES = tests/test_bytecode_fuzz.c $(VIR0_BYTECODE_TEST_SOURCES)
tests_test_bytecode_fuzz_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_bytecode_fuzz_LDADD = $(VIR0_BYTECODE_TEST_LIBS)

check_PROGRAMS += tests/test_bytecode_print
TESTS += tests/test_bytecode_print
tests_test_bytecode_print_SOURCES = tests/test_bytecode_print.c $(VIR0_BYTECODE_TEST_SOURCES)
tests_test_bytecode_print_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_bytecode_print_LDADD = $(VIR0_BYTECODE_TEST_LIBS)
