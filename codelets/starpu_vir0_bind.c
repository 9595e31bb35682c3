/* starpu_vir0_bind.c - binding data handles to a program's buffer
 * declarations (starpu_vir0_task_fill, starpu_vir0_task_submit_built):
 * every mismatch a task could carry (count, interface, element size,
 * declared count, access mode, grid) is refused here, before anything
 * runs, with a message that names the buffer and says how to fix it. */
#include "starpu_vir0_codelet.h"
#include "starpu_vir0_error.h"

#include "error.h"
#include "names.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Mode bits that change how StarPU orders or places a task, not what the
 * codelet may do with the data. */
#define PASSING_MODES (STARPU_COMMUTE | STARPU_SSEND | STARPU_LOCALITY | STARPU_NOPLAN)

static const char *mode_name(enum starpu_data_access_mode mode)
{
	switch (mode & ~PASSING_MODES) {
	case STARPU_NONE: return "STARPU_NONE";
	case STARPU_R: return "STARPU_R";
	case STARPU_W: return "STARPU_W";
	case STARPU_RW: return "STARPU_RW";
	default: return "a mode with STARPU_SCRATCH or STARPU_REDUX";
	}
}

/* The mode a declaration needs, as text, or NULL when `mode` fits: R for
 * read-only and uniform buffers (the program never writes them);
 * read_write buffers need RW, since the program may read what is there,
 * except outputs, which every executor zero-fills first (fmt §1.5), so W
 * is enough for them and spares StarPU a transfer in. */
static const char *mode_needed(const struct vir0_buffer *decl, enum starpu_data_access_mode mode)
{
	enum starpu_data_access_mode base = mode & ~PASSING_MODES;
	if (decl->access != VIR0_ACCESS_READ_WRITE)
		return base == STARPU_R ? NULL : "STARPU_R";
	if (decl->is_output)
		return base == STARPU_W || base == STARPU_RW ? NULL : "STARPU_W or STARPU_RW";
	return base == STARPU_RW ? NULL : "STARPU_RW";
}

/* The declaration as error messages show it: "u32[0] read_write output". */
static const char *declared(const struct vir0_buffer *decl, char text[64])
{
	snprintf(text, 64, "%s[%u] %s%s", vir0_type_kind_name(decl->element.kind), decl->count,
		 vir0_access_name(decl->access), decl->is_output ? " output" : "");
	return text;
}

void starpu_vir0_bind_slot(const struct vir0_buffer *decl, struct starpu_vir0_slot *slot)
{
	slot->elemsize = vir0_type_size(&decl->element);
	slot->count = decl->count;
	slot->modes = 0;
	for (unsigned base = 0; base < 16; base++)
		if (!mode_needed(decl, (enum starpu_data_access_mode)base))
			slot->modes |= (uint16_t)(1u << base);
}

/* Handle k checked against its slot; its vector interface in `*vector`.
 * Reads no declaration field and formats nothing unless the handle is
 * refused: tiny tasks pay for every check on every insert. */
static int check_handle(const starpu_vir0_program *program, uint32_t k,
			starpu_data_handle_t handle, enum starpu_data_access_mode mode,
			const struct starpu_vector_interface **vector, struct vir0_error *err)
{
	const struct starpu_vir0_slot *slot = &program->slots[k];
	const struct vir0_buffer *decl = &program->program->buffers[program->bound[k]];
	char text[64];
	if (!handle)
		return vir0_error_at(err, VIR0_EARG, 0, "handle %u (buffer '%s', %s) is NULL; pass "
				     "a registered vector handle", k, decl->name, declared(decl, text));
	if (starpu_data_get_interface_id(handle) != STARPU_VECTOR_INTERFACE_ID)
		return vir0_error_at(err, VIR0_EARG, 0, "handle %u (buffer '%s', %s) is not a "
				     "vector (interface id %d); register it with "
				     "starpu_vector_data_register", k, decl->name, declared(decl, text),
				     (int)starpu_data_get_interface_id(handle));
	/* What starpu_vector_get_elemsize and _nx read, read once. */
	const struct starpu_vector_interface *v =
		starpu_data_get_interface_on_node(handle, STARPU_MAIN_RAM);
	size_t element = slot->elemsize;
	if (v->elemsize != element)
		return vir0_error_at(err, VIR0_EARG, 0, "handle %u (buffer '%s', %s) has "
				     "%zu-byte elements; the declaration needs %zu-byte %s elements: "
				     "register the vector with elemsize %zu", k, decl->name,
				     declared(decl, text), v->elemsize, element,
				     vir0_type_kind_name(decl->element.kind), element);
	if (slot->count && v->nx != slot->count)
		return vir0_error_at(err, VIR0_EARG, 0, "handle %u (buffer '%s', %s) has %u "
				     "elements; the declaration needs exactly %u: register (or "
				     "partition) a vector of %u elements", k, decl->name,
				     declared(decl, text), v->nx, slot->count, slot->count);
	enum starpu_data_access_mode base = mode & ~PASSING_MODES;
	if (base >= 16 || !(slot->modes >> base & 1))
		return vir0_error_at(err, VIR0_EARG, 0, "handle %u (buffer '%s', %s) is given "
				     "%s; it needs %s (doc/starpu-codelets.md, \"Binding rules\")",
				     k, decl->name, declared(decl, text), mode_name(mode),
				     mode_needed(decl, mode));
	*vector = v;
	return VIR0_OK;
}

