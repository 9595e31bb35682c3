/* vir0.h - the VIR0 program format: model, wire decode/encode, validation,
 * builder, text form, content hash and the reference interpreter.
 *
 * libvir0 knows nothing of StarPU or OpenCL. The wire format and the
 * semantics are specified in doc/vir0-format.md (cited as "fmt §N").
 *
 * Conventions: functions that can fail return 0 (VIR0_OK) or a negative
 * VIR0_E* code and, when `err` is not NULL, fill it with the byte offset or
 * node path and a message that says what to fix. Programs own every node,
 * expression and string reachable from them (one arena per program), so a
 * single vir0_program_free releases all of it.
 */
#ifndef VIR0_H
#define VIR0_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status codes and errors ------------------------------------------ */

enum vir0_status {
	VIR0_OK = 0,
	VIR0_ENOMEM = -1,       /* allocation failed */
	VIR0_ETRUNCATED = -2,   /* input ended inside a field */
	VIR0_EMAGIC = -3,       /* first four bytes are not "VIR0" */
	VIR0_EVERSION = -4,     /* unsupported envelope version */
	VIR0_EFLAGS = -5,       /* reserved header flags set */
	VIR0_ETAG = -6,         /* unknown node, expression or data-type tag */
	VIR0_EOPCODE = -7,      /* operator code outside its table */
	VIR0_EUTF8 = -8,        /* a name is not valid UTF-8 or holds NUL */
	VIR0_EDEPTH = -9,       /* nesting deeper than the limit */
	VIR0_ELIMIT = -10,      /* a count or size exceeds a limit */
	VIR0_ETRAILING = -11,   /* bytes after the end of the program */
	VIR0_EVALUE = -12,      /* a field holds a value its type forbids */
	VIR0_EINVALID = -13,    /* program fails validation */
	VIR0_EUNSUPPORTED = -14,/* valid VIR0 outside the core profile */
	VIR0_ESYNTAX = -15,     /* text form does not parse */
	VIR0_EIO = -16,         /* reading or writing a file failed */
	VIR0_EARG = -17,        /* caller passed inconsistent arguments */
};

#define VIR0_ERROR_PATH_MAX 160
#define VIR0_ERROR_MESSAGE_MAX 320

struct vir0_error {
	int code;                          /* the enum vir0_status returned */
	size_t offset;                     /* byte offset (decode), or 0 */
	uint32_t line, column;             /* text form position, 1-based, or 0 */
	char path[VIR0_ERROR_PATH_MAX];    /* node path, e.g. "body[2].then[0].value" */
	char message[VIR0_ERROR_MESSAGE_MAX];
};

/* Short stable name of a status code ("VIR0_ETRUNCATED"). */
const char *vir0_status_name(int status);

/* ---- data types (fmt §3) ---------------------------------------------- */

enum vir0_type_kind {
	VIR0_TYPE_U32 = 0x01, VIR0_TYPE_I32 = 0x02, VIR0_TYPE_U64 = 0x03,
	VIR0_TYPE_VEC2U32 = 0x04, VIR0_TYPE_VEC4U32 = 0x05, VIR0_TYPE_BOOL = 0x06,
	VIR0_TYPE_BYTES = 0x07, VIR0_TYPE_ARRAY = 0x08, VIR0_TYPE_F16 = 0x09,
	VIR0_TYPE_BF16 = 0x0A, VIR0_TYPE_F32 = 0x0B, VIR0_TYPE_F64 = 0x0C,
	VIR0_TYPE_TENSOR = 0x0D, VIR0_TYPE_U8 = 0x0E, VIR0_TYPE_U16 = 0x0F,
	VIR0_TYPE_I8 = 0x10, VIR0_TYPE_I16 = 0x11, VIR0_TYPE_I64 = 0x12,
	VIR0_TYPE_HANDLE = 0x13, VIR0_TYPE_VEC = 0x14, VIR0_TYPE_TENSOR_SHAPED = 0x15,
	VIR0_TYPE_SPARSE_CSR = 0x16, VIR0_TYPE_SPARSE_COO = 0x17,
	VIR0_TYPE_SPARSE_BSR = 0x18, VIR0_TYPE_F8E4M3 = 0x19, VIR0_TYPE_F8E5M2 = 0x1A,
	VIR0_TYPE_I4 = 0x1B, VIR0_TYPE_FP4 = 0x1C, VIR0_TYPE_NF4 = 0x1D,
	VIR0_TYPE_DEVICE_MESH = 0x1E, VIR0_TYPE_QUANTIZED = 0x1F,
	VIR0_TYPE_OPAQUE = 0x80,
};

