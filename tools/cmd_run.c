/* cmd_run.c - `vir0 run PROGRAM [options]`: run a validated program over a
 * grid on host buffers filled from files, then write and print results. */
#include "config.h"

#include "buffer_io.h"
#include "cli_args.h"
#include "commands.h"
#include "program_io.h"
#ifdef HAVE_OPENCL
#include "engine_opencl.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*tool_engine_run)(const vir0_program *program, const uint32_t groups[3],
			       struct vir0_binding *bindings, uint32_t nbindings,
			       struct vir0_error *err);

/* The vectorised CPU interpreter on all the machine's cores (threads = 0). */
static int run_cpu_all_cores(const vir0_program *program, const uint32_t groups[3],
			     struct vir0_binding *bindings, uint32_t nbindings,
			     struct vir0_error *err)
{
	return vir0_run_cpu(program, groups, bindings, nbindings, 0, err);
}

/* The executors --engine can name; the first is the default. */
static const struct tool_engine {
	const char *name;
	tool_engine_run run;
} tool_engines[] = {
	{ "cpu", run_cpu_all_cores },
	{ "ref", vir0_run_reference },
#ifdef HAVE_OPENCL
	{ "opencl", tool_opencl_run },
#endif
};

#define TOOL_NENGINES (sizeof(tool_engines) / sizeof(tool_engines[0]))

struct run_options {
	const char *program_path;
	const struct tool_engine *engine;
	int have_groups;
	uint32_t groups[3];
	int device;       /* --device N, or -1 */
	int verbose;
	struct tool_buffer_arg *ins, *outs, *prints; /* argc entries each */
	size_t nins, nouts, nprints;
};

static int parse_engine(const char *command, const char *text, struct run_options *o)
{
	char names[256] = "";
	for (size_t i = 0; i < TOOL_NENGINES; i++) {
		if (strcmp(tool_engines[i].name, text) == 0) {
			o->engine = &tool_engines[i];
			return TOOL_EXIT_OK;
		}
		size_t used = strlen(names);
		snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "",
			 tool_engines[i].name);
	}
	return tool_usage_error(command, "unknown engine \"%s\"; use one of: %s",
				text, names);
}

/* X[,Y[,Z]]: one to three workgroup counts, each 1 to 2^32-1; the missing
 * ones are 1. */