/* The caller's grid, checked. */
static int check_grid(const vir0_program *decoded, const uint32_t groups[3],
		      struct vir0_error *err)
{
	for (int a = 0; a < 3; a++)
		if (!groups[a] ||
		    (uint64_t)groups[a] * decoded->workgroup_size[a] > ((uint64_t)1 << 32))
			return vir0_error_at(err, VIR0_EARG, 0, "grid axis %d: %u workgroups "
					     "of %u invocations is 0 or more than 2^32; pass "
					     "1 .. 2^32 / %u workgroups (or NULL: the default "
					     "grid)", a, groups[a], decoded->workgroup_size[a],
					     decoded->workgroup_size[a]);
	return VIR0_OK;
}

/* The default grid (fmt §1.6) of checked handles whose longest length is
 * `longest`: it depends on nothing else, so vir0_default_grid runs only
 * when `longest` differs from the last task's. */
static int default_grid(starpu_vir0_program *program, const starpu_data_handle_t *handles,
			uint32_t longest, uint32_t out[3], struct vir0_error *err)
{
	uint64_t memo = atomic_load_explicit(&program->default_grid, memory_order_relaxed);
	if (memo && memo >> 32 == longest) {
		out[0] = (uint32_t)memo;
		out[1] = out[2] = 1;
		return VIR0_OK;
	}
	const vir0_program *decoded = program->program;
	/* vir0_default_grid reads only the sizes; a binding with bytes needs
	 * some pointer, and the data is not on the host here. */
	static char unread;
	struct starpu_vir0_host_bindings sizes;
	sizes.at = starpu_vir0_room_alloc(sizes.room, sizeof(sizes.room),
					  decoded->nbuffers * sizeof(*sizes.at));
	if (!sizes.at)
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for %u bindings",
				     decoded->nbuffers);
	for (uint32_t k = 0; k < program->nbound; k++)
		sizes.at[program->bound[k]] = (struct vir0_binding){
			&unread, starpu_data_get_size(handles[k]) };
	int status = vir0_default_grid(decoded, sizes.at, out, err);
	starpu_vir0_room_free(sizes.at, sizes.room);
	if (status == VIR0_OK)
		atomic_store_explicit(&program->default_grid, (uint64_t)longest << 32 | out[0],
				      memory_order_relaxed);
	return status;
}

/* Check everything, then make the task's arguments (with a program
 * reference) in one allocation. */
static int make_args(starpu_vir0_program *program, const uint32_t groups[3],
		     const starpu_data_handle_t *handles,
		     const enum starpu_data_access_mode *modes, unsigned nhandles,
		     struct starpu_vir0_task_args **out, struct vir0_error *err)
{
	if (!program)
		return vir0_error_at(err, VIR0_EARG, 0, "program is NULL; load one with "
				     "starpu_vir0_program_load");
	if (nhandles != program->nbound)
		return vir0_error_at(err, VIR0_EARG, 0, "%u handles given; the program declares "
				     "%u buffers that take one (every buffer but Workgroup ones), "
				     "bound in declaration order", nhandles, program->nbound);
	if (nhandles && (!handles || !modes))
		return vir0_error_at(err, VIR0_EARG, 0, "handles and modes must not be NULL");
	struct starpu_vir0_shape shape = { .bytes = 0 };
	uint32_t longest = 0;
	for (uint32_t k = 0; k < nhandles; k++) {
		const struct starpu_vector_interface *v = NULL;
		int status = check_handle(program, k, handles[k], modes[k], &v, err);
		if (status)
			return status;
		shape.bytes += (uint64_t)v->nx * v->elemsize;  /* starpu_data_get_size */
		if (v->nx > longest)
			longest = v->nx;
	}
	int status = groups ? check_grid(program->program, groups, err)
			    : default_grid(program, handles, longest, shape.groups, err);
	if (status)
		return status;
	if (groups)
		memcpy(shape.groups, groups, sizeof(shape.groups));
	memcpy(shape.program_hash, program->hash.bytes, sizeof(shape.program_hash));
	struct starpu_vir0_task_args *args = malloc(sizeof(*args));
	if (!args)
		return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for a task's arguments");
	/* malloc, not calloc: glibc's calloc skips the thread cache. */
	*args = (struct starpu_vir0_task_args){
		.magic = STARPU_VIR0_TASK_MAGIC,
		.shape = shape,
		.nhandles = nhandles,
		.impl_cpu = STARPU_VIR0_IMPL_INTERPRETER,
		.impl_opencl = STARPU_VIR0_IMPL_INTERPRETER,
	};
	starpu_vir0_program_retain(program);
	atomic_init(&args->program, program);
	*out = args;
	return VIR0_OK;
}