/* A data type with its payload. Only the fields its kind uses are set. */
struct vir0_type {
	uint8_t kind;                  /* enum vir0_type_kind */
	uint8_t vec_count;             /* VEC: lane count */
	uint8_t scale_kind, zero_kind; /* QUANTIZED: scale / zero-point tags */
	uint32_t arg0;                 /* ARRAY element size, HANDLE/OPAQUE id,
	                                  SPARSE_BSR block rows, QUANTIZED scale arg */
	uint32_t arg1;                 /* SPARSE_BSR block cols, QUANTIZED zero arg */
	uint32_t ndims;                /* TENSOR_SHAPED shape rank, DEVICE_MESH axes */
	const uint32_t *dims;
	const struct vir0_type *element; /* VEC, TENSOR_SHAPED, SPARSE_*,
	                                    QUANTIZED storage */
};

/* ---- operators (fmt §6) ----------------------------------------------- */

enum vir0_binop {
	VIR0_BIN_ADD = 0x01, VIR0_BIN_SUB, VIR0_BIN_MUL, VIR0_BIN_DIV, VIR0_BIN_MOD,
	VIR0_BIN_BIT_AND, VIR0_BIN_BIT_OR, VIR0_BIN_BIT_XOR, VIR0_BIN_SHL, VIR0_BIN_SHR,
	VIR0_BIN_EQ, VIR0_BIN_NE, VIR0_BIN_LT, VIR0_BIN_GT, VIR0_BIN_LE, VIR0_BIN_GE,
	VIR0_BIN_AND, VIR0_BIN_OR, VIR0_BIN_ABS_DIFF, VIR0_BIN_MIN, VIR0_BIN_MAX,
	VIR0_BIN_SATURATING_ADD, VIR0_BIN_SATURATING_SUB, VIR0_BIN_SATURATING_MUL,
	VIR0_BIN_SHUFFLE, VIR0_BIN_BALLOT, VIR0_BIN_WAVE_REDUCE, VIR0_BIN_WAVE_BROADCAST,
	VIR0_BIN_ROTATE_LEFT, VIR0_BIN_ROTATE_RIGHT, VIR0_BIN_WRAPPING_ADD,
	VIR0_BIN_WRAPPING_SUB, VIR0_BIN_MUL_HIGH, /* = 0x21 */
	VIR0_BIN_LAST = VIR0_BIN_MUL_HIGH,
};

enum vir0_unop {
	VIR0_UN_NEGATE = 0x01, VIR0_UN_BIT_NOT, VIR0_UN_LOGICAL_NOT, VIR0_UN_POPCOUNT,
	VIR0_UN_CLZ, VIR0_UN_CTZ, VIR0_UN_REVERSE_BITS, VIR0_UN_COS, VIR0_UN_SIN,
	VIR0_UN_ABS, VIR0_UN_SQRT, VIR0_UN_FLOOR, VIR0_UN_CEIL, VIR0_UN_ROUND,
	VIR0_UN_TRUNC, VIR0_UN_SIGN, VIR0_UN_IS_NAN, VIR0_UN_IS_INF, VIR0_UN_IS_FINITE,
	VIR0_UN_EXP, VIR0_UN_LOG, VIR0_UN_LOG2, VIR0_UN_EXP2, VIR0_UN_TAN, VIR0_UN_ACOS,
	VIR0_UN_ASIN, VIR0_UN_ATAN, VIR0_UN_TANH, VIR0_UN_SINH, VIR0_UN_COSH,
	VIR0_UN_INVERSE_SQRT, VIR0_UN_UNPACK4_LOW, VIR0_UN_UNPACK4_HIGH,
	VIR0_UN_UNPACK8_LOW, VIR0_UN_UNPACK8_HIGH, VIR0_UN_RECIPROCAL, /* = 0x24 */
	VIR0_UN_LAST = VIR0_UN_RECIPROCAL,
};

