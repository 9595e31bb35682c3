/* buffer_io.h - host memory for `vir0 run`: filling buffers from raw
 * little-endian files (--in), writing them back (--out), printing their
 * elements as text (--print). */
#ifndef VIR0_TOOL_BUFFER_IO_H
#define VIR0_TOOL_BUFFER_IO_H

#include "vir0.h"

#include <stddef.h>
#include <stdint.h>

/* One buffer named on the command line: NAME=FILE for --in and --out, NAME
 * for --print. `name` points into argv and is `name_len` bytes long. */
struct tool_buffer_arg {
	const char *option;   /* "--in", "--out" or "--print", for messages */
	const char *name;
	size_t name_len;
	const char *file;     /* NULL for --print */
	uint32_t index;       /* declaration index, set by tool_buffer_args_resolve */
};

/* Find the declared buffer of each arg (its `index`). Fails, naming the
 * declared buffers, when a name is unknown or a Workgroup buffer (which has
 * no host memory). Returns TOOL_EXIT_OK or TOOL_EXIT_INPUT after printing
 * why. */
int tool_buffer_args_resolve(const vir0_program *program, const char *program_path,
			     struct tool_buffer_arg *args, size_t nargs);

/* Fill `bindings` (one per declared buffer, zeroed by the caller): each
 * --in buffer from its file, whose size must fit the declaration, every
 * other non-Workgroup buffer with zeros. Workgroup buffers stay unbound.
 * Returns TOOL_EXIT_OK or TOOL_EXIT_INPUT after printing why; the caller
 * frees `bindings` with tool_buffers_free either way. */
int tool_buffers_bind(const vir0_program *program, const char *program_path,
		      const struct tool_buffer_arg *ins, size_t nins,
		      struct vir0_binding *bindings);

/* Write the final bytes of each --out buffer to its file. */
int tool_buffers_write(const struct vir0_binding *bindings,
		       const struct tool_buffer_arg *outs, size_t nouts);

/* Print every element of each --print buffer, "NAME[i] = value" per line. */
void tool_buffers_print(const vir0_program *program,
			const struct vir0_binding *bindings,
			const struct tool_buffer_arg *prints, size_t nprints);

void tool_buffers_free(struct vir0_binding *bindings, uint32_t nbindings);

#endif
