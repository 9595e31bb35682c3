/* rewrite.h - the registry of semantics-preserving rewrites. Each takes a
 * validated program and gives a new one whose results are bit-identical
 * for every grid and binding the original accepts (run the variant over
 * the original's grid), or says why it does not apply. The speculation
 * scheduler races them as variants and records them by their stable id. */
#ifndef VIR0_REWRITE_H
#define VIR0_REWRITE_H

#include "vir0.h"

#include <stddef.h>
#include <stdint.h>

/* Returned by vir0_rewrite_apply when the rewrite would change nothing. */
#define VIR0_REWRITE_NOT_APPLICABLE 1

struct vir0_rewrite {
	uint16_t id;             /* stable: stored by the scheduler, never reused */
	const char *name;        /* stable too: "fold", "coarsen4", ... */
	const char *summary;
	unsigned param;          /* passed to transform (coarsening factor) */
	/* Change `program` (a private copy) in place: 1 when it changed, 0
	 * with *why set when the rewrite does not apply, or a negative
	 * status. */
	int (*transform)(vir0_program *program, unsigned param, const char **why);
};

/* Every rewrite, in id order. */
const struct vir0_rewrite *vir0_rewrites(size_t *count);
/* NULL when unknown. */
const struct vir0_rewrite *vir0_rewrite_by_id(uint16_t id);
const struct vir0_rewrite *vir0_rewrite_by_name(const char *name);

/* Apply `rewrite` to a copy of the validated `program`: VIR0_OK with *out
 * the new validated program (caller frees), VIR0_REWRITE_NOT_APPLICABLE
 * with *out NULL and err->message saying why, or a negative status. The
 * result is validated here: a transform whose result fails validation
 * gives that status (a bug in the transform, which must instead say it
 * does not apply; tests/test_conformance.c checks this never happens). */
int vir0_rewrite_apply(const struct vir0_rewrite *rewrite, const vir0_program *program,
		       vir0_program **out, struct vir0_error *err);

/* The transforms (one file each). */
int vir0_rewrite_fold(vir0_program *program, unsigned param, const char **why);
int vir0_rewrite_dce(vir0_program *program, unsigned param, const char **why);
int vir0_rewrite_unroll(vir0_program *program, unsigned param, const char **why);
int vir0_rewrite_coarsen(vir0_program *program, unsigned factor, const char **why);

#endif