enum vir0_atomic_op {
	VIR0_ATOMIC_ADD = 0x01, VIR0_ATOMIC_OR, VIR0_ATOMIC_AND, VIR0_ATOMIC_XOR,
	VIR0_ATOMIC_MIN, VIR0_ATOMIC_MAX, VIR0_ATOMIC_EXCHANGE,
	VIR0_ATOMIC_COMPARE_EXCHANGE, VIR0_ATOMIC_COMPARE_EXCHANGE_WEAK,
	VIR0_ATOMIC_FETCH_NAND, VIR0_ATOMIC_LRU_UPDATE, /* = 0x0B */
	VIR0_ATOMIC_LAST = VIR0_ATOMIC_LRU_UPDATE,
};

/* An operator byte of 0x80 means an opaque (extension) operator whose u32 id
 * is in `opaque_op`. */
#define VIR0_OP_OPAQUE 0x80

enum vir0_access {
	VIR0_ACCESS_READ_ONLY = 0, VIR0_ACCESS_READ_WRITE = 1,
	VIR0_ACCESS_UNIFORM = 2, VIR0_ACCESS_WORKGROUP = 3,
};

/* ---- expressions (fmt §4) --------------------------------------------- */

enum vir0_expr_kind {
	VIR0_EXPR_LIT_U32 = 0, VIR0_EXPR_LIT_I32 = 1, VIR0_EXPR_LIT_BOOL = 2,
	VIR0_EXPR_VAR = 3, VIR0_EXPR_LOAD = 4, VIR0_EXPR_BUF_LEN = 5,
	VIR0_EXPR_INVOCATION_ID = 6, VIR0_EXPR_WORKGROUP_ID = 7,
	VIR0_EXPR_LOCAL_ID = 8, VIR0_EXPR_BINOP = 9, VIR0_EXPR_UNOP = 10,
	VIR0_EXPR_CALL = 11, VIR0_EXPR_SELECT = 12, VIR0_EXPR_CAST = 13,
	VIR0_EXPR_ATOMIC = 14, VIR0_EXPR_LIT_F32 = 15, VIR0_EXPR_FMA = 16,
	VIR0_EXPR_SUBGROUP_ADD = 17, VIR0_EXPR_SUBGROUP_SHUFFLE = 18,
	VIR0_EXPR_SUBGROUP_BALLOT = 19, VIR0_EXPR_SUBGROUP_LOCAL_ID = 20,
	VIR0_EXPR_SUBGROUP_SIZE = 21, VIR0_EXPR_OPAQUE = 0x80,
};

/* One expression. Field use by kind:
 *   LIT_*: bits (LIT_I32 two's complement, LIT_F32 IEEE bits, LIT_BOOL 0|1)
 *   VAR: name          LOAD: name (buffer), arg[0] index     BUF_LEN: name
 *   *_ID: axis (0..2)  BINOP: op, arg[0] left, arg[1] right  UNOP: op, arg[0]
 *   CALL: name (op id), args/nargs     SELECT: arg[0] cond, arg[1] then, arg[2] else
 *   CAST: type, arg[0] FMA: arg[0..2] a, b, c
 *   ATOMIC: op, ordering, name (buffer), arg[0] index, arg[1] expected
 *           (NULL when absent), arg[2] value
 *   SUBGROUP_ADD: arg[0]; SUBGROUP_SHUFFLE: arg[0] value, arg[1] lane;
 *   SUBGROUP_BALLOT: arg[0] cond
 *   OPAQUE: name (extension kind), payload/payload_len
 * `op` is VIR0_OP_OPAQUE for an extension operator, with its id in opaque_op. */
