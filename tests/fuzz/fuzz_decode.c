/* fuzz_decode.c - libFuzzer target for vir0_decode. Any input the decoder
 * accepts must re-encode to exactly the same bytes (fmt §7.5), and the
 * validator must survive whatever the decoder accepts. Failures abort, so
 * libFuzzer saves the input that caused them. */
#include "vir0.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vir0_program *program;
	if (vir0_decode(data, size, NULL, &program, NULL) != VIR0_OK)
		return 0;
	uint8_t *again;
	size_t again_size;
	if (vir0_encode(program, &again, &again_size, NULL) != VIR0_OK)
		abort();
	if (again_size != size || memcmp(again, data, size) != 0)
		abort();
	free(again);
	vir0_validate(program, NULL);
	vir0_program_free(program);
	return 0;
}
