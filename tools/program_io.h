/* program_io.h - loading a program file for the vir0 command: binary VIR0 or
 * .vir0s text, told apart by the "VIR0" magic (or a NUL byte, which text
 * never holds); errors printed in one place. */
#ifndef VIR0_TOOL_PROGRAM_IO_H
#define VIR0_TOOL_PROGRAM_IO_H

#include "vir0.h"

#include <stddef.h>
#include <stdint.h>

/* Exit statuses of the vir0 command. */
enum tool_exit {
	TOOL_EXIT_OK = 0,
	TOOL_EXIT_INPUT = 1,  /* bad program, bad input file, failed run */
	TOOL_EXIT_USAGE = 2,  /* bad command line */
};

/* Whether tool_program_load runs vir0_validate after decoding. */
enum tool_validation {
	TOOL_NO_VALIDATE = 0,
	TOOL_VALIDATE = 1,
};

/* Whole file at `path` ("-" for standard input), malloc'd with a NUL after
 * the last byte (not counted in *size). It reads at most max_size + 1
 * bytes, so *size > max_size tells a larger file without reading all of it
 * (/dev/zero never ends). Prints the reason and returns NULL when the file
 * cannot be read. */
uint8_t *tool_file_read(const char *path, size_t max_size, size_t *size);

/* Write `size` bytes to `path` ("-" for standard output). Prints the reason
 * and returns TOOL_EXIT_INPUT on failure. */
int tool_file_write(const char *path, const void *data, size_t size);

/* Print `err` for `path` in the house format: "FILE:LINE:COL: msg" for the
 * text form, "vir0: FILE: PATH: msg" for a node path, "vir0: FILE: offset N:
 * msg" for a decode error (`is_decode`), else "vir0: FILE: msg". */
void tool_report(const char *path, const struct vir0_error *err, int is_decode);

/* Read, decode or assemble, and optionally validate the program at `path`
 * (at most the decoder's default max_input_bytes, in either form).
 * Returns TOOL_EXIT_OK with *out owned by the caller, or TOOL_EXIT_INPUT
 * after printing why. */
int tool_program_load(const char *path, enum tool_validation validation,
		      vir0_program **out);

#endif