static int parse_groups(const char *command, const char *text, struct run_options *o)
{
	const char *p = text;
	o->groups[0] = o->groups[1] = o->groups[2] = 1;
	for (int axis = 0; axis < 3; axis++) {
		char *end = (char *)p;
		errno = 0;
		unsigned long long value = p[0] >= '0' && p[0] <= '9' ? strtoull(p, &end, 10) : 0;
		if (value < 1 || value > UINT32_MAX || errno ||
		    (*end != ',' && *end != '\0') || (*end == ',' && axis == 2))
			return tool_usage_error(command, "--groups %s: give one to three "
						"workgroup counts from 1 to 4294967295, "
						"separated by commas (X[,Y[,Z]])", text);
		o->groups[axis] = (uint32_t)value;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	o->have_groups = 1;
	return TOOL_EXIT_OK;
}

/* --device N: an OpenCL device index, 0 to 65535. */
static int parse_device(const char *command, const char *text, struct run_options *o)
{
	char *end;
	errno = 0;
	unsigned long value = text[0] >= '0' && text[0] <= '9' ? strtoul(text, &end, 10) : 70000;
	if (errno || value > 65535 || *end)
		return tool_usage_error(command, "--device %s: give an OpenCL device index from "
					"0 to 65535 (see clinfo -l)", text);
	o->device = (int)value;
	return TOOL_EXIT_OK;
}

/* --device only means something to an engine that runs on a device. */
static int check_device_engine(const char *command, const struct run_options *o)
{
	if (o->device >= 0 && strcmp(o->engine->name, "opencl") != 0)
		return tool_usage_error(command, "--device picks an OpenCL device; use it with "
					"--engine opencl, not --engine %s", o->engine->name);
#ifdef HAVE_OPENCL
	if (strcmp(o->engine->name, "opencl") == 0)
		tool_opencl_configure(o->device, o->verbose);
#endif
	return TOOL_EXIT_OK;
}

/* NAME=FILE (with_file) or NAME. */
static int parse_buffer_arg(const char *command, const char *option, const char *text,
			    int with_file, struct tool_buffer_arg *arg)
{
	const char *equals = strchr(text, '=');
	arg->option = option;
	arg->name = text;
	arg->name_len = equals ? (size_t)(equals - text) : strlen(text);
	arg->file = equals ? equals + 1 : NULL;
	if (!arg->name_len || (with_file && (!equals || !equals[1])))
		return tool_usage_error(command, "%s %s: write %s", option, text,
					with_file ? "NAME=FILE" : "NAME");
	if (!with_file && equals)
		return tool_usage_error(command, "%s %s: write the buffer name alone",
					option, text);
	return TOOL_EXIT_OK;
}

/* --in NAME=FILE, at most once per name: a buffer has one starting content. */
static int parse_in(const char *command, const char *text, struct run_options *o)
{
	struct tool_buffer_arg *arg = &o->ins[o->nins];
	int rc = parse_buffer_arg(command, "--in", text, 1, arg);
	for (size_t i = 0; rc == TOOL_EXIT_OK && i < o->nins; i++)
		if (o->ins[i].name_len == arg->name_len &&
		    memcmp(o->ins[i].name, arg->name, arg->name_len) == 0)
			rc = tool_usage_error(command, "--in %.*s is given twice; give "
					      "each buffer at most one --in",
					      (int)arg->name_len, arg->name);
	o->nins++;
	return rc;
}

/* TOOL_EXIT_OK with program_path NULL after --help. */
static int parse_run_options(int argc, char **argv, struct run_options *o)
{
	enum { OPT_ENGINE = TOOL_OPT_HELP + 1, OPT_GROUPS, OPT_IN, OPT_OUT, OPT_PRINT,
	       OPT_DEVICE, OPT_VERBOSE };
	static const struct option options[] = {
		{ "engine", required_argument, NULL, OPT_ENGINE },
		{ "groups", required_argument, NULL, OPT_GROUPS },
		{ "in", required_argument, NULL, OPT_IN },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "print", required_argument, NULL, OPT_PRINT },
		{ "device", required_argument, NULL, OPT_DEVICE },
		{ "verbose", no_argument, NULL, OPT_VERBOSE },
		{ "help", no_argument, NULL, TOOL_OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const char *command = argv[0];
	int c, rc = TOOL_EXIT_OK;
	opterr = 0;
	while (rc == TOOL_EXIT_OK && (c = getopt_long(argc, argv, ":hv", options, NULL)) != -1) {
		switch (c) {
		case OPT_ENGINE:
			rc = parse_engine(command, optarg, o);
			break;
		case OPT_GROUPS:
			rc = parse_groups(command, optarg, o);
			break;
		case OPT_IN:
			rc = parse_in(command, optarg, o);
			break;
		case OPT_OUT:
			rc = parse_buffer_arg(command, "--out", optarg, 1, &o->outs[o->nouts++]);
			break;
		case OPT_DEVICE:
			rc = parse_device(command, optarg, o);
			break;
		case OPT_VERBOSE:
		case 'v':
			o->verbose = 1;
			break;
		case OPT_PRINT:
			rc = parse_buffer_arg(command, "--print", optarg, 0,
					      &o->prints[o->nprints++]);
			break;
		case 'h':
		case TOOL_OPT_HELP:
			tool_usage_help(command);
			return TOOL_EXIT_OK;
		default:
			return tool_args_bad_option(argv, c);
		}
	}
	if (rc != TOOL_EXIT_OK)
		return rc;
	if (optind >= argc)
		return tool_usage_error(command, "no program file given");
	if (argc - optind > 1)
		return tool_usage_error(command, "one program file only, got \"%s\" too",
					argv[optind + 1]);
	o->program_path = argv[optind];
	return check_device_engine(command, o);
}

/* Resolve the buffer names, bind memory, run, then write and print. */
static int run_program(const struct run_options *o, const vir0_program *program,
		       struct vir0_binding *bindings)
{
	struct vir0_error err = { 0 };
	uint32_t groups[3];
	int rc;
	if ((rc = tool_buffer_args_resolve(program, o->program_path, o->ins, o->nins)) ||
	    (rc = tool_buffer_args_resolve(program, o->program_path, o->outs, o->nouts)) ||
	    (rc = tool_buffer_args_resolve(program, o->program_path, o->prints, o->nprints)) ||
	    (rc = tool_buffers_bind(program, o->program_path, o->ins, o->nins, bindings)))
		return rc;
	if (o->have_groups)
		memcpy(groups, o->groups, sizeof(groups));
	else if (vir0_default_grid(program, bindings, groups, &err) != VIR0_OK)
		goto failed;
	if (o->engine->run(program, groups, bindings, program->nbuffers, &err) != VIR0_OK)
		goto failed;
	if ((rc = tool_buffers_write(bindings, o->outs, o->nouts)))
		return rc;
	tool_buffers_print(program, bindings, o->prints, o->nprints);
	return TOOL_EXIT_OK;
failed:
	tool_report(o->program_path, &err, 0);
	return TOOL_EXIT_INPUT;
}

int cmd_run(int argc, char **argv)
{
	struct run_options o = { .engine = &tool_engines[0], .device = -1 };
	o.ins = calloc((size_t)argc, sizeof(*o.ins));
	o.outs = calloc((size_t)argc, sizeof(*o.outs));
	o.prints = calloc((size_t)argc, sizeof(*o.prints));
	int rc = TOOL_EXIT_INPUT;
	vir0_program *program = NULL;
	struct vir0_binding *bindings = NULL;
	if (!o.ins || !o.outs || !o.prints) {
		fprintf(stderr, "vir0: out of memory reading the command line\n");
		goto done;
	}
	rc = parse_run_options(argc, argv, &o);
	if (rc != TOOL_EXIT_OK || !o.program_path ||
	    (rc = tool_program_load(o.program_path, TOOL_VALIDATE, &program)))
		goto done;
	bindings = calloc(program->nbuffers ? program->nbuffers : 1, sizeof(*bindings));
	if (!bindings) {
		fprintf(stderr, "vir0: out of memory for %u buffers\n", program->nbuffers);
		rc = TOOL_EXIT_INPUT;
		goto done;
	}
	rc = run_program(&o, program, bindings);
	tool_buffers_free(bindings, program->nbuffers);
done:
	free(bindings);
	vir0_program_free(program);
	free(o.ins);
	free(o.outs);
	free(o.prints);
	return rc;
}
