# vir0/emit.mk - owned by the JIT work: the OpenCL C emitter in libvir0 (pure
# C, no OpenCL header): one validated program as one OpenCL C kernel
# (doc/opencl-jit.md). Its tests need a device, so they live in
# codelets/jit.mk.
libvir0_la_SOURCES += \
	vir0/emit_opencl.c vir0/emit_opencl.h \
	vir0/emit_opencl_canon.c \
	vir0/emit_opencl_insn.c \
	vir0/emit_opencl_ops.c
