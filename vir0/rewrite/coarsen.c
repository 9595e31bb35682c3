/* coarsen.c - the "coarsen" rewrites: one invocation does the work of K
 * invocations of the original program. workgroup_size[0] shrinks by K and
 * the body runs in a loop over k in [0, K), with the original local id
 *
 *     l = k * (workgroup_size[0] / K) + LocalId(0)
 *
 * so that, in each iteration, neighbouring invocations touch neighbouring
 * elements (coalesced on GPUs, contiguous on CPUs). LocalId(0) becomes l
 * and InvocationId(0) becomes WorkgroupId(0) * workgroup_size[0] + l; the
 * grid is the same. It is equivalent only when the invocations of a
 * workgroup never wait for each other and all run to the end, so it
 * applies only to programs without Barrier, Return and Workgroup buffers.
 * Run the variant over the grid of the original program: the default grid
 * depends on workgroup_size[0]. */
#include "rewrite.h"

#include "tree.h"

struct coarsen_state {
	const char *local;      /* the variable holding l */
	uint32_t width;         /* original workgroup_size[0] */
};

static int coarsen_visit(vir0_program *p, struct vir0_expr **slot, void *context)
{
	const struct coarsen_state *state = context;
	const struct vir0_expr *e = *slot;
	if (e->axis != 0)
		return 0;
	struct vir0_expr *replacement;
	if (e->kind == VIR0_EXPR_LOCAL_ID)
		replacement = vir0_var(p, state->local);
	else if (e->kind == VIR0_EXPR_INVOCATION_ID)
		replacement = vir0_binop(p, VIR0_BIN_ADD,
					 vir0_binop(p, VIR0_BIN_MUL, vir0_workgroup_id(p, 0),
						    vir0_lit_u32(p, state->width)),
					 vir0_var(p, state->local));
	else
		return 0;
	if (!replacement)
		return VIR0_ENOMEM;
	*slot = replacement;
	return 0;
}

static const char *not_applicable(const vir0_program *program, unsigned factor)
{
	if (program->workgroup_size[0] % factor != 0)
		return "workgroup_size[0] is not a multiple of the coarsening factor";
	if (vir0_tree_has_node(&program->body, VIR0_NODE_BARRIER))
		return "the program has a Barrier: its invocations wait for each other";
	if (vir0_tree_has_node(&program->body, VIR0_NODE_RETURN))
		return "the program has a Return, which would end the other iterations too";
	for (uint32_t i = 0; i < program->nbuffers; i++)
		if (program->buffers[i].access == VIR0_ACCESS_WORKGROUP)
			return "the program has a Workgroup buffer";
	return NULL;
}

int vir0_rewrite_coarsen(vir0_program *program, unsigned factor, const char **why)
{
	if ((*why = not_applicable(program, factor)))
		return 0;
	struct coarsen_state state = {
		.local = vir0_fresh_name(program, "coarse_local"),
		.width = program->workgroup_size[0],
	};
	const char *k = vir0_fresh_name(program, "coarse_k");
	if (!state.local || !k)
		return VIR0_ENOMEM;
	int status = vir0_walk_exprs(program, &program->body, coarsen_visit, &state);
	if (status)
		return status;
	uint32_t narrow = program->workgroup_size[0] / factor;
	struct vir0_node *loop = vir0_loop(program, k, vir0_lit_u32(program, 0),
					   vir0_lit_u32(program, factor));
	struct vir0_expr *local =
		vir0_binop(program, VIR0_BIN_ADD,
			   vir0_binop(program, VIR0_BIN_MUL, vir0_var(program, k),
				      vir0_lit_u32(program, narrow)),
			   vir0_local_id(program, 0));
	if (!loop || vir0_append(program, &loop->body, vir0_let(program, state.local, local)))
		return VIR0_ENOMEM;
	for (uint32_t i = 0; i < program->body.count; i++)
		if (vir0_append(program, &loop->body, program->body.items[i]))
			return VIR0_ENOMEM;
	program->body = (struct vir0_node_list){ 0 };
	if (vir0_append(program, &program->body, loop))
		return VIR0_ENOMEM;
	program->workgroup_size[0] = narrow;
	return 1;
}
