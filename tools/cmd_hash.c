/* cmd_hash.c - `vir0 hash INPUT`: the content hash of the program's
 * canonical encoding, so a text file and its assembled binary hash equal. */
#include "cli_args.h"
#include "commands.h"
#include "program_io.h"

#include <stdio.h>

int cmd_hash(int argc, char **argv)
{
	const char *input = NULL;
	int rc = tool_args_one_input(argc, argv, &input, NULL);
	if (rc != TOOL_EXIT_OK || !input)
		return rc;

	vir0_program *program;
	if ((rc = tool_program_load(input, TOOL_NO_VALIDATE, &program)))
		return rc;
	struct vir0_error err = { 0 };
	struct vir0_hash hash;
	char text[33];
	if (vir0_hash_program(program, &hash, &err) != VIR0_OK) {
		tool_report(input, &err, 0);
		rc = TOOL_EXIT_INPUT;
	} else {
		vir0_hash_format(&hash, text);
		printf("%s\n", text);
	}
	vir0_program_free(program);
	return rc;
}
