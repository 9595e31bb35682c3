/* vir0.c - the vir0 command: dispatch to a subcommand, usage and version.
 * Exit status: 0 ok, 1 bad program or input, 2 bad command line. */
#include "config.h"

#include "commands.h"
#include "program_io.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct tool_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *arguments;
	const char *summary;
} tool_commands[] = {
	{ "asm", cmd_asm, "INPUT -o OUTPUT.vir0",
	  "validate a program and write it as binary VIR0" },
	{ "dis", cmd_dis, "INPUT [-o OUTPUT.vir0s]",
	  "print a program in the .vir0s text form" },
	{ "validate", cmd_validate, "INPUT",
	  "check a program; exit 0 when valid, 1 with the reason when not" },
	{ "hash", cmd_hash, "INPUT",
	  "print the content hash of a program (32 hex digits)" },
	{ "run", cmd_run,
	  "PROGRAM [--engine cpu|ref|opencl] [--device N] [--verbose]\n"
	  "                [--groups X[,Y,Z]] [--in NAME=FILE]... [--out NAME=FILE]...\n"
	  "                [--print NAME]...",
	  "run a program on buffers read from raw little-endian files" },
	{ "store", cmd_store, "show|clear|export [--dir DIR]",
	  "show, clear or export (JSON lines) vir0-spec's autotune store" },
};

#define TOOL_NCOMMANDS (sizeof(tool_commands) / sizeof(tool_commands[0]))

static const struct tool_command *find_command(const char *name)
{
	for (size_t i = 0; i < TOOL_NCOMMANDS; i++)
		if (strcmp(tool_commands[i].name, name) == 0)
			return &tool_commands[i];
	return NULL;
}

static void print_usage(FILE *stream)
{
	fprintf(stream, "usage: vir0 COMMAND [ARGS]   (vir0 --help, vir0 --version)\n"
		"INPUT and PROGRAM are binary VIR0 or .vir0s text ('-' reads stdin).\n"
		"commands:\n");
	for (size_t i = 0; i < TOOL_NCOMMANDS; i++)
		fprintf(stream, "  vir0 %s %s\n      %s\n", tool_commands[i].name,
			tool_commands[i].arguments, tool_commands[i].summary);
	fprintf(stream, "See vir0(1) for the details.\n");
}

int tool_usage_error(const char *command, const char *fmt, ...)
{
	const struct tool_command *c = find_command(command);
	va_list ap;
	fprintf(stderr, "vir0 %s: ", command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (c)
		fprintf(stderr, "usage: vir0 %s %s\n", c->name, c->arguments);
	return TOOL_EXIT_USAGE;
}

void tool_usage_help(const char *command)
{
	const struct tool_command *c = find_command(command);
	if (c)
		printf("usage: vir0 %s %s\n%s\n", c->name, c->arguments, c->summary);
}

/* What a command printed on stdout is its result, so output lost to a full
 * disk or a failed pipe must not pass for success. A failed command has
 * already said why; that message stands. */
static int finish(int status)
{
	if (status != TOOL_EXIT_OK || (fflush(stdout) == 0 && !ferror(stdout)))
		return status;
	fprintf(stderr, "vir0: standard output: cannot write: %s\n", strerror(errno));
	return TOOL_EXIT_INPUT;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "vir0: no command given\n");
		print_usage(stderr);
		return TOOL_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		print_usage(stdout);
		return finish(TOOL_EXIT_OK);
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("vir0 (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return finish(TOOL_EXIT_OK);
	}
	const struct tool_command *c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "vir0: unknown %s \"%s\"\n",
			argv[1][0] == '-' ? "option" : "command", argv[1]);
		print_usage(stderr);
		return TOOL_EXIT_USAGE;
	}
	return finish(c->run(argc - 1, argv + 1));
}
