/* spec_report.h - the run report (VIR0_STATS, VIR0_STATS_FILE): per shape
 * its ladder, samples, means, verdict, savings, compile time and
 * mismatches, as text for people and as one JSON object per line for
 * tools; then the totals. Fed from the ladder state the rule uses. */
#ifndef STARPU_VIR0_SPEC_REPORT_H
#define STARPU_VIR0_SPEC_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "spec_ladder.h"

struct starpu_vir0_spec_totals {
	uint64_t shapes, tasks, pairs, mismatches;
	double saved_us;    /* task time saved against always variant 0 (estimate) */
	double compile_us;  /* built off the critical path, not deducted */
};

/* Task time a shape saved against running variant 0 throughout: for each
 * other variant, its tasks times (variant 0's mean - its mean), or, with
 * no measured variant 0 (adopted from the store), times its recorded
 * median saving; less the scratch side of the pairs. */
double starpu_vir0_spec_shape_saved_us(const struct starpu_vir0_spec_shape *shape);

/* Report one shape on `text` and/or `jsonl` (either may be NULL) and add
 * it to `totals`. */
void starpu_vir0_spec_report_shape(FILE *text, FILE *jsonl, const char *key, const char *adapter,
				   const struct starpu_vir0_spec_shape *shape,
				   struct starpu_vir0_spec_totals *totals);

void starpu_vir0_spec_report_totals(FILE *text, FILE *jsonl,
				    const struct starpu_vir0_spec_totals *totals);

/* `s` as a JSON string, quoted and escaped (bytes >= 0x80 pass through:
 * names are UTF-8 or percent-decoded bytes). */
void starpu_vir0_spec_json_string(FILE *file, const char *s);

/* A JSON number, or null when not finite. */
void starpu_vir0_spec_json_number(FILE *file, double value);

#endif
