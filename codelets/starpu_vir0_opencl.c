/* starpu_vir0_opencl.c - the OpenCL implementation of the VIR0 codelet
 * (and the interpreter of the variant slot's interpreted variants):
 * one RUN_VIR0 slot of the megakernel on the worker's device, enqueued on
 * StarPU's own queue with StarPU's cl_mem and byte offsets, without
 * waiting (STARPU_OPENCL_ASYNC: StarPU's marker after it tells when the
 * task ends; the output zero-fill and the launch stay on that queue), or
 * published to the resident kernel when the device keeps one and the
 * task's data is in its arena (VIR0 vectors).
 *
 * Should the megakernel refuse the slot (its build failed on this device,
 * a workgroup needs more local memory than the device has, more distinct
 * cl_mem than one launch binds), the task still gets the right result:
 * the buffers are read to the host, run by the CPU interpreter and
 * written back, on the same queue, with one warning per device. */
#include "starpu_vir0_codelet.h"
#include "starpu_vir0_devices.h"
#include "starpu_vir0_vector.h"

#include "cl_engine.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>

static atomic_int warned[STARPU_MAXOPENCLDEVS];

/* The code's entry in the device's store, loaded on first use per
 * device, and again after the device was rebuilt or the store evicted it. */
static const vir0_cl_program *store_entry(const struct starpu_vir0_code *code, int devid,
					  vir0_cl_device *dev, uint64_t generation,
					  cl_command_queue queue, struct vir0_error *err)
{
	struct starpu_vir0_program_cl *cl = &code->cl[devid];
	if (cl->entry && cl->generation == generation &&
	    vir0_cl_program_offset(cl->entry) != CL_NOT_STORED)
		return cl->entry;
	cl->entry = NULL;
	if (vir0_cl_program_load(dev, queue, code->program, &cl->entry, err))
		return NULL;
	cl->generation = generation;
	return cl->entry;
}

/* A task goes to the resident kernel when the device keeps one and all
 * its data lies where a running kernel can address it: VIR0 vectors,
 * whose OpenCL copies are in the device arena. It then waits for its slot
 * (a few microseconds) on a queue of its own; StarPU's marker behind it
 * finds nothing left to wait for. vir0_cl_run_slots still launches when
 * a binding fell outside the arena (a vector too large for it). */
int starpu_vir0_task_data_in_arena(const struct starpu_task *task, uint32_t nhandles)
{
	for (uint32_t k = 0; k < nhandles; k++)
		if (!starpu_vir0_vector_is(STARPU_TASK_GET_HANDLE(task, k)))
			return 0;
	return 1;
}

static int run_megakernel(const struct starpu_vir0_code *code, int devid,
			  cl_command_queue queue, const uint32_t groups[3],
			  const struct vir0_cl_binding *bindings, int resident_ok,
			  struct vir0_error *err)
{
	uint64_t generation = 0;
	cl_command_queue resident = NULL;
	vir0_cl_device *dev = starpu_vir0_devices_get(devid, &generation, &resident, err);
	if (!dev)
		return err->code ? err->code : VIR0_EIO;
	const vir0_cl_program *entry = store_entry(code, devid, dev, generation, queue, err);
	if (!entry)
		return err->code;
	struct vir0_cl_slot slot = {
		.program = entry,
		.groups = { groups[0], groups[1], groups[2] },
		.bindings = bindings,
		.nbindings = code->program->nbuffers,
	};
	return resident_ok && vir0_cl_device_mode(dev) != VIR0_CL_MODE_BATCH
		? vir0_cl_run_slots(dev, resident, &slot, 1, err)
		: vir0_cl_enqueue(dev, queue, &slot, 1, 0, NULL, NULL, err);
}

