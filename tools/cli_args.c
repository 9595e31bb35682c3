/* cli_args.c - option parsing for the one-file subcommands. */
#include "cli_args.h"

#include "commands.h"
#include "program_io.h"

#include <getopt.h>
#include <stddef.h>

int tool_args_bad_option(char **argv, int c)
{
	/* getopt_long leaves an unknown short option in optopt. It sets
	 * optopt to 0 for an unknown long option and to the option's value
	 * (TOOL_OPT_HELP and up) for a long option given an argument it does
	 * not take; for those, and for a missing argument, the culprit is the
	 * last word it read. */
	const char *word = argv[optind - 1];
	if (c == ':')
		return tool_usage_error(argv[0], "%s needs an argument", word);
	if (optopt >= TOOL_OPT_HELP)
		return tool_usage_error(argv[0], "%s: that option takes no argument",
					word);
	if (optopt == 0)
		return tool_usage_error(argv[0], "unknown option %s", word);
	return tool_usage_error(argv[0], "unknown option -%c", optopt);
}

int tool_args_one_input(int argc, char **argv, const char **input,
			const char **output)
{
	static const struct option with_output[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, TOOL_OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const struct option *options = output ? with_output : with_output + 1;
	const char *command = argv[0];
	int c;
	*input = NULL;
	opterr = 0;
	while ((c = getopt_long(argc, argv, output ? ":o:h" : ":h", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			*output = optarg;
			break;
		case 'h':
		case TOOL_OPT_HELP:
			tool_usage_help(command);
			return TOOL_EXIT_OK;
		default:
			return tool_args_bad_option(argv, c);
		}
	}
	if (optind >= argc)
		return tool_usage_error(command, "no input file given");
	if (argc - optind > 1)
		return tool_usage_error(command, "one input file only, got \"%s\" too",
					argv[optind + 1]);
	*input = argv[optind];
	return TOOL_EXIT_OK;
}
