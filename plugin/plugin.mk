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

# The LD_PRELOAD route, tested as a user runs it: an application that does
# not link libstarpu_vir0 (tests/test_starpu_plugin_app), driven by
# tests/test_starpu_plugin.sh.
if HAVE_STARPU
check_PROGRAMS += tests/test_starpu_plugin_app
tests_test_starpu_plugin_app_SOURCES = tests/test_starpu_plugin_app.c
tests_test_starpu_plugin_app_CFLAGS = $(AM_CFLAGS) $(STARPU_CFLAGS)
tests_test_starpu_plugin_app_LDADD = $(STARPU_LIBS)
TESTS += tests/test_starpu_plugin.sh
tests/test_starpu_plugin.log: libstarpu_vir0.la tests/test_starpu_plugin_app$(EXEEXT)
endif
EXTRA_DIST += tests/test_starpu_plugin.sh tests/starpu_preload.sh
