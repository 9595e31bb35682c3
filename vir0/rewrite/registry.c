/* registry.c - the table of rewrites and applying one to a copy. */
#include "rewrite.h"

#include "error.h"
#include "tree.h"

#include <stdio.h>
#include <string.h>

static const struct vir0_rewrite rewrites[] = {
	{ 1, "fold", "constant propagation and folding, integer and bool identities",
	  0, vir0_rewrite_fold },
	{ 2, "dce", "removal of statements that cannot change a result", 0, vir0_rewrite_dce },
	{ 3, "unroll", "full unrolling of short loops with literal bounds",
	  0, vir0_rewrite_unroll },
	{ 4, "coarsen2", "each invocation does the work of 2 (no barrier, return, "
	  "workgroup memory)", 2, vir0_rewrite_coarsen },
	{ 5, "coarsen4", "each invocation does the work of 4 (no barrier, return, "
	  "workgroup memory)", 4, vir0_rewrite_coarsen },
};

#define NREWRITES (sizeof(rewrites) / sizeof(rewrites[0]))

const struct vir0_rewrite *vir0_rewrites(size_t *count)
{
	*count = NREWRITES;
	return rewrites;
}

const struct vir0_rewrite *vir0_rewrite_by_id(uint16_t id)
{
	for (size_t i = 0; i < NREWRITES; i++)
		if (rewrites[i].id == id)
			return &rewrites[i];
	return NULL;
}

const struct vir0_rewrite *vir0_rewrite_by_name(const char *name)
{
	for (size_t i = 0; i < NREWRITES; i++)
		if (strcmp(rewrites[i].name, name) == 0)
			return &rewrites[i];
	return NULL;
}

static int not_applicable(const struct vir0_rewrite *rewrite, vir0_program *copy,
			  const char *why, struct vir0_error *err)
{
	vir0_program_free(copy);
	vir0_error_at(err, VIR0_OK, 0, "rewrite %s does not apply: %s", rewrite->name, why);
	return VIR0_REWRITE_NOT_APPLICABLE;
}

int vir0_rewrite_apply(const struct vir0_rewrite *rewrite, const vir0_program *program,
		       vir0_program **out, struct vir0_error *err)
{
	*out = NULL;
	vir0_program *copy = NULL;
	struct vir0_error clone_err;
	int status = vir0_program_clone(program, &copy, &clone_err);
	/* The copy goes through the encoding, which refuses (VIR0_EARG) what
	 * any decoder would: nesting deeper than 64 (fmt §7.1), where the
	 * validator allows 256. Such a program has no canonical form, no
	 * hash, so no variant either. */
	if (status == VIR0_EARG) {
		char reason[VIR0_ERROR_MESSAGE_MAX + 64];
		snprintf(reason, sizeof(reason), "the program has no wire form to copy: %s",
			 clone_err.message);
		return not_applicable(rewrite, NULL, reason, err);
	}
	if (status) {
		if (err)
			*err = clone_err;
		return status;
	}
	const char *why = NULL;
	status = rewrite->transform(copy, rewrite->param, &why);
	if (status == 0)
		return not_applicable(rewrite, copy, why, err);
	if (status < 0) {
		vir0_program_free(copy);
		return vir0_error_at(err, status, 0, "rewrite %s ran out of memory", rewrite->name);
	}
	/* A rewrite that breaks validity is a bug here, not in the input: a
	 * transform that cannot keep the program valid must say it does not
	 * apply. Never hand such a program on. */
	struct vir0_error invalid;
	status = vir0_validate(copy, &invalid);
	if (status) {
		vir0_program_free(copy);
		return vir0_error_path(err, status, invalid.path, "rewrite %s made an invalid "
				       "program (a bug in the rewrite; report it with the "
				       "input program): %s", rewrite->name, invalid.message);
	}
	*out = copy;
	return VIR0_OK;
}
