/* cl_store.c - the device program store: every program's bytecode lives
 * in one device buffer, uploaded once and found again by content hash;
 * slots refer to it by word offset. The buffer grows by doubling up to a
 * limit. A long-running application loads more programs than ever fit, so
 * at the limit the store evicts every entry (after the resident kernel
 * and the loading queue have drained: no slot in flight refers to them)
 * and starts over; it reports full only for a program larger than the
 * whole store. Evicted entries stay known: a slot naming one is refused
 * until vir0_cl_program_load uploads it again.
 *
 * An entry (words): ninsns, nregs, max_nesting, flags, workgroup_size[3],
 * nbuffers, one word per buffer (element | access << 8 | is_output << 16),
 * padding to a multiple of 4 words, then the instructions (4 words each,
 * doc/bytecode.md §3, a common BINOP with a device opcode of its own),
 * so the kernel fetches an instruction as a uint4. */
#include "cl_engine.h"

#include "cl_error.h"
#include "dispatch.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

#define STORE_INITIAL_WORDS 16384u

/* The binary operations the megakernel runs as device opcodes of their
 * own, from CL_DEVICE_BINOPS on, in this order (megakernel_interp.cl,
 * BINOP_CASES): one dispatch per instruction instead of two. */
#define CL_DEVICE_BINOPS 21u
static const struct {
	uint8_t type, op;
} device_binops[] = {
	{ VIR0_TYPE_U32, VIR0_BIN_ADD }, { VIR0_TYPE_U32, VIR0_BIN_SUB },
	{ VIR0_TYPE_U32, VIR0_BIN_MUL }, { VIR0_TYPE_U32, VIR0_BIN_BIT_AND },
	{ VIR0_TYPE_U32, VIR0_BIN_BIT_XOR }, { VIR0_TYPE_U32, VIR0_BIN_SHL },
	{ VIR0_TYPE_U32, VIR0_BIN_SHR }, { VIR0_TYPE_U32, VIR0_BIN_LT },
	{ VIR0_TYPE_I32, VIR0_BIN_LT }, { VIR0_TYPE_F32, VIR0_BIN_ADD },
	{ VIR0_TYPE_F32, VIR0_BIN_MUL },
};

/* A BINOP of the table above gets its device opcode. */
static void device_opcode(struct vir0_insn *insn)
{
	if (vir0_insn_op(insn) != VIR0_BC_BINOP)
		return;
	for (uint32_t k = 0; k < sizeof(device_binops) / sizeof(device_binops[0]); k++)
		if (device_binops[k].type == vir0_insn_type(insn) &&
		    device_binops[k].op == vir0_insn_aux(insn)) {
			insn->word[0] = (insn->word[0] & ~0xFFu) | (CL_DEVICE_BINOPS + k);
			return;
		}
}

static uint32_t *encode_entry(const struct vir0_bytecode *bc, uint32_t *words)
{
	uint32_t head = (CL_PROGRAM_HEADER_WORDS + bc->nbuffers + 3u) & ~3u;
	*words = head + 4u * bc->ninsns;
	uint32_t *w = calloc(*words, sizeof(*w));
	if (!w)
		return NULL;
	w[0] = bc->ninsns;
	w[1] = bc->nregs;
	w[2] = bc->max_nesting;
	w[3] = bc->flags;
	memcpy(&w[4], bc->workgroup_size, sizeof(bc->workgroup_size));
	w[7] = bc->nbuffers;
	for (uint32_t i = 0; i < bc->nbuffers; i++)
		w[CL_PROGRAM_HEADER_WORDS + i] = bc->buffers[i].element |
						 (uint32_t)bc->buffers[i].access << 8 |
						 (uint32_t)bc->buffers[i].is_output << 16;
	memcpy(&w[head], bc->insns, (size_t)bc->ninsns * sizeof(*bc->insns));
	for (uint32_t i = 0; i < bc->ninsns; i++)
		device_opcode((struct vir0_insn *)&w[head + 4u * i]);
	return w;
}

/* Forget every entry's place in the store once nothing can still read
 * it: the resident kernel drained, the launches on `queue` finished
 * (launches of one device share one in-order queue, vir0_opencl.h). */
