/* test_starpu_plugin_app.c - an unmodified StarPU application for
 * tests/test_starpu_plugin.sh: it does not link libstarpu_vir0, calls
 * starpu_init(NULL), prints the name of the policy StarPU chose on stdout
 * ("policy <name>") and runs a chain of tasks whose result it checks.
 * Exit 0 only when StarPU started and the result is right. */
#include <stdio.h>
#include <stdlib.h>

#include <starpu.h>

enum { TASKS = 50 };

static void increment(void *buffers[], void *cl_arg)
{
	(void)cl_arg;
	unsigned *value = (unsigned *)STARPU_VARIABLE_GET_PTR(buffers[0]);
	*value += 1;
}

static struct starpu_codelet increment_cl = {
	.cpu_funcs = { increment },
	.nbuffers = 1,
	.modes = { STARPU_RW },
	.name = "increment",
};

int main(void)
{
	int ret = starpu_init(NULL);
	if (ret != 0) {
		fprintf(stderr, "starpu_init: %d\n", ret);
		return 1;
	}
	printf("policy %s\n", starpu_sched_ctx_get_sched_policy(0 /* the initial context */)->policy_name);
	unsigned value = 0;
	starpu_data_handle_t handle;
	starpu_variable_data_register(&handle, STARPU_MAIN_RAM, (uintptr_t)&value, sizeof value);
	for (int i = 0; i < TASKS && ret == 0; i++)
		ret = starpu_task_insert(&increment_cl, STARPU_RW, handle, 0);
	starpu_task_wait_for_all();
	starpu_data_unregister(handle);
	starpu_shutdown();
	if (ret != 0 || value != TASKS) {
		fprintf(stderr, "submit returned %d, value %u instead of %d\n", ret, value, TASKS);
		return 1;
	}
	printf("tasks ok\n");
	return 0;
}