struct vir0_expr {
	uint8_t kind;
	uint8_t op;
	uint8_t axis;
	uint8_t ordering;
	uint32_t opaque_op;
	uint32_t bits;
	const char *name;
	struct vir0_expr *arg[3];
	struct vir0_expr **args;
	uint32_t nargs;
	struct vir0_type type;
	const uint8_t *payload;
	uint32_t payload_len;
};

/* ---- statements (fmt §5) ---------------------------------------------- */

enum vir0_node_kind {
	VIR0_NODE_LET = 0, VIR0_NODE_ASSIGN = 1, VIR0_NODE_STORE = 2, VIR0_NODE_IF = 3,
	VIR0_NODE_LOOP = 4, VIR0_NODE_RETURN = 5, VIR0_NODE_BLOCK = 6,
	VIR0_NODE_BARRIER = 7, VIR0_NODE_INDIRECT_DISPATCH = 8,
	VIR0_NODE_ASYNC_LOAD = 9, VIR0_NODE_ASYNC_WAIT = 10, VIR0_NODE_REGION = 11,
	VIR0_NODE_ASYNC_STORE = 12, VIR0_NODE_TRAP = 13, VIR0_NODE_RESUME = 14,
	VIR0_NODE_ALL_REDUCE = 15, VIR0_NODE_ALL_GATHER = 16,
	VIR0_NODE_REDUCE_SCATTER = 17, VIR0_NODE_BROADCAST = 18,
	VIR0_NODE_OPAQUE = 0x80,
};

struct vir0_node;

struct vir0_node_list {
	struct vir0_node **items;
	uint32_t count;
	uint32_t capacity;
};

/* One statement. Field use by kind:
 *   LET, ASSIGN: name, value[0]        STORE: name (buffer), value[0] index, value[1] value
 *   IF: value[0] cond, body (then), otherwise
 *   LOOP: name (variable), value[0] from, value[1] to, body
 *   RETURN: -       BLOCK: body      BARRIER: ordering
 *   INDIRECT_DISPATCH: name (count buffer), offset (count_offset)
 *   ASYNC_LOAD, ASYNC_STORE: name (source), name2 (destination), value[0] offset,
 *                            value[1] size, tag
 *   ASYNC_WAIT, RESUME: tag     TRAP: value[0] address, tag
 *   ALL_REDUCE: name (buffer), op, group
 *   ALL_GATHER: name (input), name2 (output), group
 *   REDUCE_SCATTER: name (input), name2 (output), op, group
 *   BROADCAST: name (buffer), root, group
 *   REGION: name (generator), name2 (source region, NULL when absent), body
 *   OPAQUE: name (extension kind), payload/payload_len */
struct vir0_node {
	uint8_t kind;
	uint8_t ordering;
	uint8_t op;
	const char *name;
	const char *name2;
	const char *tag;
	struct vir0_expr *value[2];
	struct vir0_node_list body;
	struct vir0_node_list otherwise;
	uint64_t offset;
	uint32_t group;
	uint32_t root;
	const uint8_t *payload;
	uint32_t payload_len;
};

/* ---- programs (fmt §1) ------------------------------------------------ */

struct vir0_buffer {
	const char *name;
	uint32_t binding;
	uint8_t access;          /* enum vir0_access */
	uint8_t is_output;       /* 0 | 1 */
	uint32_t count;          /* elements; 0 = sized by the caller at run time */
	struct vir0_type element;
};

struct vir0_attachment {
	const char *key;
	const uint8_t *data;
	uint32_t size;
};

struct vir0_arena;

