# vir0/cpu.mk - owned by the CPU engine work: the vectorised interpreter of
# the register bytecode (doc/cpu-engine.md); appends to libvir0_la_SOURCES,
# check_PROGRAMS, TESTS. Its threads are OpenMP's (configure's AC_OPENMP).
libvir0_la_SOURCES += \
	vir0/cpu_engine.c vir0/cpu_engine.h \
	vir0/cpu_prepared.c vir0/cpu_run.h \
	vir0/cpu_decode.c \
	vir0/cpu_block.c vir0/cpu_block.h \
	vir0/cpu_ids.c \
	vir0/cpu_ops.c \
	vir0/cpu_mem.c
libvir0_la_CFLAGS += $(OPENMP_CFLAGS)
libvir0_la_LDFLAGS += $(OPENMP_CFLAGS)

# The suites share tests/cpu_diff.c (both engines, buffers compared).
check_PROGRAMS += tests/test_cpu_engine tests/test_cpu_ops tests/test_cpu_prepared
TESTS += tests/test_cpu_engine tests/test_cpu_ops tests/test_cpu_prepared
tests_test_cpu_engine_SOURCES = tests/test_cpu_engine.c tests/cpu_diff.c tests/cpu_diff.h
tests_test_cpu_engine_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_cpu_engine_LDADD = tests/libfixtures_examples.la $(VIR0_TEST_LIBS)
tests_test_cpu_ops_SOURCES = tests/test_cpu_ops.c tests/cpu_diff.c tests/cpu_diff.h
tests_test_cpu_ops_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_cpu_ops_LDADD = $(VIR0_TEST_LIBS)
tests_test_cpu_prepared_SOURCES = tests/test_cpu_prepared.c
tests_test_cpu_prepared_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_cpu_prepared_LDADD = tests/libfixtures_examples.la $(VIR0_TEST_LIBS)
