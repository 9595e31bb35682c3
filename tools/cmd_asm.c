/* cmd_asm.c - `vir0 asm INPUT -o OUTPUT`: assemble the text form (or
 * re-encode a binary program) into canonical binary VIR0. The program is
 * validated first so that no invalid binary is ever written. */
#include "cli_args.h"
#include "commands.h"
#include "program_io.h"

#include <stdio.h>
#include <stdlib.h>

int cmd_asm(int argc, char **argv)
{
	const char *input = NULL, *output = NULL;
	int rc = tool_args_one_input(argc, argv, &input, &output);
	if (rc != TOOL_EXIT_OK || !input)
		return rc;
	if (!output)
		return tool_usage_error(argv[0], "no output file given; add -o OUTPUT.vir0 "
					"(or -o - for standard output)");

	vir0_program *program;
	if ((rc = tool_program_load(input, TOOL_VALIDATE, &program)))
		return rc;
	struct vir0_error err = { 0 };
	uint8_t *bytes = NULL;
	size_t size = 0;
	if (vir0_encode(program, &bytes, &size, &err) != VIR0_OK) {
		tool_report(input, &err, 0);
		rc = TOOL_EXIT_INPUT;
	} else {
		rc = tool_file_write(output, bytes, size);
	}
	free(bytes);
	vir0_program_free(program);
	return rc;
}
