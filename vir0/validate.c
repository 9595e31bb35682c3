/* validate.c - vir0_validate (fmt §8): the workgroup size and the buffer
 * declarations (§8.1), then a walk of the entry body; also the path,
 * error, depth and buffer-lookup helpers the statement and expression
 * checkers share. */
#include "validate.h"

#include "error.h"
#include "expr_type.h"
#include "names.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* vyre's reference MAX_WORKGROUP_BYTES (V5). */
#define WORKGROUP_BYTES_MAX 67108864u

#define NO_TWIN UINT32_MAX

static size_t path_append(struct vir0_validator *v, const char *field, int has_index,
			  uint32_t index)
{
	size_t old = v->path_len;
	size_t room = sizeof(v->path) - old;
	const char *dot = old ? "." : "";
	int n = has_index ? snprintf(v->path + old, room, "%s%s[%u]", dot, field, index)
			  : snprintf(v->path + old, room, "%s%s", dot, field);
	/* The depth limit keeps paths inside the room; clamp all the same. */
	v->path_len = n < 0 ? old : (size_t)n < room ? old + (size_t)n : sizeof(v->path) - 1;
	return old;
}

size_t vir0_validate_path_field(struct vir0_validator *v, const char *field)
{
	return path_append(v, field, 0, 0);
}

size_t vir0_validate_path_item(struct vir0_validator *v, const char *field, uint32_t index)
{
	return path_append(v, field, 1, index);
}

void vir0_validate_path_pop(struct vir0_validator *v, size_t len)
{
	v->path_len = len;
	v->path[len] = '\0';
}

static int fail_with(struct vir0_validator *v, int code, const char *fmt, va_list ap)
{
	char message[VIR0_ERROR_MESSAGE_MAX];
	vsnprintf(message, sizeof(message), fmt, ap);
	/* A path too long for the error keeps its end, the most precise part. */
	const char *path = v->path;
	char tail[VIR0_ERROR_PATH_MAX];
	if (v->path_len >= sizeof(tail)) {
		size_t keep = sizeof(tail) - 4;
		snprintf(tail, sizeof(tail), "...%s", v->path + v->path_len - keep);
		path = tail;
	}
	return vir0_error_path(v->err, code, path, "%s", message);
}

int vir0_validate_fail(struct vir0_validator *v, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail_with(v, code, fmt, ap);
	va_end(ap);
	return code;
}

int vir0_validate_fail_at(struct vir0_validator *v, const char *field, int code,
			  const char *fmt, ...)
{
	size_t len = vir0_validate_path_field(v, field);
	va_list ap;
	va_start(ap, fmt);
	fail_with(v, code, fmt, ap);
	va_end(ap);
	vir0_validate_path_pop(v, len);
	return code;
}

int vir0_validate_depth(struct vir0_validator *v, uint32_t level)
{
	if (level <= VIR0_VALIDATE_MAX_DEPTH)
		return VIR0_OK;
	return vir0_validate_fail(v, VIR0_EDEPTH,
				  "nesting deeper than %u levels of statements and expressions: "
				  "split the computation into flatter statements using Let",
				  VIR0_VALIDATE_MAX_DEPTH);
}

const char *vir0_validate_type_name(uint8_t kind)
{
	const char *name = vir0_type_kind_name(kind);
	return name ? name : "(no type)";
}

static const char *name_or_empty(const char *name)
{
	return name ? name : "";
}

