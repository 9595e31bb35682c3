/* choice.c - the choice point: every task pushed to a vir0-spec context
 * passes here first. A VIR0 task's shape is entered in the speculation
 * (speculation.h), which gives the task the shape's baseline per arch for
 * the tree's estimates; the interpreter when speculation is off or its
 * shape is not recorded; any other task only counts. The worker is
 * decided afterwards by the modular tree (tree.c: an entered task when a
 * worker pulls it from the fallback queue), and the plan as that worker
 * takes the task (starpu_vir0_sched_popped, from plan.c). */
#include "vir0_spec.h"

#include "speculation.h"
#include "starpu_vir0_task.h"

/* task->sched_data of a task entered in the speculation, to be planned
 * at pop (StarPU leaves the field to the policy; the tree's components
 * do not use it). */
static const char entered;

void starpu_vir0_sched_choose(struct starpu_vir0_sched_ctx *ctx, struct starpu_task *task)
{
	atomic_fetch_add_explicit(&ctx->tasks, 1, memory_order_relaxed);
	task->sched_data = NULL;
	struct starpu_vir0_shape shape;
	if (!starpu_vir0_task_is_vir0(task) || starpu_vir0_task_shape(task, &shape) < 0)
		return;
	atomic_fetch_add_explicit(&ctx->vir0_tasks, 1, memory_order_relaxed);
	struct starpu_vir0_shape_choice choice;
	if (starpu_vir0_shapes_choice(ctx->shapes, &shape, &choice) < 0) {
		atomic_fetch_add_explicit(&ctx->unrecorded, 1, memory_order_relaxed);
	} else if (starpu_vir0_speculation_enter(task, &shape) == 0) {
		task->sched_data = (void *)&entered;
		return;
	}
	/* Fixed on every arch, not only the one the tree will pick: the
	 * decision below may send the task to either. */
	for (int arch = 0; arch < STARPU_VIR0_SHAPE_NARCHS; arch++)
		starpu_vir0_task_fix_implementation(task, starpu_vir0_shape_archtypes[arch],
						    choice.impl[arch]);
}

int starpu_vir0_sched_entered(const struct starpu_task *task)
{
	return task->sched_data == &entered;
}

void starpu_vir0_sched_popped(struct starpu_task *task, unsigned workerid)
{
	if (starpu_vir0_sched_entered(task))
		starpu_vir0_speculation_pop(task, workerid);
}
