/* cl_sources.h - the OpenCL C sources embedded at build time by
 * codelets/embed-cl.pl (the rule is in codelets/opencl.mk). Each is one
 * NUL-terminated string; the megakernel and the JIT prepend the VIR0 value
 * semantics to their own code. */
#ifndef VIR0_CL_SOURCES_H
#define VIR0_CL_SOURCES_H

/* codelets/vir0_ops.cl: fmt §9.2-§9.7 on 32-bit patterns. */
extern const char vir0_cl_ops_source[];
/* codelets/megakernel.cl: the resident interpreter (needs the ops first). */
extern const char vir0_cl_megakernel_source[];        /* shared definitions */
extern const char vir0_cl_megakernel_interp_source[]; /* the interpreter */
extern const char vir0_cl_megakernel_ring_source[];   /* slots, the kernel */

#endif
