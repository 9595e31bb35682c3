/* spec_report.c - formatting the run report. Text: one block per shape,
 * a line per variant. JSON lines: {"type":"shape",...} per shape, then
 * {"type":"totals",...}; only written, so no parser is needed. */
#include "spec_report.h"

#include "spec_count.h"

#include <math.h>

void starpu_vir0_spec_json_string(FILE *file, const char *s)
{
	putc('"', file);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(file, "\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			fprintf(file, "\\u%04x", *c);
		else
			putc(*c, file);
	}
	putc('"', file);
}

void starpu_vir0_spec_json_number(FILE *file, double value)
{
	if (isfinite(value))
		fprintf(file, "%.3f", value);
	else
		fputs("null", file);
}

static double mean(double sum, uint64_t count)
{
	return count ? sum / (double)count : NAN;
}

double starpu_vir0_spec_shape_saved_us(const struct starpu_vir0_spec_shape *shape)
{
	const struct starpu_vir0_spec_variant *root = &shape->variants[0];
	double root_mean = mean(root->us, root->tasks), saved = -shape->scratch_us;
	for (unsigned v = 1; v < shape->nvariants; v++) {
		const struct starpu_vir0_spec_variant *variant = &shape->variants[v];
		if (!variant->tasks)
			continue;
		double per_task = root->tasks ? root_mean - variant->us / (double)variant->tasks
					      : variant->saved_us;
		saved += (double)variant->tasks * per_task;
	}
	return saved;
}

static const char *variant_name(const struct starpu_vir0_spec_shape *shape, unsigned v)
{
	return v < shape->nvariants ? shape->variants[v].name : "-";
}

static void text_shape(FILE *out, const char *key, const char *adapter,
		       const struct starpu_vir0_spec_shape *shape, double saved)
{
	fprintf(out, "vir0 shape %s on %s: %llu tasks, %llu pairs, runs %s", key, adapter,
		(unsigned long long)shape->arrivals.count, (unsigned long long)shape->pairs_run,
		variant_name(shape, shape->baseline));
	if (shape->candidate != STARPU_VIR0_SPEC_NONE)
		fprintf(out, ", racing %s", variant_name(shape, shape->candidate));
	fprintf(out, ", last verdict %s (%s)\n", starpu_vir0_spec_verdict_name(shape->last.verdict),
		starpu_vir0_spec_reason_name(shape->last.reason));
	fprintf(out, "  %-16s %-9s %10s %12s %8s %8s %12s %12s %10s %11s %10s\n", "variant",
		"status", "tasks", "mean_us", "pairs", "won", "base_us", "cand_us", "saved_us",
		"compile_ms", "mismatches");
	for (unsigned v = 0; v < shape->nvariants; v++) {
		const struct starpu_vir0_spec_variant *variant = &shape->variants[v];
		struct starpu_vir0_spec_sum sum;
		starpu_vir0_spec_variant_sum(shape, v, &sum);
		fprintf(out, "  %-16s %-9s %10llu %12.1f %8llu %8llu %12.1f %12.1f %10.1f %11.1f %10llu\n",
			variant->name, starpu_vir0_spec_status_name(variant->status),
			(unsigned long long)variant->tasks, mean(variant->us, variant->tasks),
			(unsigned long long)sum.pairs, (unsigned long long)sum.won,
			mean(sum.baseline_us, sum.pairs), mean(sum.candidate_us, sum.pairs),
			variant->saved_us, variant->compile.us / 1000,
			(unsigned long long)sum.mismatches);
	}
	fprintf(out, "  saved %.3f ms against always %s (pair overhead %.3f ms included)\n",
		saved / 1000, shape->variants[0].name, shape->scratch_us / 1000);
}