typedef struct vir0_program {
	const char *entry_op_id;      /* NULL when absent */
	uint32_t workgroup_size[3];
	struct vir0_buffer *buffers;
	uint32_t nbuffers;
	struct vir0_attachment *attachments;
	uint32_t nattachments;
	struct vir0_node_list body;
	struct vir0_arena *arena;     /* owns everything above */
} vir0_program;

/* A new empty program: workgroup size 1,1,1, no buffers, empty body. */
vir0_program *vir0_program_new(void);
void vir0_program_free(vir0_program *program);

/* ---- decoding and encoding (fmt §1-§7) -------------------------------- */

/* Bounds a decoder applies to untrusted bytes. */
struct vir0_limits {
	size_t max_input_bytes;
	uint32_t max_depth;        /* nesting of node lists and expressions */
	uint32_t max_string_bytes;
	uint32_t max_buffers;
	uint32_t max_attachments;
	uint32_t max_nodes;        /* statements and expressions, all together */
};

/* Fill `limits` with the safe defaults of fmt §7. */
void vir0_limits_default(struct vir0_limits *limits);

/* Decode one program. `limits` may be NULL for the defaults. On success
 * *out owns a new program; on failure *out is NULL and nothing leaks. */
int vir0_decode(const uint8_t *bytes, size_t size,
		const struct vir0_limits *limits, vir0_program **out,
		struct vir0_error *err);

/* Encode deterministically into a malloc'd buffer (caller frees). */
int vir0_encode(const vir0_program *program, uint8_t **out, size_t *size,
		struct vir0_error *err);

/* Structural equality of two programs (used for round-trip tests). */
int vir0_program_equal(const vir0_program *a, const vir0_program *b);

/* ---- validation (fmt §8) ---------------------------------------------- */

/* Checks types, scopes, buffer references and access modes, barrier
 * placement, loop bounds, and the core profile. Errors name the node path. */
int vir0_validate(const vir0_program *program, struct vir0_error *err);

/* ---- content hash ------------------------------------------------------ */

struct vir0_hash {
	uint8_t bytes[16];
};

/* XXH3-128 of the canonical encoding: equal programs hash equal. */
int vir0_hash_program(const vir0_program *program, struct vir0_hash *out,
		      struct vir0_error *err);
/* 32 lowercase hex digits and a NUL into `text` (33 bytes). */
void vir0_hash_format(const struct vir0_hash *hash, char text[33]);

/* ---- builder ----------------------------------------------------------- */

/* Every constructor allocates in `program`'s arena and returns NULL when
 * memory runs out or an argument is NULL, so nested calls propagate the
 * failure to the final vir0_append / vir0_add_buffer, which report it. */
struct vir0_expr *vir0_lit_u32(vir0_program *p, uint32_t value);
struct vir0_expr *vir0_lit_i32(vir0_program *p, int32_t value);
struct vir0_expr *vir0_lit_f32(vir0_program *p, float value);
struct vir0_expr *vir0_lit_bool(vir0_program *p, int value);
struct vir0_expr *vir0_var(vir0_program *p, const char *name);
struct vir0_expr *vir0_load(vir0_program *p, const char *buffer, struct vir0_expr *index);
struct vir0_expr *vir0_buf_len(vir0_program *p, const char *buffer);
struct vir0_expr *vir0_invocation_id(vir0_program *p, unsigned axis);
struct vir0_expr *vir0_workgroup_id(vir0_program *p, unsigned axis);
struct vir0_expr *vir0_local_id(vir0_program *p, unsigned axis);
struct vir0_expr *vir0_binop(vir0_program *p, enum vir0_binop op,
			     struct vir0_expr *left, struct vir0_expr *right);
struct vir0_expr *vir0_unop(vir0_program *p, enum vir0_unop op, struct vir0_expr *operand);
struct vir0_expr *vir0_select(vir0_program *p, struct vir0_expr *cond,
			      struct vir0_expr *if_true, struct vir0_expr *if_false);
