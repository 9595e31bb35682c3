/* cmd_validate.c - `vir0 validate INPUT`: exit 0 when the program decodes
 * (or parses) and passes validation, 1 with the reason on stderr when not. */
#include "cli_args.h"
#include "commands.h"
#include "program_io.h"

#include <stdio.h>

int cmd_validate(int argc, char **argv)
{
	const char *input = NULL;
	int rc = tool_args_one_input(argc, argv, &input, NULL);
	if (rc != TOOL_EXIT_OK || !input)
		return rc;

	vir0_program *program;
	if ((rc = tool_program_load(input, TOOL_VALIDATE, &program)))
		return rc;
	printf("%s: valid\n", input);
	vir0_program_free(program);
	return TOOL_EXIT_OK;
}
