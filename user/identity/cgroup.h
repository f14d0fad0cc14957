/* SPDX-License-Identifier: GPL-2.0 */
/* Pod and container identity from the text of /proc/PID/cgroup. */
#ifndef MESHPROF_CGROUP_H
#define MESHPROF_CGROUP_H

#include <stddef.h>

enum runtime {
	RUNTIME_NONE,		/* not in a Kubernetes pod */
	RUNTIME_CONTAINERD,
	RUNTIME_CRIO,
	RUNTIME_DOCKER,
	RUNTIME_UNKNOWN,	/* in a pod, runtime not recognised */
};

enum qos_class {
	QOS_NONE,
	QOS_GUARANTEED,
	QOS_BURSTABLE,
	QOS_BESTEFFORT,
};

#define POD_UID_LEN 37		/* 36 chars of a dashed UUID + NUL */
#define CONTAINER_ID_LEN 65	/* 64 hex chars + NUL */
#define CGROUP_PATH_LEN 512

struct pod_ident {
	char pod_uid[POD_UID_LEN];		/* always dashed, lower case */
	char container_id[CONTAINER_ID_LEN];	/* "" for the pod's own cgroup */
	enum runtime runtime;
	enum qos_class qos;
};

/*
 * Parse the whole text of /proc/PID/cgroup (v1, v2 or hybrid; systemd or
 * cgroupfs driver). Fills @path with the most specific cgroup path (the v2
 * line when present, else the first v1 line that names a pod, else the
 * first line's path). Returns 1 when the process is in a Kubernetes pod (and
 * fills @id), 0 when it is not, -1 when the text is malformed.
 */
int cgroup_parse(const char *text, struct pod_ident *id, char *path,
		 size_t path_len);

const char *runtime_name(enum runtime rt);
const char *qos_name(enum qos_class qos);

#endif
