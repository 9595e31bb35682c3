# codelets/starpu.mk
# The StarPU codelet set and public API (include/starpu_vir0.h): appends to
# libstarpu_vir0_la_SOURCES, check_PROGRAMS, TESTS.
if HAVE_STARPU
libstarpu_vir0_la_SOURCES += codelets/starpu_vir0_task.h \
	codelets/starpu_vir0_error.c codelets/starpu_vir0_error.h \
	codelets/starpu_vir0_program.c codelets/starpu_vir0_program.h \
	codelets/starpu_vir0_bind.c \
	codelets/starpu_vir0_codelet.c codelets/starpu_vir0_codelet.h \
	codelets/starpu_vir0_opencl.c \
	codelets/starpu_vir0_devices.c codelets/starpu_vir0_devices.h \
	codelets/starpu_vir0_vector.c codelets/starpu_vir0_vector.h \
	codelets/starpu_vir0_variant.c codelets/starpu_vir0_variant.h \
	codelets/starpu_vir0_variant_code.h codelets/starpu_vir0_variant_plan.c \
	codelets/starpu_vir0_variant_jit.c codelets/starpu_vir0_variant_cpu.c \
	codelets/starpu_vir0_variant_opencl.c

# Real StarPU workers: one CPU worker and PoCL's OpenCL worker.
check_LTLIBRARIES += tests/libfixtures_starpu.la
tests_libfixtures_starpu_la_SOURCES = tests/fixture_starpu.c tests/fixture_starpu.h
tests_libfixtures_starpu_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/codelets
tests_libfixtures_starpu_la_CFLAGS = $(VIR0_STARPU_TEST_CFLAGS)
check_PROGRAMS += tests/test_starpu_codelet
TESTS += tests/test_starpu_codelet
tests_test_starpu_codelet_SOURCES = tests/test_starpu_codelet.c
tests_test_starpu_codelet_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/codelets
tests_test_starpu_codelet_CFLAGS = $(VIR0_STARPU_TEST_CFLAGS)
tests_test_starpu_codelet_LDADD = tests/libfixtures_starpu.la tests/libfixtures_examples.la \
	$(VIR0_STARPU_TEST_LIBS)
endif

# VIR0 vectors and the resident path (VIR0_CL_MODE=persistent on PoCL).
if HAVE_STARPU
check_PROGRAMS += tests/test_starpu_resident
TESTS += tests/test_starpu_resident
tests_test_starpu_resident_SOURCES = tests/test_starpu_resident.c
tests_test_starpu_resident_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/codelets
tests_test_starpu_resident_CFLAGS = $(VIR0_STARPU_TEST_CFLAGS)
tests_test_starpu_resident_LDADD = tests/libfixtures_starpu.la libvir0_opencl.la \
	$(VIR0_STARPU_TEST_LIBS)
endif

# Variants, plans, pairs and samples (the policy's speculation interface).
if HAVE_STARPU
check_PROGRAMS += tests/test_starpu_variants
TESTS += tests/test_starpu_variants
tests_test_starpu_variants_SOURCES = tests/test_starpu_variants.c
tests_test_starpu_variants_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/codelets
tests_test_starpu_variants_CFLAGS = $(VIR0_STARPU_TEST_CFLAGS)
tests_test_starpu_variants_LDADD = tests/libfixtures_starpu.la tests/libfixtures_examples.la \
	$(VIR0_STARPU_TEST_LIBS)
endif
