/* commands.h - the subcommands of the vir0 command and the usage messages
 * they share. Each cmd_* takes its own argv (argv[0] is its name) and
 * returns the process exit status (enum tool_exit). */
#ifndef VIR0_TOOL_COMMANDS_H
#define VIR0_TOOL_COMMANDS_H

int cmd_asm(int argc, char **argv);
int cmd_dis(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_hash(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_store(int argc, char **argv);

/* Print "vir0 COMMAND: message" and the command's usage line on stderr;
 * returns TOOL_EXIT_USAGE. */
int tool_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print the command's usage line and summary on stdout (for --help). */
void tool_usage_help(const char *command);

#endif
