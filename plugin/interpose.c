/* interpose.c - STARPU_SCHED=vir0-spec in an unmodified application on
 * StarPU 1.3, which has no policy plugins: with LD_PRELOAD this
 * starpu_initialize runs first. starpu_init and every front end (MPI,
 * OpenMP, Fortran) reach starpu_initialize through the PLT, so this one
 * symbol catches them all; wrapping starpu_init too would wrap twice.
 * StarPU falls back to lws on a name it does not know, silently but for a
 * warning, so a selection is confirmed by one line of our own. */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <starpu.h>

#include "starpu_vir0.h"
#include "vir0_spec.h"

typedef int (*initialize_fn)(struct starpu_conf *, int *, char ***);

/* StarPU's own quietness switch covers our line too. */
static int silent(void)
{
	return starpu_get_env_number_default("STARPU_SILENT", 0) != 0;
}

/* StarPU lists its built-in policies for STARPU_SCHED=help; this one is
 * added after them, in the same layout. */
static void list_policy(void)
{
	const struct starpu_sched_policy *policy = starpu_vir0_policy();
	fprintf(stderr, "(policy of libstarpu_vir0, through LD_PRELOAD)\n%-30s\t-> %s\n\n",
		policy->policy_name, policy->policy_description);
}

/* The real call with conf.sched_policy set to vir0-spec. STARPU_SCHED is
 * "" meanwhile: StarPU would otherwise look the name up, warn that it
 * does not know it, then take conf.sched_policy anyway. */
static int initialize_vir0_spec(initialize_fn real, const struct starpu_conf *user_conf,
				int *argc, char ***argv)
{
	struct starpu_conf conf;
	if (user_conf)
		conf = *user_conf;
	else
		starpu_conf_init(&conf);
	conf.sched_policy = starpu_vir0_policy();
	conf.sched_policy_name = NULL;
	char *saved = strdup(getenv("STARPU_SCHED"));
	if (!saved)
		return -ENOMEM;
	setenv("STARPU_SCHED", "", 1);
	int ret = real(&conf, argc, argv);
	setenv("STARPU_SCHED", saved, 1);
	free(saved);
	if (ret == 0 && !silent())
		fprintf(stderr, "starpu-vir0: scheduling policy %s selected (STARPU_SCHED)\n",
			STARPU_VIR0_POLICY_NAME);
	return ret;
}

int starpu_initialize(struct starpu_conf *user_conf, int *argc, char ***argv)
{
	initialize_fn real = (initialize_fn)dlsym(RTLD_NEXT, "starpu_initialize");
	if (!real) {
		fprintf(stderr, "starpu-vir0: StarPU's starpu_initialize not found after "
			"libstarpu_vir0 (%s); is libstarpu loaded?\n", dlerror());
		return -ENODEV;
	}
	const char *name = getenv("STARPU_SCHED");
#if STARPU_VIR0_STARPU_1_4
	/* StarPU finds the policy itself through starpu_get_sched_lib_policy
	 * (sched_lib.c); selecting it here as well would do it twice. */
	if (getenv("STARPU_SCHED_LIB"))
		return real(user_conf, argc, argv);
#endif
	if (name && strcmp(name, STARPU_VIR0_POLICY_NAME) == 0)
		return initialize_vir0_spec(real, user_conf, argc, argv);
	int ret = real(user_conf, argc, argv);
	if (name && strcmp(name, "help") == 0)
		list_policy();
	return ret;
}
