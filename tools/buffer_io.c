/* buffer_io.c - host memory for `vir0 run`: --in, --out and --print. */
#include "buffer_io.h"

#include "program_io.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int buffer_is_named(const struct vir0_buffer *b, const struct tool_buffer_arg *arg)
{
	return strlen(b->name) == arg->name_len &&
	       memcmp(b->name, arg->name, arg->name_len) == 0;
}

/* ", " separated names of the buffers that have host memory. */
static void print_host_buffer_names(const vir0_program *program)
{
	const char *separator = "";
	for (uint32_t i = 0; i < program->nbuffers; i++) {
		if (program->buffers[i].access == VIR0_ACCESS_WORKGROUP)
			continue;
		fprintf(stderr, "%s%s", separator, program->buffers[i].name);
		separator = ", ";
	}
	fprintf(stderr, "%s\n", *separator ? "" : "(none)");
}

static int resolve_one(const vir0_program *program, const char *program_path,
		       struct tool_buffer_arg *arg)
{
	for (uint32_t i = 0; i < program->nbuffers; i++) {
		if (!buffer_is_named(&program->buffers[i], arg))
			continue;
		if (program->buffers[i].access == VIR0_ACCESS_WORKGROUP) {
			fprintf(stderr, "vir0: %s: %s %.*s: \"%.*s\" is a workgroup "
				"buffer, private to each workgroup, with no host memory; "
				"name one of: ", program_path, arg->option,
				(int)arg->name_len, arg->name, (int)arg->name_len, arg->name);
			print_host_buffer_names(program);
			return TOOL_EXIT_INPUT;
		}
		arg->index = i;
		return TOOL_EXIT_OK;
	}
	fprintf(stderr, "vir0: %s: %s %.*s: the program declares no buffer named "
		"\"%.*s\"; name one of: ", program_path, arg->option,
		(int)arg->name_len, arg->name, (int)arg->name_len, arg->name);
	print_host_buffer_names(program);
	return TOOL_EXIT_INPUT;
}

int tool_buffer_args_resolve(const vir0_program *program, const char *program_path,
			     struct tool_buffer_arg *args, size_t nargs)
{
	for (size_t i = 0; i < nargs; i++) {
		int rc = resolve_one(program, program_path, &args[i]);
		if (rc != TOOL_EXIT_OK)
			return rc;
	}
	return TOOL_EXIT_OK;
}

/* The file's size must be what the declaration of `b` asks for (fmt §1.5):
 * `declared` bytes when it has a count, else whole elements. A size past
 * `declared` is only known to be larger (tool_file_read stops there). */
static int check_in_size(const struct vir0_buffer *b, size_t element_size,
			 size_t declared, const char *file, size_t size)
{
	if (b->count && size != declared) {
		char held[32] = "more";
		if (size < declared)
			snprintf(held, sizeof(held), "%zu", size);
		fprintf(stderr, "vir0: %s: buffer \"%s\" is declared with %" PRIu32
			" elements of %zu bytes, so its file must hold exactly %zu "
			"bytes, but it holds %s; give a file of %zu bytes\n",
			file, b->name, b->count, element_size, declared, held, declared);
		return TOOL_EXIT_INPUT;
	}
	if (!b->count && size % element_size) {
		fprintf(stderr, "vir0: %s: buffer \"%s\" is sized at run time with "
			"elements of %zu bytes, but the file holds %zu bytes, not a "
			"whole number of elements; give a multiple of %zu bytes\n",
			file, b->name, element_size, size, element_size);
		return TOOL_EXIT_INPUT;
	}
	return TOOL_EXIT_OK;
}

