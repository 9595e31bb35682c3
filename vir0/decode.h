/* decode.h - the decoder's shared state and the recursive readers of
 * DataTypes, Exprs and Nodes (fmt §3-§5), split over decode_*.c. */
#ifndef VIR0_DECODE_H
#define VIR0_DECODE_H

#include "vir0.h"
#include "wire_reader.h"

struct vir0_decoder {
	struct vir0_wire_reader reader;
	struct vir0_limits limits;
	vir0_program *program;
	uint32_t records;           /* Nodes and Exprs read so far (fmt D17) */
};

/* Depth (fmt D18) and total-record (fmt D17) checks made before the tag of
 * a Node or Expr at `level` is read. */
int vir0_decode_enter(struct vir0_decoder *d, uint32_t level, const char *what);

/* A MemoryOrdering byte, 0..5 (fmt §6.4). */
int vir0_decode_ordering(struct vir0_decoder *d, uint8_t *out);

/* A String bounded by max_string_bytes, into the program's arena. */
int vir0_decode_string(struct vir0_decoder *d, const char *what, const char **out);

/* A DataType whose type level is `level` (1 for the outermost). */
int vir0_decode_type(struct vir0_decoder *d, struct vir0_type *out, uint32_t level);

/* An Expr at node/expr level `level`. */
int vir0_decode_expr(struct vir0_decoder *d, uint32_t level, struct vir0_expr **out);

/* A NodeList whose Nodes are at `level`. */
int vir0_decode_node_list(struct vir0_decoder *d, struct vir0_node_list *list,
			  uint32_t level, const char *what);

#endif