static void attach(struct starpu_task *task, struct starpu_vir0_task_args *args,
		   const starpu_vir0_program *program)
{
	/* starpu_task_build names every task "task_build" unless STARPU_NAME
	 * says otherwise. */
	if (!task->name || !strcmp(task->name, "task_build")) {
		memcpy(args->name, program->task_name, sizeof(args->name));
		task->name = args->name;
	}
	task->cl = starpu_vir0_codelet();
	task->cl_arg = args;
	task->cl_arg_size = sizeof(*args);
	task->cl_arg_free = 1;
}

/* A task whose cl_arg someone else set cannot carry ours. */
static int check_task(const struct starpu_task *task, struct vir0_error *err)
{
	if (task->cl && task->cl != starpu_vir0_codelet())
		return vir0_error_at(err, VIR0_EARG, 0, "the task runs another codelet (%s); "
				     "a VIR0 task runs starpu_vir0_codelet()",
				     task->cl->name ? task->cl->name : "unnamed");
	if (task->cl_arg)
		return vir0_error_at(err, VIR0_EARG, 0, "the task has a cl_arg (STARPU_VALUE, "
				     "STARPU_CL_ARGS or task->cl_arg); a VIR0 task's cl_arg is its "
				     "own: pass data through handles");
	return VIR0_OK;
}

int starpu_vir0_task_fill(struct starpu_task *task, starpu_vir0_program *program,
			  const uint32_t groups[3], const starpu_data_handle_t *handles,
			  const enum starpu_data_access_mode *modes, unsigned nhandles,
			  struct vir0_error *err)
{
	if (!task)
		return vir0_error_at(err, VIR0_EARG, 0, "task is NULL; make one with "
				     "starpu_task_create");
	int status = check_task(task, err);
	if (status)
		return status;
	struct starpu_vir0_task_args *args = NULL;
	status = make_args(program, groups, handles, modes, nhandles, &args, err);
	if (status)
		return status;
	starpu_data_handle_t *dyn_handles = NULL;
	enum starpu_data_access_mode *dyn_modes = NULL;
	if (nhandles > STARPU_NMAXBUFS) {
		/* starpu_task_clean frees them with the task. */
		dyn_handles = malloc(nhandles * sizeof(*dyn_handles));
		dyn_modes = malloc(nhandles * sizeof(*dyn_modes));
		if (!dyn_handles || !dyn_modes) {
			free(dyn_handles);
			free(dyn_modes);
			starpu_vir0_program_release(starpu_vir0_task_args_take(args));
			free(args);
			return vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for %u handles",
					     nhandles);
		}
	}
	attach(task, args, program);  /* STARPU_TASK_SET_MODE reads task->cl */
	task->dyn_handles = dyn_handles;
	task->dyn_modes = dyn_modes;
	task->nbuffers = (int)nhandles;
	for (unsigned k = 0; k < nhandles; k++) {
		STARPU_TASK_SET_HANDLE(task, handles[k], k);
		STARPU_TASK_SET_MODE(task, modes[k], k);
	}
	return VIR0_OK;
}

static int refuse(struct starpu_task *task, struct vir0_error *err)
{
	if (task) {
		/* StarPU refuses to destroy a detached task it would destroy
		 * itself (destroy = 1), which it never will: not submitted. */
		task->destroy = 0;
		starpu_task_destroy(task);
	}
	return starpu_vir0_error_keep(err);
}

int starpu_vir0_task_submit_built(starpu_vir0_program *program, const uint32_t groups[3],
				  struct starpu_task *task)
{
	struct vir0_error err;  /* filled by whatever refuses, read only then */
	if (!task) {
		vir0_error_at(&err, VIR0_EARG, 0, "starpu_task_build refused the option list (it "
			      "printed why); check the arguments of starpu_vir0_task_insert");
		return refuse(NULL, &err);
	}
	if (check_task(task, &err))
		return refuse(task, &err);
	const enum starpu_data_access_mode *modes = task->dyn_modes ? task->dyn_modes : task->modes;
	struct starpu_vir0_task_args *args = NULL;
	if (make_args(program, groups, STARPU_TASK_GET_HANDLES(task), modes,
		      STARPU_TASK_GET_NBUFFERS(task), &args, &err))
		return refuse(task, &err);
	attach(task, args, program);
	int code = starpu_task_submit(task);
	if (code) {
		/* Never submitted: nothing will run it and drop the reference. */
		starpu_vir0_program_release(starpu_vir0_task_args_take(args));
		vir0_error_at(&err, VIR0_EARG, 0, "starpu_task_submit refused the task: %s%s",
			      strerror(-code), code == -ENODEV ? "; no worker can run it (start "
			      "StarPU with a CPU or an OpenCL worker)" : "");
		return refuse(task, &err);
	}
	return VIR0_OK;
}
