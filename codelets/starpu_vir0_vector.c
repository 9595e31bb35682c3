/* starpu_vir0_vector.c - the VIR0 vector data interface: StarPU's vector
 * interface in every respect (the same struct first, so STARPU_VECTOR_GET_*,
 * the vector filters and the copy methods all apply), except that its
 * copies on an OpenCL node live in the megakernel's device arena of that
 * device. A running resident kernel cannot take new cl_mem arguments but
 * can address the arena by offset, so VIR0 tasks on such handles can be
 * published to it as slots instead of launched one by one; transfers stay
 * StarPU's own DMA copies, which run beside the kernel.
 *
 * An allocation that does not fit in the arena falls back to a cl_mem of
 * its own, like a plain vector: the data still works, its tasks are
 * launched. */
#include "starpu_vir0.h"
#include "starpu_vir0_devices.h"
#include "starpu_vir0_vector.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

struct vir0_vector_interface {
	struct starpu_vector_interface vector; /* first: vector code reads it as one */
	uint64_t generation;                   /* of the device state the arena is of */
	int devid;
	int in_arena;
};

static struct starpu_data_interface_ops ops;
static pthread_once_t ops_once = PTHREAD_ONCE_INIT;

static starpu_ssize_t allocate_on_node(void *data_interface, unsigned node)
{
	struct vir0_vector_interface *v = data_interface;
	if (starpu_node_get_kind(node) == STARPU_OPENCL_RAM) {
		int devid = starpu_memory_node_get_devid(node);
		uint64_t generation;
		vir0_cl_device *dev = starpu_vir0_devices_get(devid, &generation, NULL, NULL);
		struct vir0_cl_binding binding;
		size_t size = v->vector.allocsize;
		if (dev && vir0_cl_arena_alloc(dev, size, &binding, NULL) == VIR0_OK &&
		    binding.mem) {
			v->vector.ptr = 0;
			v->vector.dev_handle = (uintptr_t)binding.mem;
			v->vector.offset = binding.offset;
			v->generation = generation;
			v->devid = devid;
			v->in_arena = 1;
			return (starpu_ssize_t)size;
		}
	}
	v->in_arena = 0;
	return starpu_interface_vector_ops.allocate_data_on_node(data_interface, node);
}

static void free_on_node(void *data_interface, unsigned node)
{
	struct vir0_vector_interface *v = data_interface;
	if (!v->in_arena) {
		starpu_interface_vector_ops.free_data_on_node(data_interface, node);
		return;
	}
	struct vir0_cl_binding binding = { (cl_mem)v->vector.dev_handle, v->vector.offset,
					   v->vector.allocsize };
	starpu_vir0_devices_arena_free(v->devid, v->generation, &binding);
	v->in_arena = 0;
}

static void make_ops(void)
{
	ops = starpu_interface_vector_ops;
	ops.allocate_data_on_node = allocate_on_node;
	ops.free_data_on_node = free_on_node;
	ops.interface_size = sizeof(struct vir0_vector_interface);
	ops.name = "STARPU_VIR0_VECTOR_INTERFACE";
}

void starpu_vir0_vector_data_register(starpu_data_handle_t *handle, int home_node,
				      uintptr_t ptr, uint32_t nx, size_t elemsize)
{
	pthread_once(&ops_once, make_ops);
	struct vir0_vector_interface v = {
		.vector = {
			.id = STARPU_VECTOR_INTERFACE_ID,
			.ptr = ptr,
			.dev_handle = ptr,
			.nx = nx,
			.elemsize = elemsize,
			.allocsize = (size_t)nx * elemsize,
		},
	};
	starpu_data_register(handle, home_node, &v, &ops);
}

int starpu_vir0_vector_is(starpu_data_handle_t handle)
{
	pthread_once(&ops_once, make_ops);
	return starpu_data_get_interface_ops(handle) == &ops;
}
