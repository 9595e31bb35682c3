# vir0/validate.mk - owned by the validate work: vir0_validate (fmt §8) and
# the core-profile typing tables; appends to libvir0_la_SOURCES, check_PROGRAMS, TESTS.
libvir0_la_SOURCES += \
	vir0/validate.c vir0/validate.h \
	vir0/validate_scope.c vir0/validate_scope.h \
	vir0/validate_expr.c \
	vir0/validate_node.c \
	vir0/expr_type.c vir0/expr_type.h

check_PROGRAMS += tests/test_validate
TESTS += tests/test_validate
tests_test_validate_SOURCES = tests/test_validate.c
tests_test_validate_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_validate_LDADD = $(VIR0_TEST_LIBS)
