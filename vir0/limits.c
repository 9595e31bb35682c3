/* limits.c - the default decoder limits of fmt §7.1. They follow vyre's
 * constants in vyre-foundation/src/serial/wire.rs (MAX_PROGRAM_BYTES,
 * MAX_DECODE_DEPTH, MAX_STRING_LEN, MAX_BUFFERS, MAX_NODES); vyre has no
 * attachment map, so max_attachments matches max_buffers. */
#include "vir0.h"

void vir0_limits_default(struct vir0_limits *limits)
{
	limits->max_input_bytes = 64u * 1024 * 1024;
	limits->max_depth = 64;
	limits->max_string_bytes = 1024u * 1024;
	limits->max_buffers = 16384;
	limits->max_attachments = 16384;
	limits->max_nodes = 1000000;
}
