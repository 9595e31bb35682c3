/* cmd_store.c - `vir0 store show|clear|export [--dir DIR]`: the autotune
 * store of the vir0-spec policy (doc/speculation.md), in the spirit of
 * starpu_perfmodel_display. The directory is --dir, else the policy's own
 * choice ($VIR0_HOME, $STARPU_HOME/.starpu/vir0, $HOME/.starpu/vir0). */
#include "commands.h"
#include "program_io.h"
#include "spec_report.h"
#include "spec_store.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static double mean(double sum, uint64_t count)
{
	return count ? sum / (double)count : 0;
}

static void show(const struct starpu_vir0_spec_store *store)
{
	size_t n = starpu_vir0_spec_store_count(store);
	printf("# autotune store %s: %zu record%s\n", starpu_vir0_spec_store_path(store), n,
	       n == 1 ? "" : "s");
	const char *shape = "", *adapter = "";
	for (size_t i = 0; i < n; i++) {
		const struct starpu_vir0_spec_record *r = starpu_vir0_spec_store_at(store, i);
		if (strcmp(r->shape, shape) || strcmp(r->adapter, adapter)) {
			shape = r->shape;
			adapter = r->adapter;
			printf("shape %s on %s: %" PRIu64 " tasks in %" PRIu64 " run%s\n", shape,
			       adapter, r->tasks, r->runs, r->runs == 1 ? "" : "s");
			printf("  %-16s %-9s %4s %8s %8s %12s %12s %10s %11s %10s\n", "variant",
			       "status", "rej", "pairs", "won", "base_us", "cand_us", "saved_us",
			       "compile_ms", "mismatches");
		}
		printf("  %-16s %-9s %4u %8" PRIu64 " %8" PRIu64 " %12.1f %12.1f %10.1f %11.1f %10" PRIu64
		       "\n", r->variant, starpu_vir0_spec_status_name(r->status), r->rejections,
		       r->pairs, r->won, mean(r->baseline_us, r->pairs), mean(r->candidate_us, r->pairs),
		       r->saved_us, r->compile_us / 1000, r->mismatches);
	}
}

static void export(const struct starpu_vir0_spec_store *store)
{
	for (size_t i = 0; i < starpu_vir0_spec_store_count(store); i++) {
		const struct starpu_vir0_spec_record *r = starpu_vir0_spec_store_at(store, i);
		fputs("{\"shape\":", stdout);
		starpu_vir0_spec_json_string(stdout, r->shape);
		fputs(",\"adapter\":", stdout);
		starpu_vir0_spec_json_string(stdout, r->adapter);
		fputs(",\"variant\":", stdout);
		starpu_vir0_spec_json_string(stdout, r->variant);
		printf(",\"status\":\"%s\",\"rejections\":%u,\"updated_us\":%" PRId64 ",\"saved_us\":",
		       starpu_vir0_spec_status_name(r->status), r->rejections, r->updated);
		starpu_vir0_spec_json_number(stdout, r->saved_us);
		fputs(",\"compile_us\":", stdout);
		starpu_vir0_spec_json_number(stdout, r->compile_us);
		printf(",\"pairs\":%" PRIu64 ",\"won\":%" PRIu64 ",\"mismatches\":%" PRIu64
		       ",\"baseline_us\":", r->pairs, r->won, r->mismatches);
		starpu_vir0_spec_json_number(stdout, r->baseline_us);
		fputs(",\"candidate_us\":", stdout);
		starpu_vir0_spec_json_number(stdout, r->candidate_us);
		printf(",\"tasks\":%" PRIu64 ",\"runs\":%" PRIu64 "}\n", r->tasks, r->runs);
	}
}

int cmd_store(int argc, char **argv)
{
	const char *action = NULL, *dir = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			tool_usage_help("store");
			return TOOL_EXIT_OK;
		} else if (!strcmp(argv[i], "--dir")) {
			if (++i == argc)
				return tool_usage_error("store", "--dir needs a directory");
			dir = argv[i];
		} else if (!strncmp(argv[i], "--dir=", 6)) {
			dir = argv[i] + 6;
		} else if (argv[i][0] == '-') {
			return tool_usage_error("store", "unknown option \"%s\"", argv[i]);
		} else if (action) {
			return tool_usage_error("store", "one action only, not \"%s\" too", argv[i]);
		} else {
			action = argv[i];
		}
	}
	if (!action)
		return tool_usage_error("store", "no action given");
	if (strcmp(action, "show") && strcmp(action, "clear") && strcmp(action, "export"))
		return tool_usage_error("store", "unknown action \"%s\"", action);
	if (dir && !*dir)
		return tool_usage_error("store", "--dir needs a directory");

	struct vir0_error err = { 0 };
	char found[PATH_MAX];
	if (!dir) {
		if (starpu_vir0_spec_store_dir(found, sizeof found, &err) < 0) {
			fprintf(stderr, "vir0 store: %s\n", err.message);
			return TOOL_EXIT_INPUT;
		}
		dir = found;
	}
	if (!strcmp(action, "clear")) {
		int removed;
		if (starpu_vir0_spec_store_clear(dir, &removed, &err) < 0) {
			fprintf(stderr, "vir0 store: %s\n", err.message);
			return TOOL_EXIT_INPUT;
		}
		printf(removed ? "removed %s/%s\n" : "no autotune store in %s%.0s\n", dir,
		       STARPU_VIR0_SPEC_STORE_FILE);
		return TOOL_EXIT_OK;
	}
	struct starpu_vir0_spec_store *store = starpu_vir0_spec_store_create(dir);
	if (!store) {
		fprintf(stderr, "vir0 store: %s: directory name too long, or out of memory\n", dir);
		return TOOL_EXIT_INPUT;
	}
	int rc = TOOL_EXIT_OK;
	if (starpu_vir0_spec_store_load(store, stderr, &err) < 0) {
		fprintf(stderr, "vir0 store: %s\n", err.message);
		rc = TOOL_EXIT_INPUT;
	} else if (!strcmp(action, "show")) {
		show(store);
	} else {
		export(store);
	}
	starpu_vir0_spec_store_destroy(store);
	return rc;
}