static int compare_buffer_refs(const void *a, const void *b)
{
	const struct vir0_buffer_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int compare_name_to_ref(const void *key, const void *ref)
{
	return strcmp(key, ((const struct vir0_buffer_ref *)ref)->name);
}

int vir0_validate_buffer(struct vir0_validator *v, const char *name, const char *use,
			 const struct vir0_buffer **out)
{
	const struct vir0_buffer_ref *ref = NULL;
	if (name && v->program->nbuffers)
		ref = bsearch(name, v->buffers_by_name, v->program->nbuffers,
			      sizeof(*ref), compare_name_to_ref);
	*out = ref ? &v->program->buffers[ref->index] : NULL;
	if (ref)
		return VIR0_OK;
	return vir0_validate_fail(v, VIR0_EINVALID,
				  "%s names buffer '%s', which is not declared: declare it or "
				  "use one of the declared buffers (V7)", use, name_or_empty(name));
}

/* Sort buffers by name and, for each buffer whose name an earlier one
 * already has, note that earlier one in name_twin (V1). */
static void find_name_twins(struct vir0_validator *v, uint32_t *name_twin)
{
	const vir0_program *p = v->program;
	for (uint32_t i = 0; i < p->nbuffers; i++) {
		v->buffers_by_name[i].name = name_or_empty(p->buffers[i].name);
		v->buffers_by_name[i].index = i;
		name_twin[i] = NO_TWIN;
	}
	qsort(v->buffers_by_name, p->nbuffers, sizeof(*v->buffers_by_name),
	      compare_buffer_refs);
	for (uint32_t i = 1; i < p->nbuffers; i++) {
		const struct vir0_buffer_ref *prev = &v->buffers_by_name[i - 1];
		const struct vir0_buffer_ref *cur = &v->buffers_by_name[i];
		if (strcmp(prev->name, cur->name) == 0)
			name_twin[cur->index] =
				name_twin[prev->index] != NO_TWIN ? name_twin[prev->index]
								  : prev->index;
	}
}

struct binding_ref {
	uint32_t binding, index;
};

static int compare_binding_refs(const void *a, const void *b)
{
	const struct binding_ref *x = a, *y = b;
	if (x->binding != y->binding)
		return x->binding < y->binding ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* As find_name_twins, for the bindings of non-Workgroup buffers (V4). */
static int find_binding_twins(const vir0_program *p, uint32_t *binding_twin)
{
	struct binding_ref *refs = malloc((size_t)p->nbuffers * sizeof(*refs) + 1);
	if (!refs)
		return VIR0_ENOMEM;
	uint32_t n = 0;
	for (uint32_t i = 0; i < p->nbuffers; i++) {
		binding_twin[i] = NO_TWIN;
		if (p->buffers[i].access != VIR0_ACCESS_WORKGROUP)
			refs[n++] = (struct binding_ref){ p->buffers[i].binding, i };
	}
	qsort(refs, n, sizeof(*refs), compare_binding_refs);
	for (uint32_t i = 1; i < n; i++)
		if (refs[i].binding == refs[i - 1].binding)
			binding_twin[refs[i].index] = binding_twin[refs[i - 1].index] != NO_TWIN
				? binding_twin[refs[i - 1].index] : refs[i - 1].index;
	free(refs);
	return VIR0_OK;
}

static int check_workgroup_size(struct vir0_validator *v)
{
	const uint32_t *size = v->program->workgroup_size;
	uint64_t product = 1;
	for (unsigned a = 0; a < 3; a++) {
		if (size[a] == 0) {
			size_t len = vir0_validate_path_item(v, "workgroup_size", a);
			int rc = vir0_validate_fail(v, VIR0_EINVALID,
						    "workgroup size on axis %u is 0: every axis "
						    "needs at least 1 invocation", a);
			vir0_validate_path_pop(v, len);
			return rc;
		}
		product *= size[a];
	}
	if (product > UINT32_MAX) {
		return vir0_validate_fail_at(v, "workgroup_size", VIR0_EINVALID,
					     "workgroup of %u x %u x %u invocations does not fit "
					     "in a u32: use a smaller workgroup size (V6)",
					     size[0], size[1], size[2]);
	}
	return VIR0_OK;
}

/* The checks of fmt §8.1 on one buffer, in the order of its record. */
static int check_buffer(struct vir0_validator *v, uint32_t i, uint32_t name_twin,
			uint32_t binding_twin, uint64_t *workgroup_bytes)
{
	const struct vir0_buffer *b = &v->program->buffers[i];
	const char *name = name_or_empty(b->name);
	if (!name[0])
		return vir0_validate_fail(v, VIR0_EINVALID,
					  "buffer has an empty name: give it a non-empty name (V1)");
	if (name_twin != NO_TWIN)
		return vir0_validate_fail(v, VIR0_EINVALID,
					  "buffer name '%s' is already declared by buffers[%u]: "
					  "rename one of them (V1)", name, name_twin);
	if (binding_twin != NO_TWIN)
		return vir0_validate_fail(v, VIR0_EINVALID,
					  "buffer '%s' uses binding %u, already used by buffers[%u]: "
					  "give each buffer its own binding (V4)",
					  name, b->binding, binding_twin);
	if (!vir0_access_name(b->access))
		return vir0_validate_fail(v, VIR0_EINVALID,
					  "buffer '%s' has access code %u: use read (0), "
					  "read_write (1), uniform (2) or workgroup (3)",
					  name, b->access);
	if (!vir0_element_load_type(b->element.kind)) {
		const char *kind = vir0_type_kind_name(b->element.kind);
		return vir0_validate_fail(v, VIR0_EUNSUPPORTED,
					  "buffer '%s' has element type %s, which is outside the core "
					  "profile of starpu-vir0: use u8, u16, u32, i8, i16, i32, f32, "
					  "bool or bytes (V2)", name, kind ? kind : "(unknown)");
	}
	if (b->access == VIR0_ACCESS_WORKGROUP) {
		if (b->count == 0)
			return vir0_validate_fail(v, VIR0_EINVALID,
						  "workgroup buffer '%s' has count 0: give workgroup "
						  "buffers a fixed count of at least 1", name);
		*workgroup_bytes += (uint64_t)b->count * vir0_element_size(b->element.kind);
		if (*workgroup_bytes > WORKGROUP_BYTES_MAX)
			return vir0_validate_fail(v, VIR0_EINVALID,
						  "workgroup buffers up to '%s' take %llu bytes, more "
						  "than the %u allowed: shrink their counts (V5)", name,
						  (unsigned long long)*workgroup_bytes,
						  WORKGROUP_BYTES_MAX);
	}
	if (b->is_output && b->access != VIR0_ACCESS_READ_WRITE)
		return vir0_validate_fail(v, VIR0_EINVALID,
					  "buffer '%s' is marked as an output but its access is %s: "
					  "only read_write buffers can be outputs (V3)",
					  name, vir0_access_name(b->access));
	return VIR0_OK;
}

static int check_buffers(struct vir0_validator *v)
{
	const vir0_program *p = v->program;
	uint32_t *twins = malloc(2 * (size_t)p->nbuffers * sizeof(*twins) + 1);
	if (!twins)
		return vir0_validate_fail(v, VIR0_ENOMEM, "out of memory while validating");
	uint32_t *name_twin = twins, *binding_twin = twins + p->nbuffers;
	find_name_twins(v, name_twin);
	int rc = find_binding_twins(p, binding_twin);
	if (rc)
		rc = vir0_validate_fail(v, rc, "out of memory while validating");
	uint64_t workgroup_bytes = 0;
	for (uint32_t i = 0; i < p->nbuffers && !rc; i++) {
		size_t len = vir0_validate_path_item(v, "buffers", i);
		rc = check_buffer(v, i, name_twin[i], binding_twin[i], &workgroup_bytes);
		vir0_validate_path_pop(v, len);
	}
	free(twins);
	return rc;
}

int vir0_validate(const vir0_program *program, struct vir0_error *err)
{
	if (!program || (program->nbuffers && !program->buffers))
		return vir0_error_path(err, VIR0_EARG, "",
				       "no program to validate: pass a program from vir0_decode, "
				       "vir0_assemble or vir0_program_new");
	struct vir0_validator v = { .program = program, .err = err };
	vir0_scope_init(&v.scope);
	v.buffers_by_name = malloc((size_t)program->nbuffers * sizeof(*v.buffers_by_name) + 1);
	int rc = v.buffers_by_name ? VIR0_OK
		: vir0_validate_fail(&v, VIR0_ENOMEM, "out of memory while validating");
	if (!rc)
		rc = check_workgroup_size(&v);
	if (!rc)
		rc = check_buffers(&v);
	if (!rc)
		rc = vir0_validate_list(&v, &program->body, "body", 1, 0);
	free(v.buffers_by_name);
	vir0_scope_release(&v.scope);
	return rc;
}
