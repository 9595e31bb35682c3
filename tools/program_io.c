/* program_io.c - reading and writing files, loading a program from binary
 * VIR0 or .vir0s text, and printing library errors for the vir0 command. */
#include "program_io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char vir0_magic[4] = { 'V', 'I', 'R', '0' };

/* Read `stream` to its end, or to one byte past `max_size`, whichever
 * comes first; NULL with errno set on failure. */
static uint8_t *read_stream(FILE *stream, size_t max_size, size_t *size)
{
	/* Room for max_size + 1 bytes and the NUL. */
	size_t most = max_size < SIZE_MAX - 2 ? max_size + 2 : SIZE_MAX;
	size_t used = 0, capacity = most < 1 << 16 ? most : 1 << 16;
	uint8_t *data = malloc(capacity);
	while (data) {
		used += fread(data + used, 1, capacity - used - 1, stream);
		if (ferror(stream))
			break;
		if (feof(stream) || used == most - 1) {
			data[used] = 0;
			*size = used;
			return data;
		}
		if (capacity - used > 1)
			continue;
		size_t larger = capacity <= most / 2 ? capacity * 2 : most;
		uint8_t *grown = realloc(data, larger);
		if (!grown) {
			errno = ENOMEM;
			break;
		}
		data = grown;
		capacity = larger;
	}
	int saved = errno ? errno : EIO;
	free(data);
	errno = saved;
	return NULL;
}

uint8_t *tool_file_read(const char *path, size_t max_size, size_t *size)
{
	int from_stdin = strcmp(path, "-") == 0;
	FILE *stream = from_stdin ? stdin : fopen(path, "rb");
	if (!stream) {
		fprintf(stderr, "vir0: %s: cannot open: %s\n", path, strerror(errno));
		return NULL;
	}
	errno = 0;
	uint8_t *data = read_stream(stream, max_size, size);
	if (!data)
		fprintf(stderr, "vir0: %s: cannot read: %s\n", path, strerror(errno));
	if (!from_stdin)
		fclose(stream);
	return data;
}

int tool_file_write(const char *path, const void *data, size_t size)
{
	int to_stdout = strcmp(path, "-") == 0;
	FILE *stream = to_stdout ? stdout : fopen(path, "wb");
	if (!stream) {
		fprintf(stderr, "vir0: %s: cannot create: %s\n", path, strerror(errno));
		return TOOL_EXIT_INPUT;
	}
	int ok = fwrite(data, 1, size, stream) == size;
	ok = (to_stdout ? fflush(stream) : fclose(stream)) == 0 && ok;
	if (!ok) {
		fprintf(stderr, "vir0: %s: cannot write: %s\n", path, strerror(errno));
		return TOOL_EXIT_INPUT;
	}
	return TOOL_EXIT_OK;
}

void tool_report(const char *path, const struct vir0_error *err, int is_decode)
{
	if (err->line)
		fprintf(stderr, "%s:%u:%u: %s\n", path, err->line, err->column,
			err->message);
	else if (err->path[0])
		fprintf(stderr, "vir0: %s: %s: %s\n", path, err->path, err->message);
	else if (is_decode)
		fprintf(stderr, "vir0: %s: offset %zu: %s\n", path, err->offset,
			err->message);
	else
		fprintf(stderr, "vir0: %s: %s\n", path, err->message);
}

int tool_program_load(const char *path, enum tool_validation validation,
		      vir0_program **out)
{
	struct vir0_error err = { 0 };
	size_t size;
	vir0_program *program = NULL;
	*out = NULL;
	struct vir0_limits limits;
	vir0_limits_default(&limits);
	uint8_t *bytes = tool_file_read(path, limits.max_input_bytes, &size);
	if (!bytes)
		return TOOL_EXIT_INPUT;
	if (size > limits.max_input_bytes) {
		fprintf(stderr, "vir0: %s: the file holds more than %zu bytes, the most "
			"a program may have (fmt §7.1); check that it is a program\n",
			path, limits.max_input_bytes);
		free(bytes);
		return TOOL_EXIT_INPUT;
	}
	/* The text form never holds a NUL byte (doc/vir0s-text.md), so a file
	 * that does is a binary one, and the decoder names its bad magic
	 * rather than the assembler complaining about its first word. */
	int is_binary = (size >= sizeof(vir0_magic) &&
			 memcmp(bytes, vir0_magic, sizeof(vir0_magic)) == 0) ||
			memchr(bytes, 0, size) != NULL;
	int rc = is_binary ? vir0_decode(bytes, size, &limits, &program, &err)
			   : vir0_assemble((const char *)bytes, size, &program, &err);
	int decode_failed = is_binary && rc != VIR0_OK;
	free(bytes);
	if (rc == VIR0_OK && validation == TOOL_VALIDATE)
		rc = vir0_validate(program, &err);
	if (rc != VIR0_OK) {
		if (!err.message[0])
			snprintf(err.message, sizeof(err.message), "%s",
				 vir0_status_name(rc));
		tool_report(path, &err, decode_failed);
		vir0_program_free(program);
		return TOOL_EXIT_INPUT;
	}
	*out = program;
	return TOOL_EXIT_OK;
}
