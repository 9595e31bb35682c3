# tools/local.mk - the vir0 command and its manual page.
bin_PROGRAMS += tools/vir0
tools_vir0_SOURCES = \
	tools/vir0.c tools/commands.h \
	tools/cli_args.c tools/cli_args.h \
	tools/program_io.c tools/program_io.h \
	tools/buffer_io.c tools/buffer_io.h \
	tools/cmd_asm.c tools/cmd_dis.c tools/cmd_validate.c tools/cmd_hash.c \
	tools/cmd_run.c
tools_vir0_LDADD = libvir0.la
dist_man1_MANS += doc/vir0.1
if HAVE_OPENCL
tools_vir0_SOURCES += tools/engine_opencl.c tools/engine_opencl.h
tools_vir0_CFLAGS = $(AM_CFLAGS) $(OPENCL_CFLAGS)
tools_vir0_LDADD += libvir0_opencl.la $(OPENCL_LIBS)
endif
