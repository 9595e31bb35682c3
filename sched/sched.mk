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
	sched/route.c sched/plan.c \
	sched/choice.c \
	sched/shapes.c sched/shapes.h \
	sched/speculation.c sched/speculation.h sched/spec_state.h \
	sched/spec_push.c sched/spec_samples.c \
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

# The speculation rule, the ladder, the autotune store, the run report and
# the VIR0_SPEC*/VIR0_STATS* variables (doc/speculation.md). Plain libc, so
# the vir0 command links them too (vir0 store) without StarPU.
# The only noinst library so far: a second one must turn this into +=
# and define the variable in Makefile.am.
noinst_LTLIBRARIES = sched/libvir0_spec.la
sched_libvir0_spec_la_SOURCES = \
	sched/spec_count.h \
	sched/spec_rule.c sched/spec_rule.h \
	sched/spec_ladder.c sched/spec_ladder.h \
	sched/spec_store.c sched/spec_store.h \
	sched/spec_store_line.c sched/spec_store_line.h \
	sched/spec_report.c sched/spec_report.h \
	sched/spec_place.c sched/spec_place.h \
	sched/fallback_queue.c sched/fallback_queue.h \
	sched/spec_env.c sched/spec_env.h
sched_libvir0_spec_la_CFLAGS = $(AM_CFLAGS) $(XXHASH_CFLAGS)
sched_libvir0_spec_la_LIBADD = libvir0.la $(XXHASH_LIBS) -lm
if HAVE_STARPU
libstarpu_vir0_la_LIBADD += sched/libvir0_spec.la
endif

# Unit suites: the verdict rule and the ladder; the store (fork: two
# processes saving at once); the report's formats; the placement at a pull
# (tests/test_spec_place); the fallback queue's lanes
# (tests/test_fallback_queue); the `vir0 store` command.
VIR0_SPEC_TEST_LIBS = sched/libvir0_spec.la $(VIR0_TEST_LIBS) -lm
check_PROGRAMS += tests/test_spec_rule tests/test_spec_store tests/test_spec_report \
	tests/test_spec_place tests/test_fallback_queue
TESTS += tests/test_spec_rule tests/test_spec_store tests/test_spec_report tests/test_spec_place \
	tests/test_fallback_queue
tests_test_spec_rule_SOURCES = tests/test_spec_rule.c
tests_test_spec_rule_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/sched
tests_test_spec_rule_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_spec_rule_LDADD = $(VIR0_SPEC_TEST_LIBS)
tests_test_spec_store_SOURCES = tests/test_spec_store.c
tests_test_spec_store_CPPFLAGS = $(tests_test_spec_rule_CPPFLAGS)
tests_test_spec_store_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_spec_store_LDADD = $(VIR0_SPEC_TEST_LIBS)
tests_test_spec_report_SOURCES = tests/test_spec_report.c
tests_test_spec_report_CPPFLAGS = $(tests_test_spec_rule_CPPFLAGS)
tests_test_spec_report_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_spec_report_LDADD = $(VIR0_SPEC_TEST_LIBS)
tests_test_spec_place_SOURCES = tests/test_spec_place.c
tests_test_spec_place_CPPFLAGS = $(tests_test_spec_rule_CPPFLAGS)
tests_test_spec_place_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_spec_place_LDADD = $(VIR0_SPEC_TEST_LIBS)
tests_test_fallback_queue_SOURCES = tests/test_fallback_queue.c
tests_test_fallback_queue_CPPFLAGS = $(tests_test_spec_rule_CPPFLAGS)
tests_test_fallback_queue_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_fallback_queue_LDADD = $(VIR0_SPEC_TEST_LIBS)
TESTS += tests/test_store_cli.sh
EXTRA_DIST += tests/test_store_cli.sh
tests/test_store_cli.log: tools/vir0$(EXEEXT)

# Speculation on real workers under vir0-spec: a faster variant adopted, a
# slower one rejected, a wrong one banned with every result right
# (tests/test_starpu_spec); the store across processes: a second process
# starts adopted, two saving at once leave a valid store
# (tests/test_starpu_spec_store.sh, running tests/test_starpu_spec_run).
if HAVE_STARPU
check_LTLIBRARIES += tests/libspec_common.la
tests_libspec_common_la_SOURCES = tests/test_starpu_spec_common.c \
	tests/test_starpu_spec_common.h
tests_libspec_common_la_CPPFLAGS = $(tests_test_starpu_policy_CPPFLAGS)
tests_libspec_common_la_CFLAGS = $(VIR0_STARPU_TEST_CFLAGS)
tests_libspec_common_la_LIBADD = tests/libfixtures_starpu.la
check_PROGRAMS += tests/test_starpu_spec tests/test_starpu_spec_run
TESTS += tests/test_starpu_spec tests/test_starpu_spec_store.sh
tests_test_starpu_spec_SOURCES = tests/test_starpu_spec.c
tests_test_starpu_spec_CPPFLAGS = $(tests_test_starpu_policy_CPPFLAGS)
tests_test_starpu_spec_CFLAGS = $(VIR0_STARPU_TEST_CFLAGS)
tests_test_starpu_spec_LDADD = tests/libspec_common.la $(VIR0_STARPU_TEST_LIBS)
tests_test_starpu_spec_run_SOURCES = tests/test_starpu_spec_run.c
tests_test_starpu_spec_run_CPPFLAGS = $(tests_test_starpu_policy_CPPFLAGS)
tests_test_starpu_spec_run_CFLAGS = $(VIR0_STARPU_TEST_CFLAGS)
tests_test_starpu_spec_run_LDADD = tests/libspec_common.la $(VIR0_STARPU_TEST_LIBS)
tests/test_starpu_spec_store.log: tests/test_starpu_spec_run$(EXEEXT) tools/vir0$(EXEEXT)

# The fallback queue's lanes on real workers: a busy worker runs them by
# priority, then arrival; a burst of shapes runs every task once, right
# (tests/test_starpu_fallback).
check_PROGRAMS += tests/test_starpu_fallback
TESTS += tests/test_starpu_fallback
tests_test_starpu_fallback_SOURCES = tests/test_starpu_fallback.c
tests_test_starpu_fallback_CPPFLAGS = $(tests_test_starpu_policy_CPPFLAGS)
tests_test_starpu_fallback_CFLAGS = $(VIR0_STARPU_TEST_CFLAGS)
tests_test_starpu_fallback_LDADD = tests/libspec_common.la $(VIR0_STARPU_TEST_LIBS)
endif
EXTRA_DIST += tests/test_starpu_spec_store.sh
