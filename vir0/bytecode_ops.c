/* bytecode_ops.c - the opcode table of bytecode_ops.h. END_LOOP reads its
 * dst field: it names the loop variable that the LOOP wrote, and its
 * increment belongs to the loop itself. */
#include "bytecode_ops.h"

#include "bytecode.h"

#define N VIR0_BC_UNUSED
#define R VIR0_BC_READ
#define O VIR0_BC_READ_OR_NONE
#define W VIR0_BC_WRITE

static const struct vir0_bc_op_shape shapes[VIR0_BC_OP_LAST + 1] = {
	/*                      name        dst a  b  c  type aux imm */
	[VIR0_BC_CONST] =    { "const",    W, N, N, N, 1, 0, 1 },
	[VIR0_BC_MOV] =      { "mov",      W, R, N, N, 1, 0, 0 },
	[VIR0_BC_BINOP] =    { "binop",    W, R, R, N, 1, 1, 0 },
	[VIR0_BC_UNOP] =     { "unop",     W, R, N, N, 1, 1, 0 },
	[VIR0_BC_CAST] =     { "cast",     W, R, N, N, 1, 1, 0 },
	[VIR0_BC_SELECT] =   { "select",   W, R, R, R, 1, 0, 0 },
	[VIR0_BC_FMA] =      { "fma",      W, R, R, R, 1, 0, 0 },
	[VIR0_BC_ID] =       { "id",       W, N, N, N, 1, 1, 1 },
	[VIR0_BC_BUF_LEN] =  { "buf_len",  W, N, N, N, 1, 1, 0 },
	[VIR0_BC_LOAD] =     { "load",     W, R, N, N, 1, 1, 0 },
	[VIR0_BC_STORE] =    { "store",    N, R, R, N, 1, 1, 0 },
	[VIR0_BC_ATOMIC] =   { "atomic",   W, R, R, O, 1, 1, 1 },
	[VIR0_BC_IF] =       { "if",       N, R, N, N, 1, 0, 1 },
	[VIR0_BC_ELSE] =     { "else",     N, N, N, N, 0, 0, 1 },
	[VIR0_BC_END_IF] =   { "end_if",   N, N, N, N, 0, 0, 1 },
	[VIR0_BC_LOOP] =     { "loop",     W, R, R, N, 1, 0, 1 },
	[VIR0_BC_END_LOOP] = { "end_loop", R, N, R, N, 1, 0, 1 },
	[VIR0_BC_RETURN] =   { "return",   N, N, N, N, 0, 0, 0 },
	[VIR0_BC_BARRIER] =  { "barrier",  N, N, N, N, 0, 0, 0 },
	[VIR0_BC_HALT] =     { "halt",     N, N, N, N, 0, 0, 0 },
};

const struct vir0_bc_op_shape *vir0_bc_op_shape(unsigned op)
{
	if (op < VIR0_BC_CONST || op > VIR0_BC_OP_LAST)
		return NULL;
	return &shapes[op];
}
