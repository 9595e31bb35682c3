# codelets/starpu.mk
# The StarPU codelet set and public API (include/starpu_vir0.h): appends to
# libstarpu_vir0_la_SOURCES, check_PROGRAMS, TESTS.
if HAVE_STARPU
libstarpu_vir0_la_SOURCES += codelets/starpu_vir0_task.h \
	codelets/starpu_vir0_error.c codelets/starpu_vir0_error.h
endif
