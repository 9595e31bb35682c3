# sched/sched.mk
# The vir0-spec scheduling policy: appends to libstarpu_vir0_la_SOURCES,
# check_PROGRAMS, TESTS.
EXTRA_DIST += sched/README.md
if HAVE_STARPU
libstarpu_vir0_la_SOURCES += \
	sched/vir0_spec.h \
	sched/policy.c \
	sched/choice.c \
	sched/shapes.c sched/shapes.h \
	sched/env.c sched/env.h
endif