static int evict_all(vir0_cl_device *dev, cl_command_queue queue, struct vir0_error *err)
{
	vir0_cl_persistent_stop(dev);
	cl_int code = clFinish(queue);
	if (code != CL_SUCCESS)
		return vir0_cl_fail(err, "clFinish", code, "before evicting the program store");
	for (uint32_t i = 0; i < dev->nprograms; i++)
		dev->programs[i]->offset = CL_NOT_STORED;
	dev->store_used = 0;
	dev->store_evictions++;
	return VIR0_OK;
}

/* Room for `words` more words, growing the buffer or evicting (lock held). */
static int store_reserve(vir0_cl_device *dev, cl_command_queue queue, size_t words,
			 struct vir0_error *err)
{
	size_t need = dev->store_used + words;
	if (need <= dev->store_capacity)
		return VIR0_OK;
	if (words > dev->store_limit)
		return vir0_error_at(err, VIR0_ELIMIT, 0,
				     "the program store is full: a program of %zu bytes is larger "
				     "than the whole store (%zu bytes); raise VIR0_CL_STORE_MAX_MB",
				     words * 4, dev->store_limit * 4);
	if (need > dev->store_limit) {
		int status = evict_all(dev, queue, err);
		if (status || words <= dev->store_capacity)
			return status;
		need = words;
	}
	size_t capacity = dev->store_capacity ? dev->store_capacity : STORE_INITIAL_WORDS;
	while (capacity < need)
		capacity *= 2;
	if (capacity > dev->store_limit)
		capacity = dev->store_limit;
	cl_int code;
	cl_mem grown = clCreateBuffer(dev->context, CL_MEM_READ_ONLY, capacity * 4, NULL, &code);
	if (code != CL_SUCCESS)
		return vir0_cl_fail(err, "clCreateBuffer", code, "growing the program store to %zu bytes",
				    capacity * 4);
	vir0_cl_persistent_stop(dev);
	if (dev->store_used)
		code = clEnqueueCopyBuffer(queue, dev->store, grown, 0, 0, dev->store_used * 4, 0,
					   NULL, NULL);
	if (code != CL_SUCCESS) {
		clReleaseMemObject(grown);
		return vir0_cl_fail(err, "clEnqueueCopyBuffer", code, "moving the program store");
	}
	if (dev->store)
		clReleaseMemObject(dev->store);
	dev->store = grown;
	cl_arg_forget(dev, ARG_STORE);
	dev->store_capacity = capacity;
	return VIR0_OK;
}

/* The entry of `hash`, stored or evicted, or NULL. */
static struct vir0_cl_program *find(const vir0_cl_device *dev, const struct vir0_hash *hash)
{
	for (uint32_t i = 0; i < dev->nprograms; i++)
		if (memcmp(&dev->programs[i]->hash, hash, sizeof(*hash)) == 0)
			return dev->programs[i];
	return NULL;
}

/* The host-side facts of an entry. */
static struct vir0_cl_program *describe(const vir0_program *program,
					const struct vir0_bytecode *bc, const struct vir0_hash *hash)
{
	struct vir0_cl_program *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->hash = *hash;
	p->nregs = bc->nregs;
	p->max_nesting = bc->max_nesting;
	p->flags = bc->flags;
	memcpy(p->workgroup_size, bc->workgroup_size, sizeof(p->workgroup_size));
	p->nbuffers = bc->nbuffers;
	p->buffers = calloc(bc->nbuffers + 1, sizeof(*p->buffers));
	p->workgroup_offsets = calloc(bc->nbuffers + 1, sizeof(*p->workgroup_offsets));
	if (!p->buffers || !p->workgroup_offsets) {
		free(p->buffers);
		free(p->workgroup_offsets);
		free(p);
		return NULL;
	}
	memcpy(p->buffers, bc->buffers, bc->nbuffers * sizeof(*p->buffers));
	p->workgroup_bytes = (vir0_workgroup_layout(program, p->workgroup_offsets) + 3) & ~(size_t)3;
	return p;
}

