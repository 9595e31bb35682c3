# sched/sched.mk
# The vir0-spec scheduling policy: appends to libstarpu_vir0_la_SOURCES,
# check_PROGRAMS, TESTS.