/* Read, run on the host, write back the buffers the program may write. */
static int run_on_host(const struct starpu_vir0_code *code, const uint32_t groups[3],
		       const struct vir0_cl_binding *cl, cl_command_queue queue,
		       struct vir0_error *err)
{
	const vir0_program *decoded = code->program;
	struct vir0_binding *bindings = calloc(decoded->nbuffers + 1, sizeof(*bindings));
	int status = bindings ? VIR0_OK : vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory");
	for (uint32_t i = 0; i < decoded->nbuffers && status == VIR0_OK; i++) {
		if (decoded->buffers[i].access == VIR0_ACCESS_WORKGROUP)
			continue;
		bindings[i].size = cl[i].size;
		bindings[i].data = starpu_vir0_cl_read_back(queue, &cl[i], i, err);
		if (!bindings[i].data)
			status = err->code;
	}
	if (status == VIR0_OK)
		status = starpu_vir0_run_host(code, groups, bindings, err);
	for (uint32_t i = 0; i < decoded->nbuffers && status == VIR0_OK; i++) {
		struct vir0_binding *b = &bindings[i];
		if (decoded->buffers[i].access != VIR0_ACCESS_READ_WRITE || !b->size)
			continue;
		cl_int written = clEnqueueWriteBuffer(queue, cl[i].mem, CL_TRUE, cl[i].offset,
						      b->size, b->data, 0, NULL, NULL);
		if (written != CL_SUCCESS)
			status = vir0_error_at(err, VIR0_EIO, 0, "clEnqueueWriteBuffer of buffer "
					       "%u: %s", i, vir0_cl_error_name(written));
	}
	for (uint32_t i = 0; bindings && i < decoded->nbuffers; i++)
		free(bindings[i].data);
	free(bindings);
	return status;
}

void starpu_vir0_opencl_interpret(const struct starpu_vir0_code *code, int devid,
				  cl_command_queue queue, const uint32_t groups[3],
				  const struct vir0_cl_binding *bindings, int resident)
{
	struct vir0_error err = { 0 };
	if (run_megakernel(code, devid, queue, groups, bindings, resident, &err) == VIR0_OK)
		return;
	if (atomic_exchange(&warned[devid], 1) == 0)
		fprintf(stderr, "starpu_vir0: the megakernel on OpenCL device %d refused a "
			"task (%s); such tasks run the CPU interpreter on host copies\n",
			devid, err.message);
	struct vir0_error host_err = { 0 };
	if (run_on_host(code, groups, bindings, queue, &host_err))
		starpu_vir0_task_abort("the OpenCL implementation's host run", &host_err);
}

void starpu_vir0_cl_bindings(struct starpu_vir0_cl_bindings *b,
			     const starpu_vir0_program *program, uint32_t nhandles,
			     void *buffers[])
{
	b->at = starpu_vir0_room_alloc(b->room, sizeof(b->room),
				       program->program->nbuffers * sizeof(*b->at));
	if (!b->at)
		starpu_vir0_task_abort("the OpenCL implementation",
				       &(struct vir0_error){ .code = VIR0_ENOMEM,
							     .message = "out of memory" });
	for (uint32_t k = 0; k < nhandles; k++)
		b->at[program->bound[k]] = (struct vir0_cl_binding){
			(cl_mem)STARPU_VECTOR_GET_DEV_HANDLE(buffers[k]),
			STARPU_VECTOR_GET_OFFSET(buffers[k]),
			(size_t)STARPU_VECTOR_GET_NX(buffers[k]) * STARPU_VECTOR_GET_ELEMSIZE(buffers[k]),
		};
}

void *starpu_vir0_cl_read_back(cl_command_queue queue, const struct vir0_cl_binding *b,
			       uint32_t decl, struct vir0_error *err)
{
	void *host = malloc(b->size + 1);
	if (!host) {
		vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for buffer %u (%zu bytes)", decl,
			      b->size);
		return NULL;
	}
	cl_int code = b->size ? clEnqueueReadBuffer(queue, b->mem, CL_TRUE, b->offset, b->size,
						    host, 0, NULL, NULL) : CL_SUCCESS;
	if (code == CL_SUCCESS)
		return host;
	free(host);
	vir0_error_at(err, VIR0_EIO, 0, "clEnqueueReadBuffer of buffer %u: %s", decl,
		      vir0_cl_error_name(code));
	return NULL;
}

void starpu_vir0_opencl_run(void *buffers[], void *cl_arg)
{
	struct starpu_vir0_task_args *args = cl_arg;
	starpu_vir0_program *program = atomic_load(&args->program);
	int devid = starpu_worker_get_devid(starpu_worker_get_id_check());
	cl_command_queue queue;
	starpu_opencl_get_current_queue(&queue);
	struct starpu_vir0_cl_bindings bindings;
	starpu_vir0_cl_bindings(&bindings, program, args->nhandles, buffers);
	struct starpu_vir0_code code = starpu_vir0_program_code(program);
	int in_arena = starpu_vir0_task_data_in_arena(starpu_task_get_current(), args->nhandles);
	starpu_vir0_opencl_interpret(&code, devid, queue, args->shape.groups, bindings.at,
				     in_arena);
	starpu_vir0_room_free(bindings.at, bindings.room);
	starpu_vir0_program_release(starpu_vir0_task_args_take(args));
}