static void json_shape(FILE *out, const char *key, const char *adapter,
		       const struct starpu_vir0_spec_shape *shape, double saved)
{
	fputs("{\"type\":\"shape\",\"shape\":", out);
	starpu_vir0_spec_json_string(out, key);
	fputs(",\"adapter\":", out);
	starpu_vir0_spec_json_string(out, adapter);
	fprintf(out, ",\"tasks\":%llu,\"pairs\":%llu,\"baseline\":",
		(unsigned long long)shape->arrivals.count, (unsigned long long)shape->pairs_run);
	starpu_vir0_spec_json_string(out, variant_name(shape, shape->baseline));
	fputs(",\"candidate\":", out);
	if (shape->candidate == STARPU_VIR0_SPEC_NONE)
		fputs("null", out);
	else
		starpu_vir0_spec_json_string(out, variant_name(shape, shape->candidate));
	fprintf(out, ",\"verdict\":\"%s\",\"reason\":\"%s\",\"saved_us\":",
		starpu_vir0_spec_verdict_name(shape->last.verdict),
		starpu_vir0_spec_reason_name(shape->last.reason));
	starpu_vir0_spec_json_number(out, saved);
	fputs(",\"overhead_us\":", out);
	starpu_vir0_spec_json_number(out, shape->scratch_us);
	fputs(",\"variants\":[", out);
	for (unsigned v = 0; v < shape->nvariants; v++) {
		const struct starpu_vir0_spec_variant *variant = &shape->variants[v];
		struct starpu_vir0_spec_sum sum;
		starpu_vir0_spec_variant_sum(shape, v, &sum);
		fputs(v ? ",{\"name\":" : "{\"name\":", out);
		starpu_vir0_spec_json_string(out, variant->name);
		fprintf(out, ",\"status\":\"%s\",\"rejections\":%u,\"tasks\":%llu,\"mean_us\":",
			starpu_vir0_spec_status_name(variant->status), variant->rejections,
			(unsigned long long)variant->tasks);
		starpu_vir0_spec_json_number(out, mean(variant->us, variant->tasks));
		fprintf(out, ",\"pairs\":%llu,\"won\":%llu,\"baseline_mean_us\":",
			(unsigned long long)sum.pairs, (unsigned long long)sum.won);
		starpu_vir0_spec_json_number(out, mean(sum.baseline_us, sum.pairs));
		fputs(",\"candidate_mean_us\":", out);
		starpu_vir0_spec_json_number(out, mean(sum.candidate_us, sum.pairs));
		fputs(",\"saved_us\":", out);
		starpu_vir0_spec_json_number(out, variant->saved_us);
		fputs(",\"compile_us\":", out);
		starpu_vir0_spec_json_number(out, variant->compile.us);
		fprintf(out, ",\"mismatches\":%llu}", (unsigned long long)sum.mismatches);
	}
	fputs("]}\n", out);
}

void starpu_vir0_spec_report_shape(FILE *text, FILE *jsonl, const char *key, const char *adapter,
				   const struct starpu_vir0_spec_shape *shape,
				   struct starpu_vir0_spec_totals *totals)
{
	double saved = starpu_vir0_spec_shape_saved_us(shape);
	if (text)
		text_shape(text, key, adapter, shape, saved);
	if (jsonl)
		json_shape(jsonl, key, adapter, shape, saved);
	totals->shapes++;
	totals->tasks = starpu_vir0_spec_count_add(totals->tasks, shape->arrivals.count);
	totals->pairs = starpu_vir0_spec_count_add(totals->pairs, shape->pairs_run);
	totals->saved_us += saved;
	for (unsigned v = 0; v < shape->nvariants; v++) {
		struct starpu_vir0_spec_sum sum;
		starpu_vir0_spec_variant_sum(shape, v, &sum);
		totals->mismatches = starpu_vir0_spec_count_add(totals->mismatches, sum.mismatches);
		totals->compile_us += shape->variants[v].compile.us;
	}
}

void starpu_vir0_spec_report_totals(FILE *text, FILE *jsonl,
				    const struct starpu_vir0_spec_totals *totals)
{
	if (text)
		fprintf(text, "vir0 speculation: %llu shapes, %llu tasks, %llu pairs, %llu mismatches, "
			"saved %.3f ms against always the baseline, compiled %.3f ms off the "
			"critical path\n", (unsigned long long)totals->shapes,
			(unsigned long long)totals->tasks, (unsigned long long)totals->pairs,
			(unsigned long long)totals->mismatches, totals->saved_us / 1000,
			totals->compile_us / 1000);
	if (jsonl) {
		fprintf(jsonl, "{\"type\":\"totals\",\"shapes\":%llu,\"tasks\":%llu,\"pairs\":%llu,"
			"\"mismatches\":%llu,\"saved_us\":", (unsigned long long)totals->shapes,
			(unsigned long long)totals->tasks, (unsigned long long)totals->pairs,
			(unsigned long long)totals->mismatches);
		starpu_vir0_spec_json_number(jsonl, totals->saved_us);
		fputs(",\"compile_us\":", jsonl);
		starpu_vir0_spec_json_number(jsonl, totals->compile_us);
		fputs("}\n", jsonl);
	}
}
