# sched/sched.mk
# The vir0-spec scheduling policy: appends to libstarpu_vir0_la_SOURCES,
# check_PROGRAMS, TESTS.
EXTRA_DIST += sched/README.md
if HAVE_STARPU
libstarpu_vir0_la_SOURCES += \
	sched/vir0_spec.h \
	sched/policy.c \
	sched/tree.c sched/tree.h \
	sched/fallback.c \
	sched/choice.c \
	sched/shapes.c sched/shapes.h \
	sched/env.c sched/env.h
endif

# The policy through StarPU's own workers, linked: every task meets the
# choice point, priorities, contexts (tests/test_starpu_policy).
if HAVE_STARPU
check_PROGRAMS += tests/test_starpu_policy
TESTS += tests/test_starpu_policy
tests_test_starpu_policy_SOURCES = tests/test_starpu_policy.c
tests_test_starpu_policy_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/sched \
	-I$(top_srcdir)/codelets
tests_test_starpu_policy_CFLAGS = $(VIR0_STARPU_TEST_CFLAGS)
tests_test_starpu_policy_LDADD = $(VIR0_STARPU_TEST_LIBS)

# A mixed CPU / OpenCL workload to the end, exact results.
check_PROGRAMS += tests/test_starpu_policy_mixed
TESTS += tests/test_starpu_policy_mixed
tests_test_starpu_policy_mixed_SOURCES = tests/test_starpu_policy_mixed.c
tests_test_starpu_policy_mixed_CPPFLAGS = $(tests_test_starpu_policy_CPPFLAGS)
tests_test_starpu_policy_mixed_CFLAGS = $(VIR0_STARPU_TEST_CFLAGS)
tests_test_starpu_policy_mixed_LDADD = $(VIR0_STARPU_TEST_LIBS)

# VIR0 tasks through the choice point: shapes, the conservative choice.
check_PROGRAMS += tests/test_starpu_policy_vir0
TESTS += tests/test_starpu_policy_vir0
tests_test_starpu_policy_vir0_SOURCES = tests/test_starpu_policy_vir0.c
tests_test_starpu_policy_vir0_CPPFLAGS = $(tests_test_starpu_policy_CPPFLAGS)
tests_test_starpu_policy_vir0_CFLAGS = $(VIR0_STARPU_TEST_CFLAGS)
tests_test_starpu_policy_vir0_LDADD = $(VIR0_STARPU_TEST_LIBS)
endif

# StarPU's own examples under vir0-spec through LD_PRELOAD: whatever passes
# under dmda must pass (tests/starpu_examples.sh; logs in
# tests/starpu_examples.d).
if HAVE_STARPU
TESTS += tests/starpu_examples.sh
tests/starpu_examples.log: libstarpu_vir0.la
endif
EXTRA_DIST += tests/starpu_examples.sh
CLEAN_DIRS += tests/starpu_examples.d
