# vir0/validate.mk - owned by the validate work; appends to libvir0_la_SOURCES, check_PROGRAMS, TESTS.
