/* fixture_opencl.c - see fixture_opencl.h. */
#include "fixture_opencl.h"
#include "fixtures.h"

#include <stdlib.h>

void fixture_cl_open(struct vir0_cl_jit_standalone *cl)
{
	struct vir0_error err;
	if (vir0_cl_jit_standalone_open(cl, &err))
		fixture_die("no OpenCL device", err.message);
}

int fixture_cl_run(Suite *suite)
{
	SRunner *runner = srunner_create(suite);
	srunner_set_fork_status(runner, CK_NOFORK);
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
