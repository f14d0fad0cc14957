// SPDX-License-Identifier: GPL-2.0
/* The text of /proc/PID/cgroup, which a container's runtime and its
 * cgroup names shape (identity/cgroup.c). */
#include "fuzz.h"
#include <stdio.h>
#include "cgroup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), path[CGROUP_PATH_LEN];
	struct pod_ident id;

	if (!text)
		return 0;
	if (cgroup_parse(text, &id, path, sizeof(path)) == 1 &&
	    (strnlen(id.pod_uid, sizeof(id.pod_uid)) == sizeof(id.pod_uid) ||
	     strnlen(id.container_id, sizeof(id.container_id)) ==
		     sizeof(id.container_id)))
		abort();
	cgroup_parse(text, NULL, NULL, 0);
	free(text);
	return 0;
}
