# vir0/interp.mk - owned by the interp work; appends to libvir0_la_SOURCES, check_PROGRAMS, TESTS.
