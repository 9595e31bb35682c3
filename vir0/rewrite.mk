# vir0/rewrite.mk - the rewrite variants (vir0/rewrite/rewrite.h).
AM_CPPFLAGS += -I$(top_srcdir)/vir0/rewrite
libvir0_la_SOURCES += \
	vir0/rewrite/rewrite.h vir0/rewrite/registry.c \
	vir0/rewrite/tree.c vir0/rewrite/tree.h \
	vir0/rewrite/fold.c \
	vir0/rewrite/dce.c \
	vir0/rewrite/unroll.c \
	vir0/rewrite/coarsen.c

check_PROGRAMS += tests/test_rewrite
TESTS += tests/test_rewrite
tests_test_rewrite_SOURCES = tests/test_rewrite.c
tests_test_rewrite_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_rewrite_LDADD = tests/libfixtures_examples.la $(VIR0_TEST_LIBS)
