/* cli_args.h - the command line of the one-file subcommands (asm, dis,
 * validate, hash): one INPUT and, for some, -o OUTPUT. */
#ifndef VIR0_TOOL_CLI_ARGS_H
#define VIR0_TOOL_CLI_ARGS_H

/* getopt_long value of --help. Long options without a short form take
 * values from here up, above every char, so that tool_args_bad_option can
 * tell a misused long option from an unknown short one by optopt. */
enum { TOOL_OPT_HELP = 0x100 };

/* Report what getopt_long returned as `c` (':' or '?') for argv[0]'s
 * command; returns TOOL_EXIT_USAGE. */
int tool_args_bad_option(char **argv, int c);

/* Parse `argv` of the command argv[0]. `output` is NULL when the command takes no -o;
 * else it receives the -o argument (NULL when absent). Returns TOOL_EXIT_OK,
 * with *input NULL when --help was printed (nothing left to do), or
 * TOOL_EXIT_USAGE after printing why. */
int tool_args_one_input(int argc, char **argv, const char **input,
			const char **output);

#endif
