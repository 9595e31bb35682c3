/* fixture_bindings.c - seeded host memory for running any program in a
 * test, and comparing the results of two runs byte for byte. */
#include "fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64: a tiny, well-known generator for reproducible test data. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Mostly small values (in-range indices, exact f32 sums), some raw bits
 * (NaNs, subnormals, out-of-range indices). */
static uint32_t random_element(uint64_t *state, uint8_t kind)
{
	uint64_t r = next_random(state);
	int raw = (r & 7) == 0;
	uint32_t small = (uint32_t)(r >> 32) % 300;
	if (raw)
		return (uint32_t)(r >> 32);
	if (kind == VIR0_TYPE_F32) {
		float value = (float)((int32_t)small - 150) * 0.5f;
		uint32_t bits;
		memcpy(&bits, &value, sizeof(bits));
		return bits;
	}
	return small;
}

struct vir0_binding *fixture_bindings_random(const vir0_program *program, uint64_t seed,
					     uint32_t runtime_count)
{
	struct vir0_binding *bindings = calloc(program->nbuffers + 1, sizeof(*bindings));
	if (!bindings)
		fixture_die("fixture_bindings_random", "out of memory");
	uint64_t state = seed;
	for (uint32_t i = 0; i < program->nbuffers; i++) {
		const struct vir0_buffer *buffer = &program->buffers[i];
		if (buffer->access == VIR0_ACCESS_WORKGROUP)
			continue;
		size_t element = vir0_type_size(&buffer->element);
		uint32_t count = buffer->count ? buffer->count : runtime_count;
		bindings[i].size = (size_t)count * element;
		bindings[i].data = malloc(bindings[i].size + 1);
		if (!bindings[i].data)
			fixture_die("fixture_bindings_random", "out of memory");
		uint8_t *bytes = bindings[i].data;
		for (uint32_t e = 0; e < count; e++) {
			uint32_t value = random_element(&state, buffer->element.kind);
			memcpy(bytes + (size_t)e * element, &value, element); /* little-endian */
		}
	}
	return bindings;
}

struct vir0_binding *fixture_bindings_copy(const struct vir0_binding *bindings, uint32_t n)
{
	struct vir0_binding *copy = calloc(n + 1, sizeof(*copy));
	if (!copy)
		fixture_die("fixture_bindings_copy", "out of memory");
	for (uint32_t i = 0; i < n; i++) {
		copy[i].size = bindings[i].size;
		if (!bindings[i].data)
			continue;
		copy[i].data = malloc(bindings[i].size + 1);
		if (!copy[i].data)
			fixture_die("fixture_bindings_copy", "out of memory");
		memcpy(copy[i].data, bindings[i].data, bindings[i].size);
	}
	return copy;
}

void fixture_bindings_free(struct vir0_binding *bindings, uint32_t n)
{
	for (uint32_t i = 0; bindings && i < n; i++)
		free(bindings[i].data);
	free(bindings);
}

/* Element `index` of a binding as an unsigned number (little-endian, at
 * most 4 bytes: every core element type fits). */
static uint32_t element_value(const struct vir0_binding *binding, size_t index, size_t element)
{
	uint32_t value = 0;
	memcpy(&value, (const uint8_t *)binding->data + index * element, element);
	return value;
}

int fixture_bindings_equal(const vir0_program *program, const struct vir0_binding *a,
			   const struct vir0_binding *b, char *why, size_t why_size)
{
	for (uint32_t i = 0; i < program->nbuffers; i++) {
		const char *name = program->buffers[i].name;
		if (a[i].size != b[i].size) {
			snprintf(why, why_size, "buffer '%s' holds %zu bytes, then %zu", name,
				 a[i].size, b[i].size);
			return 0;
		}
		if (!a[i].size || !memcmp(a[i].data, b[i].data, a[i].size))
			continue;
		size_t at = 0;
		while (((uint8_t *)a[i].data)[at] == ((uint8_t *)b[i].data)[at])
			at++;
		size_t element = vir0_type_size(&program->buffers[i].element);
		if (element == 0 || element > sizeof(uint32_t))
			element = 1;
		size_t index = at / element;
		int digits = (int)(2 * element);
		snprintf(why, why_size, "buffer '%s' element %zu of %zu: 0x%0*x, then 0x%0*x", name,
			 index, a[i].size / element, digits, (unsigned)element_value(&a[i], index, element),
			 digits, (unsigned)element_value(&b[i], index, element));
		return 0;
	}
	return 1;
}
