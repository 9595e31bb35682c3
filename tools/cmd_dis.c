/* cmd_dis.c - `vir0 dis INPUT [-o OUTPUT]`: print a program in the text
 * form. It does not validate, so that any well-formed program, including
 * one outside the core profile, can be inspected. */
#include "cli_args.h"
#include "commands.h"
#include "program_io.h"

#include <stdlib.h>
#include <string.h>

int cmd_dis(int argc, char **argv)
{
	const char *input = NULL, *output = NULL;
	int rc = tool_args_one_input(argc, argv, &input, &output);
	if (rc != TOOL_EXIT_OK || !input)
		return rc;

	vir0_program *program;
	if ((rc = tool_program_load(input, TOOL_NO_VALIDATE, &program)))
		return rc;
	struct vir0_error err = { 0 };
	char *text = NULL;
	if (vir0_disassemble(program, &text, &err) != VIR0_OK) {
		tool_report(input, &err, 0);
		rc = TOOL_EXIT_INPUT;
	} else {
		rc = tool_file_write(output ? output : "-", text, strlen(text));
	}
	free(text);
	vir0_program_free(program);
	return rc;
}
