/* cpu_diff.c - the CPU engine against the reference interpreter, buffer
 * by buffer (cpu_diff.h). */
#include "cpu_diff.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

vir0_program *cpu_diff_assemble(const char *text)
{
	vir0_program *p = NULL;
	struct vir0_error err = { 0 };
	int status = vir0_assemble(text, strlen(text), &p, &err);
	ck_assert_msg(status == VIR0_OK, "assemble: line %u col %u: %s\n%s", err.line,
		      err.column, err.message, text);
	status = vir0_validate(p, &err);
	ck_assert_msg(status == VIR0_OK, "validate: %s: %s\n%s", err.path, err.message, text);
	return p;
}

struct cpu_diff_buffers cpu_diff_buffers_new(uint32_t count)
{
	struct cpu_diff_buffers set = { calloc(count + 1, sizeof(struct vir0_binding)), count };
	ck_assert_ptr_nonnull(set.bindings);
	return set;
}

void cpu_diff_buffer(struct cpu_diff_buffers *set, uint32_t i, const void *data, size_t size)
{
	ck_assert_uint_lt(i, set->count);
	free(set->bindings[i].data);
	set->bindings[i].data = calloc(1, size + 1);
	ck_assert_ptr_nonnull(set->bindings[i].data);
	if (data)
		memcpy(set->bindings[i].data, data, size);
	set->bindings[i].size = size;
}

void cpu_diff_buffers_free(struct cpu_diff_buffers *set)
{
	for (uint32_t i = 0; set->bindings && i < set->count; i++)
		free(set->bindings[i].data);
	free(set->bindings);
	set->bindings = NULL;
}

static struct cpu_diff_buffers copy(const struct cpu_diff_buffers *inputs)
{
	struct cpu_diff_buffers out = cpu_diff_buffers_new(inputs->count);
	for (uint32_t i = 0; i < inputs->count; i++)
		if (inputs->bindings[i].data)
			cpu_diff_buffer(&out, i, inputs->bindings[i].data, inputs->bindings[i].size);
	return out;
}

struct cpu_diff_buffers cpu_diff_run(const char *what, const vir0_program *p,
				     const uint32_t groups[3],
				     const struct cpu_diff_buffers *inputs, unsigned threads)
{
	struct cpu_diff_buffers ref = copy(inputs), cpu = copy(inputs);
	struct vir0_error err = { 0 };
	int status = vir0_run_reference(p, groups, ref.bindings, ref.count, &err);
	ck_assert_msg(status == VIR0_OK, "%s: reference: %s", what, err.message);
	status = vir0_run_cpu(p, groups, cpu.bindings, cpu.count, threads, &err);
	ck_assert_msg(status == VIR0_OK, "%s: cpu (%u threads): %s", what, threads, err.message);
	for (uint32_t i = 0; i < ref.count; i++) {
		const uint8_t *want = ref.bindings[i].data, *got = cpu.bindings[i].data;
		for (size_t at = 0; at < ref.bindings[i].size; at++)
			ck_assert_msg(want[at] == got[at],
				      "%s: buffer '%s', byte %zu: reference 0x%02x, cpu 0x%02x "
				      "(%u threads)", what, p->buffers[i].name, at, want[at],
				      got[at], threads);
	}
	cpu_diff_buffers_free(&ref);
	return cpu;
}

uint32_t cpu_diff_random(uint32_t *state)
{
	uint32_t x = *state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

uint32_t cpu_diff_f32(float value)
{
	uint32_t bits;
	memcpy(&bits, &value, sizeof(bits));
	return bits;
}
