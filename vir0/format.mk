# vir0/format.mk - owned by the format work; appends to libvir0_la_SOURCES, check_PROGRAMS, TESTS.
