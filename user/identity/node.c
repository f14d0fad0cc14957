// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "node.h"

void node_facts(struct run *run)
{
	struct utsname u;

	if (!uname(&u)) {
		snprintf(run->hostname, sizeof(run->hostname), "%s", u.nodename);
		snprintf(run->kernel, sizeof(run->kernel), "%s", u.release);
	}
	run->cpus = sysconf(_SC_NPROCESSORS_ONLN);
}
