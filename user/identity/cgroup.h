/* SPDX-License-Identifier: GPL-2.0 */
/* Pod and container identity from the text of /proc/PID/cgroup. */
#ifndef MESHPROF_CGROUP_H
#define MESHPROF_CGROUP_H

#include <stddef.h>
#include "pod.h"

/*
 * Parse the whole text of /proc/PID/cgroup (v1, v2 or hybrid; systemd or
 * cgroupfs driver). Fills @path with the most specific cgroup path (the v2
 * line when present, else the first v1 line that names a pod, else the
 * first line's path). Returns 1 when the process is in a Kubernetes pod (and
 * fills @id), 0 when it is not, -1 when the text is malformed.
 */
int cgroup_parse(const char *text, struct pod_ident *id, char *path,
		 size_t path_len);

#endif