struct vir0_expr *vir0_cast(vir0_program *p, enum vir0_type_kind target, struct vir0_expr *value);
struct vir0_expr *vir0_fma(vir0_program *p, struct vir0_expr *a, struct vir0_expr *b,
			   struct vir0_expr *c);
/* `expected` is NULL except for the compare-exchange operators. */
struct vir0_expr *vir0_atomic(vir0_program *p, enum vir0_atomic_op op, const char *buffer,
			      struct vir0_expr *index, struct vir0_expr *expected,
			      struct vir0_expr *value);

struct vir0_node *vir0_let(vir0_program *p, const char *name, struct vir0_expr *value);
struct vir0_node *vir0_assign(vir0_program *p, const char *name, struct vir0_expr *value);
struct vir0_node *vir0_store(vir0_program *p, const char *buffer, struct vir0_expr *index,
			     struct vir0_expr *value);
/* Append statements to node->body (then) and node->otherwise. */
struct vir0_node *vir0_if(vir0_program *p, struct vir0_expr *cond);
/* Iterates `name` over [from, to); append statements to node->body. */
struct vir0_node *vir0_loop(vir0_program *p, const char *name, struct vir0_expr *from,
			    struct vir0_expr *to);
struct vir0_node *vir0_block(vir0_program *p);
struct vir0_node *vir0_barrier(vir0_program *p);
struct vir0_node *vir0_return(vir0_program *p);

/* Append `node` to `list` (program->body, or a node's body/otherwise).
 * VIR0_ENOMEM when node is NULL or growing the list fails. */
int vir0_append(vir0_program *p, struct vir0_node_list *list, struct vir0_node *node);

/* Declare a buffer of a scalar element type; binding = declaration index. */
int vir0_add_buffer(vir0_program *p, const char *name, enum vir0_access access,
		    enum vir0_type_kind element, uint32_t count, int is_output);

/* ---- text form (.vir0s) ------------------------------------------------ */

/* Parse the text form (doc/vir0s-text.md). Errors carry line and column. */
int vir0_assemble(const char *text, size_t size, vir0_program **out,
		  struct vir0_error *err);
/* Print a program in the text form; malloc'd, NUL-terminated, caller frees.
 * vir0_assemble(vir0_disassemble(p)) is equal to p. */
int vir0_disassemble(const vir0_program *program, char **out, struct vir0_error *err);

/* ---- running programs (fmt §9) ---------------------------------------- */

/* Host memory bound to one declared buffer, in declaration order. Size must
 * equal count * element size when the declaration has a count, else be a
 * whole number of elements. Workgroup buffers take no binding (data NULL,
 * size 0): the executor allocates them per workgroup. */
struct vir0_binding {
	void *data;
	size_t size;
};

/* Byte size of one element of a core-profile buffer type, or 0. */
size_t vir0_type_size(const struct vir0_type *type);

/* The grid used when the caller gives none (fmt §1, default grid). */
int vir0_default_grid(const vir0_program *program, const struct vir0_binding *bindings,
		      uint32_t groups[3], struct vir0_error *err);

/* Run a program over `groups` workgroups (NULL: the default grid) with the
 * reference tree-walking interpreter: the semantics of fmt §9, slow and
 * plain. The program is validated first; its errors are returned as is. */
int vir0_run_reference(const vir0_program *program, const uint32_t groups[3],
		       struct vir0_binding *bindings, uint32_t nbindings,
		       struct vir0_error *err);

/* Run with the vectorised CPU interpreter; threads = 0 means one per online
 * CPU, 1 = the calling thread only (inside a StarPU worker). It validates,
 * lowers to bytecode and verifies it on every call; results are those of
 * vir0_run_reference, bit for bit (fmt §9). `groups` NULL: the default
 * grid. */
int vir0_run_cpu(const vir0_program *program, const uint32_t groups[3],
		 struct vir0_binding *bindings, uint32_t nbindings, unsigned threads,
		 struct vir0_error *err);

#ifdef __cplusplus
}
#endif

#endif /* VIR0_H */