static int add_entry(vir0_cl_device *dev, struct vir0_cl_program *p)
{
	if (dev->nprograms == dev->programs_capacity) {
		uint32_t capacity = dev->programs_capacity ? 2 * dev->programs_capacity : 16;
		struct vir0_cl_program **grown = realloc(dev->programs, capacity * sizeof(*grown));
		if (!grown)
			return VIR0_ENOMEM;
		dev->programs = grown;
		dev->programs_capacity = capacity;
	}
	dev->programs[dev->nprograms++] = p;
	return VIR0_OK;
}

/* Upload a lowered program (lock held); `evicted` is its entry when an
 * eviction dropped it from the store, to be stored again. */
static int upload(vir0_cl_device *dev, cl_command_queue queue, const vir0_program *program,
		  const struct vir0_bytecode *bc, const struct vir0_hash *hash,
		  struct vir0_cl_program *evicted, const vir0_cl_program **out,
		  struct vir0_error *err)
{
	uint32_t words;
	uint32_t *w = encode_entry(bc, &words);
	struct vir0_cl_program *p = evicted ? evicted : describe(program, bc, hash);
	int status = VIR0_OK;
	if (!w || !p)
		status = vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory encoding a %u-instruction "
				       "program for the store", bc->ninsns);
	if (status == VIR0_OK)
		status = store_reserve(dev, queue, words, err);
	if (status == VIR0_OK) {
		p->offset = (uint32_t)dev->store_used;
		p->words = words;
		cl_int code = clEnqueueWriteBuffer(queue, dev->store, CL_TRUE, dev->store_used * 4,
						   (size_t)words * 4, w, 0, NULL, NULL);
		if (code != CL_SUCCESS)
			status = vir0_cl_fail(err, "clEnqueueWriteBuffer", code,
					      "uploading %u words to the program store", words);
	}
	if (status == VIR0_OK && !evicted && add_entry(dev, p) != VIR0_OK)
		status = vir0_error_at(err, VIR0_ENOMEM, 0, "out of memory for the store's table");
	free(w);
	if (status && evicted) {
		evicted->offset = CL_NOT_STORED;
		return status;
	}
	if (status) {
		if (p) {
			free(p->buffers);
			free(p->workgroup_offsets);
			free(p);
		}
		return status;
	}
	dev->store_used += words;
	/* A resident kernel may hold cache lines of the store from before this
	 * upload; a relaunch starts it with clean caches. */
	vir0_cl_persistent_stop(dev);
	*out = p;
	return VIR0_OK;
}

int vir0_cl_program_load(vir0_cl_device *dev, cl_command_queue queue,
			 const vir0_program *program, const vir0_cl_program **out,
			 struct vir0_error *err)
{
	if (!dev || !queue || !program || !out)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "device, queue, program and out must not be NULL");
	*out = NULL;
	struct vir0_hash hash;
	int status = vir0_validate(program, err);
	if (status == VIR0_OK)
		status = vir0_hash_program(program, &hash, err);
	if (status)
		return status;
	pthread_mutex_lock(&dev->lock);
	struct vir0_cl_program *known = find(dev, &hash);
	int stored = known && known->offset != CL_NOT_STORED;
	pthread_mutex_unlock(&dev->lock);
	if (stored) {
		*out = known;
		return VIR0_OK;
	}
	struct vir0_bytecode *bc = NULL;
	status = vir0_lower(program, &bc, err);
	if (status == VIR0_OK)
		status = vir0_bytecode_verify(bc, err);
	if (status == VIR0_OK) {
		pthread_mutex_lock(&dev->lock);
		known = find(dev, &hash);
		if (known && known->offset != CL_NOT_STORED)
			*out = known;
		else
			status = upload(dev, queue, program, bc, &hash, known, out, err);
		pthread_mutex_unlock(&dev->lock);
	}
	vir0_bytecode_free(bc);
	return status;
}

uint32_t vir0_cl_program_offset(const vir0_cl_program *program)
{
	return program->offset;
}

void vir0_cl_store_info(const vir0_cl_device *dev, struct vir0_cl_store_info *info)
{
	info->programs = 0;
	for (uint32_t i = 0; i < dev->nprograms; i++)
		info->programs += dev->programs[i]->offset != CL_NOT_STORED;
	info->used_bytes = dev->store_used * 4;
	info->capacity_bytes = dev->store_capacity * 4;
	info->limit_bytes = dev->store_limit * 4;
	info->evictions = dev->store_evictions;
}