/* Memory for buffer `index`: its --in file when there is one, else zeros. */
static int bind_one(const vir0_program *program, const char *program_path,
		    uint32_t index, const struct tool_buffer_arg *in,
		    struct vir0_binding *binding)
{
	const struct vir0_buffer *b = &program->buffers[index];
	size_t element_size = vir0_type_size(&b->element);
	if (!element_size) {
		fprintf(stderr, "vir0: %s: buffer \"%s\" has an element type outside "
			"the core profile; the run engines cannot hold it\n",
			program_path, b->name);
		return TOOL_EXIT_INPUT;
	}
	/* A u32 count of 4-byte elements can overflow a 32-bit size_t. */
	if (b->count > SIZE_MAX / element_size) {
		fprintf(stderr, "vir0: %s: buffer \"%s\" declares %" PRIu32 " elements "
			"of %zu bytes, more than this host can address; declare fewer\n",
			program_path, b->name, b->count, element_size);
		return TOOL_EXIT_INPUT;
	}
	size_t declared = (size_t)b->count * element_size;
	if (in) {
		size_t size;
		/* A count bounds the read; a count-0 buffer takes the whole file. */
		uint8_t *data = tool_file_read(in->file, b->count ? declared : SIZE_MAX,
					       &size);
		if (!data)
			return TOOL_EXIT_INPUT;
		binding->data = data;
		binding->size = size;
		return check_in_size(b, element_size, declared, in->file, size);
	}
	if (!b->count) {
		fprintf(stderr, "vir0: %s: buffer \"%s\" is declared with count 0 "
			"(sized at run time); pass --in %s=FILE to give its contents "
			"and size, or declare a count\n", program_path, b->name, b->name);
		return TOOL_EXIT_INPUT;
	}
	binding->size = declared;
	binding->data = calloc(1, declared);
	if (!binding->data) {
		fprintf(stderr, "vir0: %s: no memory for the %zu bytes of buffer \"%s\"\n",
			program_path, declared, b->name);
		return TOOL_EXIT_INPUT;
	}
	return TOOL_EXIT_OK;
}

int tool_buffers_bind(const vir0_program *program, const char *program_path,
		      const struct tool_buffer_arg *ins, size_t nins,
		      struct vir0_binding *bindings)
{
	for (uint32_t i = 0; i < program->nbuffers; i++) {
		if (program->buffers[i].access == VIR0_ACCESS_WORKGROUP)
			continue;
		const struct tool_buffer_arg *in = NULL;
		for (size_t j = 0; j < nins && !in; j++)
			if (ins[j].index == i)
				in = &ins[j];
		int rc = bind_one(program, program_path, i, in, &bindings[i]);
		if (rc != TOOL_EXIT_OK)
			return rc;
	}
	return TOOL_EXIT_OK;
}

int tool_buffers_write(const struct vir0_binding *bindings,
		       const struct tool_buffer_arg *outs, size_t nouts)
{
	for (size_t i = 0; i < nouts; i++) {
		const struct vir0_binding *b = &bindings[outs[i].index];
		int rc = tool_file_write(outs[i].file, b->data, b->size);
		if (rc != TOOL_EXIT_OK)
			return rc;
	}
	return TOOL_EXIT_OK;
}

/* Little-endian unsigned integer of `size` bytes at `p`. */
static uint32_t read_le(const uint8_t *p, size_t size)
{
	uint32_t value = 0;
	for (size_t i = size; i-- > 0;)
		value = value << 8 | p[i];
	return value;
}

/* One element in text, by its element type (fmt §1.5). */
static void print_element(const struct vir0_type *type, const uint8_t *p, size_t size)
{
	uint32_t bits = read_le(p, size);
	float f;
	switch (type->kind) {
	case VIR0_TYPE_I8:
		printf("%d\n", (int8_t)bits);
		break;
	case VIR0_TYPE_I16:
		printf("%d\n", (int16_t)bits);
		break;
	case VIR0_TYPE_I32:
		printf("%" PRId32 "\n", (int32_t)bits);
		break;
	case VIR0_TYPE_F32:
		memcpy(&f, &bits, sizeof(f));
		printf("%.9g\n", f);
		break;
	case VIR0_TYPE_BOOL:
		printf("%s\n", bits ? "true" : "false");
		break;
	default: /* U8, U16, U32, Bytes */
		printf("%" PRIu32 "\n", bits);
		break;
	}
}

void tool_buffers_print(const vir0_program *program,
			const struct vir0_binding *bindings,
			const struct tool_buffer_arg *prints, size_t nprints)
{
	for (size_t i = 0; i < nprints; i++) {
		const struct vir0_buffer *b = &program->buffers[prints[i].index];
		const struct vir0_binding *binding = &bindings[prints[i].index];
		size_t element_size = vir0_type_size(&b->element);
		const uint8_t *data = binding->data;
		for (size_t e = 0; e < binding->size / element_size; e++) {
			printf("%s[%zu] = ", b->name, e);
			print_element(&b->element, data + e * element_size, element_size);
		}
	}
}

void tool_buffers_free(struct vir0_binding *bindings, uint32_t nbindings)
{
	for (uint32_t i = 0; i < nbindings; i++)
		free(bindings[i].data);
}
