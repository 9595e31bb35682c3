/* cl_jit_disk.c - what the JIT puts in the disk cache of program binaries
 * (cl_binary_cache.c holds the files): its directory and the key text of
 * a kernel's entry. */
#include "cl_jit.h"

#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#define KEY_FORMAT "vir0 opencl jit\nemitter %u\ndevice %s\ndriver %s\noptions %s\n" \
	"program %s\nsource %016llx%016llx\n"

char *vir0_cl_jit_cache_dir(struct vir0_cl_jit *jit, const char *configured)
{
	char why[400], message[512];
	char *dir = vir0_cl_binary_cache_dir(configured, why, sizeof(why));
	if (!dir && why[0]) {
		snprintf(message, sizeof(message), "no JIT disk cache: %s", why);
		vir0_cl_jit_report(jit, message);
	}
	return dir;
}

char *vir0_cl_jit_cache_key(const struct vir0_cl_jit *jit, const struct vir0_cl_jit_kernel *k)
{
	char hash[33];
	XXH128_hash_t source = XXH3_128bits(k->source, strlen(k->source));
	vir0_hash_format(&k->hash, hash);
	return vir0_cl_binary_cache_key(KEY_FORMAT, VIR0_EMIT_OPENCL_VERSION, jit->device_name,
					jit->driver_version, jit->options, hash,
					(unsigned long long)source.high64,
					(unsigned long long)source.low64);
}
