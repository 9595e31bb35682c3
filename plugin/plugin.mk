# plugin/plugin.mk
# How StarPU finds vir0-spec (LD_PRELOAD on 1.3, STARPU_SCHED_LIB on 1.4,
# starpu_vir0_policy() when linked): appends to libstarpu_vir0_la_SOURCES,
# check_PROGRAMS, TESTS.
