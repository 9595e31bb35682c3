# tests/cli.mk - the vir0 command tested as a user runs it: tests/test_cli
# starts the built tools/vir0 (its absolute path compiled in, which holds in
# `make distcheck` too), and tests/run_examples.sh runs the main job,
# examples/run-examples.sh, over it.
check_PROGRAMS += tests/test_cli
TESTS += tests/test_cli
tests_test_cli_SOURCES = tests/test_cli.c
tests_test_cli_CPPFLAGS = $(AM_CPPFLAGS) \
	-DVIR0_TOOL='"$(abs_top_builddir)/tools/vir0$(EXEEXT)"'
tests_test_cli_CFLAGS = $(VIR0_TEST_CFLAGS)
tests_test_cli_LDADD = $(VIR0_TEST_LIBS)

TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
TESTS += tests/run_examples.sh
EXTRA_DIST += tests/run_examples.sh

# Both run the command, which `make check` builds as part of `all`; say so
# for a `make tests/test_cli.log` on its own too.
tests/test_cli.log tests/run_examples.log: tools/vir0$(EXEEXT)
