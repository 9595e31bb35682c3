# vir0/text.mk - the .vir0s text form (doc/vir0s-text.md): the shared name
# tables, the assembler and the disassembler, and their test suite.
libvir0_la_SOURCES += \
	vir0/names.c vir0/names.h \
	vir0/text_lexer.c vir0/text_lexer.h \
	vir0/text_syntax.c vir0/text_syntax.h \
	vir0/text_parse.c vir0/text_parse.h \
	vir0/text_parse_expr.c vir0/text_parse_forms.c \
	vir0/text_parse_decl.c \
	vir0/text_assemble.c
libvir0_la_SOURCES += \
	vir0/text_print.c vir0/text_print.h \
	vir0/text_print_expr.c \
	vir0/text_disassemble.c

# The suites share the round-trip assertions of tests/text_round_trip.c.
TEXT_TEST_SOURCES = tests/text_round_trip.c tests/text_round_trip.h
check_PROGRAMS += tests/test_text tests/test_text_robust tests/test_text_coverage
TESTS += tests/test_text tests/test_text_robust tests/test_text_coverage
tests_test_text_SOURCES = tests/test_text.c $(TEXT_TEST_SOURCES)
tests_test_text_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_text_LDADD = $(VIR0_TEST_LIBS)
tests_test_text_robust_SOURCES = tests/test_text_robust.c $(TEXT_TEST_SOURCES)
tests_test_text_robust_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_text_robust_LDADD = $(VIR0_TEST_LIBS)
tests_test_text_coverage_SOURCES = tests/test_text_coverage.c $(TEXT_TEST_SOURCES)
tests_test_text_coverage_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_text_coverage_LDADD = $(VIR0_TEST_LIBS)
