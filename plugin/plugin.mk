# plugin/plugin.mk
# How StarPU finds vir0-spec (LD_PRELOAD on 1.3, STARPU_SCHED_LIB on 1.4,
# starpu_vir0_policy() when linked): appends to libstarpu_vir0_la_SOURCES,
# check_PROGRAMS, TESTS.
EXTRA_DIST += plugin/README.md
if HAVE_STARPU
libstarpu_vir0_la_SOURCES += \
	plugin/interpose.c \
	plugin/sched_lib.c
endif
