/* cl_binary_cache.h - the on-disk cache of OpenCL program binaries shared
 * by the JIT's kernels (cl_jit_build.c) and the megakernel (cl_device.c):
 * where it lives, one entry file per key text, read with corruption
 * checks and written atomically. Each user makes its own key text. */
#ifndef VIR0_CL_BINARY_CACHE_H
#define VIR0_CL_BINARY_CACHE_H

#include "vir0_opencl.h"

#include <stddef.h>

/* The directory to use: `configured` when not NULL ("" disables the
 * cache), else from the environment ($VIR0_HOME, $STARPU_HOME/.starpu/vir0,
 * $HOME/.vir0, each + /opencl-jit), created if missing. malloc'd; NULL when
 * disabled or impossible, the latter saying why in `why` (else why[0] is
 * '\0'). */
char *vir0_cl_binary_cache_dir(const char *configured, char *why, size_t why_size);

/* A key text formatted from `format` (each user names what its entries
 * depend on), malloc'd; NULL when out of memory. */
char *vir0_cl_binary_cache_key(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* The entry's path in `dir` for `key`, malloc'd. */
char *vir0_cl_binary_cache_path(const char *dir, const char *key);

enum vir0_cl_binary_cache_entry {
	VIR0_CL_BINARY_CACHE_FOUND = 0,
	VIR0_CL_BINARY_CACHE_MISSING = 1,   /* no file, or one for another key */
	VIR0_CL_BINARY_CACHE_CORRUPT = 2,   /* truncated, bad header or checksum */
	VIR0_CL_BINARY_CACHE_REFUSED = 3,   /* sound, but the driver refuses the binary */
};

/* The entry at `path` for `key` as a program for `device` of `context`,
 * made from its binary and not built yet: FOUND with *program (the
 * caller builds it with its options), or why not (CORRUPT and REFUSED
 * fill `why`: what is wrong, the OpenCL error). */
int vir0_cl_binary_cache_program(const char *path, const char *key, cl_context context,
				 cl_device_id device, cl_program *program, char *why,
				 size_t why_size);

/* Write an entry (temporary file, then rename). 0 or a VIR0_E* code. */
int vir0_cl_binary_cache_write(const char *path, const char *key, const unsigned char *binary,
			       size_t size, struct vir0_error *err);

/* Write the entry of a built program's binary for `device`
 * (CL_PROGRAM_BINARIES): 0 when written, VIR0_CL_BINARY_CACHE_NONE when
 * the driver keeps no binary (or memory ran out: nothing to cache), else
 * a VIR0_E* code with `err`. */
#define VIR0_CL_BINARY_CACHE_NONE 1
int vir0_cl_binary_cache_store(const char *path, const char *key, cl_program program,
			       cl_device_id device, struct vir0_error *err);

#endif
