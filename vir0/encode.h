/* encode.h - the encoder's shared state and the recursive writers of
 * DataTypes, Exprs and Nodes (fmt §3-§5, §7.4), split over encode_*.c.
 * Each writer refuses, with VIR0_EARG and the node path, anything the
 * decoder would reject, so decode(encode(p)) always succeeds. */
#ifndef VIR0_ENCODE_H
#define VIR0_ENCODE_H

#include "vir0.h"
#include "wire_writer.h"

struct vir0_encoder {
	struct vir0_wire_writer writer;
	struct vir0_limits limits;  /* the defaults: what any decoder accepts */
	uint32_t records;           /* Nodes and Exprs written so far */
	struct vir0_error *err;
	char path[VIR0_ERROR_PATH_MAX];
	size_t path_len;
};

/* Append ".then[3]"-style segments to the path; returns the length to
 * restore with vir0_encode_path_pop once the element is written. */
size_t vir0_encode_path_push(struct vir0_encoder *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vir0_encode_path_pop(struct vir0_encoder *e, size_t length);

/* Fill the error with VIR0_EARG at the current path and return it. */
int vir0_encode_refuse(struct vir0_encoder *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Depth and record-count checks mirroring the decoder's (fmt D17, D18). */
int vir0_encode_enter(struct vir0_encoder *e, uint32_t level, const char *what);

/* A String: present, within max_string_bytes, UTF-8 without NUL. */
int vir0_encode_string(struct vir0_encoder *e, const char *what, const char *text);

/* A u32 length and that many bytes, at most `max_bytes`. */
int vir0_encode_blob(struct vir0_encoder *e, const char *what, const uint8_t *data,
		     uint32_t size, uint32_t max_bytes);

/* A MemoryOrdering byte, 0..5. */
int vir0_encode_ordering(struct vir0_encoder *e, uint8_t ordering);

int vir0_encode_type(struct vir0_encoder *e, const struct vir0_type *type, uint32_t level);
int vir0_encode_expr(struct vir0_encoder *e, const struct vir0_expr *expr, uint32_t level);
/* `name` is the path segment of the list ("then", "body"). */
int vir0_encode_node_list(struct vir0_encoder *e, const struct vir0_node_list *list,
			  uint32_t level, const char *name);

#endif
