/* hash.c - program identity: XXH3-128 of the canonical encoding, so equal
 * programs hash equal and any encoded difference changes the hash. */
#include "vir0.h"

#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <xxhash.h>

int vir0_hash_program(const vir0_program *program, struct vir0_hash *out,
		      struct vir0_error *err)
{
	if (!out)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "vir0_hash_program needs an output hash");
	uint8_t *bytes;
	size_t size;
	int rc = vir0_encode(program, &bytes, &size, err);
	if (rc)
		return rc;
	XXH128_canonical_t canonical;
	XXH128_canonicalFromHash(&canonical, XXH3_128bits(bytes, size));
	free(bytes);
	for (size_t i = 0; i < sizeof(out->bytes); i++)
		out->bytes[i] = canonical.digest[i];
	return VIR0_OK;
}

void vir0_hash_format(const struct vir0_hash *hash, char text[33])
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < sizeof(hash->bytes); i++) {
		text[2 * i] = digits[hash->bytes[i] >> 4];
		text[2 * i + 1] = digits[hash->bytes[i] & 0x0F];
	}
	text[32] = '\0';
}
