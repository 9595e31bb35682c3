/* starpu_vir0_program.c - loading programs (starpu_vir0.h): decode or
 * assemble, validate, lower and verify once, hash; reference counting.
 * The first load also starts building the megakernel on every StarPU
 * OpenCL device in the background, so the first OpenCL task finds it
 * built or under way. */
#include "starpu_vir0_program.h"

#include "starpu_vir0_devices.h"
#include "starpu_vir0_variant_code.h"

#include "cpu_engine.h"
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void program_free(starpu_vir0_program *p)
{
	starpu_vir0_variants_free(p->variants);
	for (int w = 0; w < STARPU_NMAXWORKERS; w++)
		vir0_cpu_prepared_free(p->cpu[w]);
	pthread_mutex_destroy(&p->variants_lock);
	vir0_bytecode_free(p->bc);
	vir0_program_free(p->program);
	free(p->bound);
	free(p->slots);
	free(p);
}

/* Which declaration each handle binds to: the non-Workgroup buffers in
 * declaration order; and what each handle must be. */
static int map_handles(starpu_vir0_program *p, struct vir0_error *err)
{
	const vir0_program *program = p->program;
	p->bound = calloc(program->nbuffers + 1, sizeof(*p->bound));
	p->slots = calloc(program->nbuffers + 1, sizeof(*p->slots));
	if (!p->bound || !p->slots)
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for %u buffer bindings",
				     program->nbuffers);
	for (uint32_t i = 0; i < program->nbuffers; i++)
		if (program->buffers[i].access != VIR0_ACCESS_WORKGROUP) {
			starpu_vir0_bind_slot(&program->buffers[i], &p->slots[p->nbound]);
			p->bound[p->nbound++] = i;
		}
	return VIR0_OK;
}

/* The name tasks get when the caller gives none: what traces, perf-model
 * warnings and StarPU's statistics show. */
static void name_tasks(starpu_vir0_program *p)
{
	char hash[33];
	vir0_hash_format(&p->hash, hash);
	if (p->program->entry_op_id && *p->program->entry_op_id)
		snprintf(p->task_name, sizeof(p->task_name), "vir0:%s", p->program->entry_op_id);
	else
		snprintf(p->task_name, sizeof(p->task_name), "vir0:%.8s", hash);
}

static int prepare(starpu_vir0_program *p, struct vir0_error *err)
{
	int status = vir0_validate(p->program, err);
	if (status == VIR0_OK)
		status = vir0_lower(p->program, &p->bc, err);
	if (status == VIR0_OK)
		status = vir0_bytecode_verify(p->bc, err);
	if (status == VIR0_OK)
		status = vir0_hash_program(p->program, &p->hash, err);
	if (status == VIR0_OK)
		status = map_handles(p, err);
	if (status == VIR0_OK)
		name_tasks(p);
	return status;
}

int starpu_vir0_program_load(const void *bytes, size_t size, starpu_vir0_program **out,
			     struct vir0_error *err)
{
	if (!out)
		return vir0_error_at(err, VIR0_EARG, 0, "out must not be NULL");
	*out = NULL;
	if (!bytes && size)
		return vir0_error_at(err, VIR0_EARG, 0, "bytes is NULL but size is %zu", size);
	starpu_vir0_program *p = calloc(1, sizeof(*p));
	if (!p)
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for a program");
	atomic_init(&p->refs, 1);
	atomic_init(&p->default_grid, 0);
	pthread_mutex_init(&p->variants_lock, NULL);
	int status;
	if (size >= 4 && memcmp(bytes, "VIR0", 4) == 0)
		status = vir0_decode(bytes, size, NULL, &p->program, err);
	else
		status = vir0_assemble(bytes ? bytes : "", size, &p->program, err);
	if (status == VIR0_OK)
		status = prepare(p, err);
	if (status) {
		program_free(p);
		return status;
	}
	starpu_vir0_devices_start();
	*out = p;
	return VIR0_OK;
}

int starpu_vir0_program_load_file(const char *path, starpu_vir0_program **out,
				  struct vir0_error *err)
{
	if (out)
		*out = NULL;
	if (!path || !out)
		return vir0_error_at(err, VIR0_EARG, 0, "path and out must not be NULL");
	FILE *f = fopen(path, "rb");
	if (!f)
		return vir0_error_at(err, VIR0_EIO, 0, "cannot open '%s': %s; check the path",
				     path, strerror(errno));
	size_t size = 0, capacity = 4096;
	char *bytes = malloc(capacity);
	int status = bytes ? VIR0_OK : vir0_error_at(err, VIR0_ENOMEM, 0,
						     "out of memory reading '%s'", path);
	while (status == VIR0_OK) {
		size += fread(bytes + size, 1, capacity - size, f);
		if (size < capacity)
			break;
		char *grown = capacity < SIZE_MAX / 2 ? realloc(bytes, capacity * 2) : NULL;
		if (!grown)
			status = vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory reading '%s'",
					       path);
		else
			bytes = grown, capacity *= 2;
	}
	if (status == VIR0_OK && ferror(f))
		status = vir0_error_at(err, VIR0_EIO, 0, "cannot read '%s': %s", path,
				       strerror(errno));
	fclose(f);
	if (status == VIR0_OK)
		status = starpu_vir0_program_load(bytes, size, out, err);
	free(bytes);
	return status;
}

void starpu_vir0_program_retain(starpu_vir0_program *program)
{
	atomic_fetch_add_explicit(&program->refs, 1, memory_order_relaxed);
}

void starpu_vir0_program_release(starpu_vir0_program *program)
{
	if (program && atomic_fetch_sub_explicit(&program->refs, 1, memory_order_acq_rel) == 1)
		program_free(program);
}

struct starpu_vir0_code starpu_vir0_program_code(starpu_vir0_program *program)
{
	return (struct starpu_vir0_code){ program->program, program->bc, program->cl };
}

const vir0_program *starpu_vir0_program_get(const starpu_vir0_program *program)
{
	return program ? program->program : NULL;
}

void starpu_vir0_program_hash(const starpu_vir0_program *program, char text[33])
{
	vir0_hash_format(&program->hash, text);
}
