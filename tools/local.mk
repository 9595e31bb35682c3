# tools/local.mk - the vir0 command and its manual page.
bin_PROGRAMS += tools/vir0
tools_vir0_SOURCES = \
	tools/vir0.c tools/commands.h \
	tools/cli_args.c tools/cli_args.h \
	tools/program_io.c tools/program_io.h \
	tools/buffer_io.c tools/buffer_io.h \
	tools/cmd_asm.c tools/cmd_dis.c tools/cmd_validate.c tools/cmd_hash.c \
	tools/cmd_run.c tools/cmd_store.c
# vir0 store: the autotune store's code, without StarPU (sched/sched.mk).
tools_vir0_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/sched
tools_vir0_LDADD = sched/libvir0_spec.la libvir0.la
dist_man1_MANS += doc/vir0.1
if HAVE_OPENCL
tools_vir0_SOURCES += tools/engine_opencl.c tools/engine_opencl.h
tools_vir0_CFLAGS = $(AM_CFLAGS) $(OPENCL_CFLAGS)
tools_vir0_LDADD += libvir0_opencl.la $(OPENCL_LIBS)
endif
