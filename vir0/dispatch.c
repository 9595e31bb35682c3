/* dispatch.c - binding and grid checks, output zero-fill, the default
 * grid and the Workgroup memory layout (fmt §1.5, §1.6, §9.1). */
#include "dispatch.h"

#include "error.h"
#include "expr_type.h"

size_t vir0_type_size(const struct vir0_type *type)
{
	return type ? vir0_element_size(type->kind) : 0;
}

int vir0_buffer_index(const vir0_program *program, const char *name)
{
	for (uint32_t i = 0; i < program->nbuffers; i++)
		if (strcmp(program->buffers[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Length in elements of non-Workgroup buffer `i` bound to `binding`. */
static int binding_length(const struct vir0_buffer *buffer, const struct vir0_binding *binding,
			  uint32_t i, uint32_t *length, struct vir0_error *err)
{
	size_t element = vir0_element_size(buffer->element.kind);
	if (element == 0)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "buffer %u '%s' has an element type outside the core profile; "
				     "validate the program first", i, buffer->name);
	if (binding->data == NULL && binding->size != 0)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "binding %u ('%s') has %zu bytes but no memory; pass a pointer",
				     i, buffer->name, binding->size);
	if (buffer->count != 0) {
		if (binding->size != (size_t)buffer->count * element)
			return vir0_error_at(err, VIR0_EARG, 0,
					     "binding %u ('%s') has %zu bytes; the declaration needs "
					     "exactly %u elements x %zu bytes = %zu bytes",
					     i, buffer->name, binding->size, buffer->count, element,
					     (size_t)buffer->count * element);
		*length = buffer->count;
		return VIR0_OK;
	}
	if (binding->size % element != 0)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "binding %u ('%s') has %zu bytes, not a whole number of "
				     "%zu-byte elements; pass a multiple of %zu bytes",
				     i, buffer->name, binding->size, element, element);
	if (binding->size / element > UINT32_MAX)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "binding %u ('%s') has more than 2^32-1 elements, which u32 "
				     "indices cannot reach; split the buffer", i, buffer->name);
	*length = (uint32_t)(binding->size / element);
	return VIR0_OK;
}

static int check_bindings(const vir0_program *program, const struct vir0_binding *bindings,
			  uint32_t nbindings, struct vir0_buffer_view *views,
			  struct vir0_error *err)
{
	if (nbindings != program->nbuffers)
		return vir0_error_at(err, VIR0_EARG, 0,
				     "%u bindings given for %u declared buffers; pass one per "
				     "declared buffer, in declaration order (Workgroup buffers "
				     "take data NULL, size 0)", nbindings, program->nbuffers);
	if (program->nbuffers && !bindings)
		return vir0_error_at(err, VIR0_EARG, 0, "bindings is NULL; pass one per declared buffer");
	for (uint32_t i = 0; i < program->nbuffers; i++) {
		const struct vir0_buffer *buffer = &program->buffers[i];
		views[i].element = buffer->element.kind;
		views[i].access = buffer->access;
		views[i].data = NULL;
		if (buffer->access == VIR0_ACCESS_WORKGROUP) {
			if (bindings[i].data || bindings[i].size)
				return vir0_error_at(err, VIR0_EARG, 0,
						     "binding %u ('%s') is a Workgroup buffer, which "
						     "the executor allocates; pass data NULL, size 0",
						     i, buffer->name);
			views[i].length = buffer->count;
			continue;
		}
		int status = binding_length(buffer, &bindings[i], i, &views[i].length, err);
		if (status)
			return status;
		views[i].data = bindings[i].data;
	}
	return VIR0_OK;
}

static int check_grid(const vir0_program *program, const uint32_t groups[3],
		      struct vir0_error *err)
{
	for (int a = 0; a < 3; a++) {
		if (groups[a] == 0)
			return vir0_error_at(err, VIR0_EARG, 0,
					     "grid axis %d is 0; every axis needs at least 1 workgroup", a);
		if ((uint64_t)groups[a] * program->workgroup_size[a] > ((uint64_t)1 << 32))
			return vir0_error_at(err, VIR0_EARG, 0,
					     "grid axis %d: %u workgroups x %u invocations exceeds 2^32, "
					     "so invocation ids would wrap; use fewer workgroups",
					     a, groups[a], program->workgroup_size[a]);
	}
	return VIR0_OK;
}

int vir0_dispatch_check(const vir0_program *program, const uint32_t groups[3],
			struct vir0_binding *bindings, uint32_t nbindings,
			struct vir0_buffer_view *views, struct vir0_error *err)
{
	int status = check_bindings(program, bindings, nbindings, views, err);
	return status ? status : check_grid(program, groups, err);
}

int vir0_dispatch_prepare(const vir0_program *program, const uint32_t groups[3],
			  struct vir0_binding *bindings, uint32_t nbindings,
			  struct vir0_buffer_view *views, struct vir0_error *err)
{
	int status = vir0_dispatch_check(program, groups, bindings, nbindings, views, err);
	if (status)
		return status;
	for (uint32_t i = 0; i < program->nbuffers; i++)
		if (program->buffers[i].is_output && bindings[i].size)
			memset(bindings[i].data, 0, bindings[i].size);
	return VIR0_OK;
}

int vir0_default_grid(const vir0_program *program, const struct vir0_binding *bindings,
		      uint32_t groups[3], struct vir0_error *err)
{
	if (!program || !groups)
		return vir0_error_at(err, VIR0_EARG, 0, "program and groups must not be NULL");
	uint32_t max_count = 0;
	for (uint32_t i = 0; i < program->nbuffers; i++) {
		const struct vir0_buffer *buffer = &program->buffers[i];
		if (buffer->access == VIR0_ACCESS_WORKGROUP)
			continue;
		uint32_t length = buffer->count;
		if (length == 0) {
			if (!bindings)
				return vir0_error_at(err, VIR0_EARG, 0,
						     "buffer '%s' is sized by its binding; pass the "
						     "bindings", buffer->name);
			int status = binding_length(buffer, &bindings[i], i, &length, err);
			if (status)
				return status;
		}
		if (length > max_count)
			max_count = length;
	}
	uint32_t width = program->workgroup_size[0] ? program->workgroup_size[0] : 1;
	uint32_t g0 = max_count / width + (max_count % width != 0);
	groups[0] = g0 ? g0 : 1;
	groups[1] = 1;
	groups[2] = 1;
	return VIR0_OK;
}

size_t vir0_workgroup_layout(const vir0_program *program, size_t *offsets)
{
	size_t total = 0;
	for (uint32_t i = 0; i < program->nbuffers; i++) {
		const struct vir0_buffer *buffer = &program->buffers[i];
		offsets[i] = 0;
		if (buffer->access != VIR0_ACCESS_WORKGROUP)
			continue;
		/* 4-byte aligned, so 16- and 32-bit elements are aligned too. */
		total = (total + 3) & ~(size_t)3;
		offsets[i] = total;
		total += (size_t)buffer->count * vir0_element_size(buffer->element.kind);
	}
	return total;
}
