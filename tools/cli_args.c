/* cli_args.c - option parsing for the one-file subcommands. */
#include "cli_args.h"

#include "commands.h"
#include "program_io.h"

#include <getopt.h>
#include <stddef.h>

int tool_args_bad_option(char **argv, int c)
{
	/* getopt leaves the unknown short option in optopt; for a long one,
	 * and for a missing argument, the culprit is the last word it read. */
	char short_name[3] = { '-', (char)optopt, 0 };
	if (c == ':')
		return tool_usage_error(argv[0], "%s needs an argument",
					argv[optind - 1]);
	return tool_usage_error(argv[0], "unknown option %s",
				optopt ? short_name : argv[optind - 1]);
}

int tool_args_one_input(int argc, char **argv, const char **input,
			const char **output)
{
	static const struct option with_output[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
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
