# vir0/interp.mk - the reference interpreter (fmt §9) and what every
# executor shares: value semantics, binding and grid checks, buffer access.
libvir0_la_SOURCES += \
	vir0/scalar_ops.c vir0/scalar_ops.h \
	vir0/dispatch.c vir0/dispatch.h \
	vir0/ref_interp.c vir0/ref_interp.h \
	vir0/ref_eval.c \
	vir0/ref_step.c
