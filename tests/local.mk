# tests/local.mk - shared fixtures for the Check suites.
check_LTLIBRARIES = tests/libfixtures.la
tests_libfixtures_la_SOURCES = tests/fixtures.c tests/fixtures.h
tests_libfixtures_la_CFLAGS = $(VIR0_TEST_CFLAGS)
