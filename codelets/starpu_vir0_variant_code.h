/* starpu_vir0_variant_code.h - the codelet's side of variants: the code
 * each variant of a program runs (made once per program, kept in it), the
 * per-device JIT, and the variant slot's implementations. The policy's
 * interface is starpu_vir0_variant.h. */
#ifndef STARPU_VIR0_VARIANT_CODE_H
#define STARPU_VIR0_VARIANT_CODE_H

#include "starpu_vir0_codelet.h"
#include "starpu_vir0_variant.h"

#include "vir0_opencl_jit.h"

/* The original, tests' variants, five rewrites: room to spare. */
#define STARPU_VIR0_MAX_CODES 16u
#define STARPU_VIR0_MAX_TEST_VARIANTS 4u

/* A program a variant runs, interpreted or as a JIT kernel. Immutable once
 * published in `variants->count`, but for `cl` (the device's OpenCL worker
 * only) and `jit` (under the program's variants_lock). */
struct starpu_vir0_variant_code {
	uint32_t id;                    /* its interpreted variant's id */
	int jit_allowed;                /* rewrites and the original: also as a JIT kernel */
	struct starpu_vir0_code code;
	vir0_program *owned_program;    /* a rewrite's result */
	struct vir0_bytecode *owned_bc;
	starpu_vir0_program *test_ref;  /* a test's variant program */
	struct starpu_vir0_program_cl cl[STARPU_MAXOPENCLDEVS];
	struct {
		uint64_t generation;    /* of the device's JIT it came from */
		struct vir0_cl_jit_kernel *kernel;
	} jit[STARPU_MAXOPENCLDEVS];
};

struct starpu_vir0_variants {
	atomic_uint count;              /* codes[0 .. count) are published */
	unsigned ntests;
	atomic_uint pairs;              /* PAIR runs so far: alternates their order */
	struct starpu_vir0_variant_code codes[STARPU_VIR0_MAX_CODES];
};

void starpu_vir0_variants_free(struct starpu_vir0_variants *variants);

/* What a variant slot run needs, resolved from a variant id. */
struct starpu_vir0_variant_run {
	uint32_t id;
	struct starpu_vir0_variant_code *code;
	struct vir0_cl_jit_kernel *kernel;  /* JIT variants: READY on the device */
};

/* Resolve `id` of `program` for a run on OpenCL device `devid` (-1: CPU).
 * VIR0_EARG for an id not in the ladder there (out->code NULL); VIR0_EIO
 * for a JIT kernel that is not READY (can_execute keeps such tasks away),
 * with out->code set and out->kernel NULL: the code can be interpreted. */
int starpu_vir0_variant_resolve(starpu_vir0_program *program, uint32_t id, int devid,
				struct starpu_vir0_variant_run *out, struct vir0_error *err);

/* 1 when every variant `plan` runs is READY on worker `workerid`, 0 when
 * not (starting what they need), VIR0_EARG for ids not in the ladder. */
int starpu_vir0_variant_plan_state(starpu_vir0_program *program, unsigned workerid,
				   const struct starpu_vir0_plan *plan);
/* VIR0_OK when `plan` names variants of `program`'s ladder on `arch` and a
 * known mode; VIR0_EARG with err saying which not. */
int starpu_vir0_variant_check_plan(starpu_vir0_program *program,
				   enum starpu_worker_archtype arch,
				   const struct starpu_vir0_plan *plan, struct vir0_error *err);
/* Counts the program's PAIR runs: the parity of the number alternates
 * which side runs first. */
uint32_t starpu_vir0_variant_pair_number(starpu_vir0_program *program);

/* The plan of `args` for `arch`; NULL for an arch VIR0 tasks do not run on. */
const struct starpu_vir0_plan *starpu_vir0_args_plan(const struct starpu_vir0_task_args *args,
						      enum starpu_worker_archtype arch);
/* 1 when `plan` runs the original alone (implementation 0's work). */
int starpu_vir0_plan_is_original(const struct starpu_vir0_plan *plan);
/* can_execute for implementation 1: the plan's variants are READY there. */
int starpu_vir0_args_plan_ready(struct starpu_vir0_task_args *args, unsigned workerid);

/* Report `sample` to the hook, if one is set. */
void starpu_vir0_sample_report(const struct starpu_vir0_sample *sample);
int starpu_vir0_sample_hooked(void);
uint64_t starpu_vir0_now_ns(void);

/* Compare the written buffers of a pair: `real` and `scratch` hold, per
 * task handle, the bytes of the handles that are read_write (NULL for
 * the others). Fills the sample's mismatch fields. */
void starpu_vir0_pair_compare(const starpu_vir0_program *program, uint32_t nhandles,
			      void *const *real, void *const *scratch, const size_t *sizes,
			      struct starpu_vir0_sample *sample);

/* The device's JIT (made on StarPU's context and device on first use),
 * NULL with err set when it cannot be made. *generation changes when it
 * is made again (StarPU restarted). */
struct vir0_cl_jit *starpu_vir0_jit_get(int devid, uint64_t *generation, struct vir0_error *err);
/* Destroy every device's JIT (starpu_vir0_devices_release). */
void starpu_vir0_jit_release(void);

/* The variant slot (codelet.cpu_funcs[1], opencl_funcs[1]). */
void starpu_vir0_cpu_run_variant(void *buffers[], void *cl_arg);
void starpu_vir0_opencl_run_variant(void *buffers[], void *cl_arg);

#endif
