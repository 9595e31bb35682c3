# vir0/text.mk - owned by the text work; appends to libvir0_la_SOURCES, check_PROGRAMS, TESTS.
