/* sched_lib.c - the entry points StarPU 1.4's STARPU_SCHED_LIB looks up
 * after dlopen: STARPU_SCHED_LIB=.../libstarpu_vir0.so
 * STARPU_SCHED=vir0-spec selects the policy, STARPU_SCHED=help lists it.
 * StarPU 1.3 never calls them. */
#include <string.h>

#include <starpu.h>

#include "starpu_vir0.h"
#include "vir0_spec.h"

struct starpu_sched_policy *starpu_get_sched_lib_policy(const char *name);
struct starpu_sched_policy **starpu_get_sched_lib_policies(void);

/* NULL for any other name: StarPU then tries its own policies. */
struct starpu_sched_policy *starpu_get_sched_lib_policy(const char *name)
{
	if (!name || strcmp(name, STARPU_VIR0_POLICY_NAME) != 0)
		return NULL;
	return starpu_vir0_policy();
}

/* StarPU walks this array to its NULL. */
struct starpu_sched_policy **starpu_get_sched_lib_policies(void)
{
	static struct starpu_sched_policy *policies[2];
	policies[0] = starpu_vir0_policy();
	return policies;
}
