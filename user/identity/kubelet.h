/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pod, namespace and container names from the kubelet's log directories,
 * without the API server:
 *
 *	ROOT/pods/<namespace>_<pod>_<uid>/<container>/<restart>.log
 *	ROOT/containers/<pod>_<namespace>_<container>-<container id>.log
 *		-> /var/log/pods/<namespace>_<pod>_<uid>/<container>/<n>.log
 *
 * joined with the pod UID and container ID of a process's cgroup path.
 */
#ifndef MESHPROF_KUBELET_H
#define MESHPROF_KUBELET_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "pod.h"

#define KUBELET_DEFAULT_ROOT "/var/log"

struct kubelet_pod {
	char uid[POD_UID_LEN];
	char namespace[K8S_LABEL_LEN];
	char name[K8S_NAME_LEN];
};

struct kubelet_container {
	char id[CONTAINER_ID_LEN];
	char uid[POD_UID_LEN];		/* from the link's target; "" unknown */
	char namespace[K8S_LABEL_LEN];
	char pod[K8S_NAME_LEN];
	char name[K8S_LABEL_LEN];
};

struct kubelet_index {
	char root[256];
	struct kubelet_pod *pods;	/* sorted by uid */
	size_t npods, pods_cap;
	struct kubelet_container *ctrs;	/* sorted by id */
	size_t nctrs, ctrs_cap;
	struct timespec pods_mtime, ctrs_mtime;
	bool scanned;
};

/* A pods/ entry "<namespace>_<pod>_<uid>"; -1 when it is not one. */
int kubelet_parse_pod_dir(const char *name, struct kubelet_pod *out);
/* A containers/ entry "<pod>_<namespace>_<container>-<64 hex>.log"; -1
 * when it is not one. @target, the link's target or NULL, gives the pod
 * UID when it is a pods/ path of the same pod and container. */
int kubelet_parse_container_log(const char *name, const char *target,
				struct kubelet_container *out);
/* Sets the root (NULL: /var/log) and forgets what was scanned. */
void kubelet_init(struct kubelet_index *ki, const char *root);
/*
 * Rescans when either directory changed since the last scan (their
 * mtimes), so pods that come and go are followed. Missing directories
 * leave the index empty. -1 when memory runs out.
 */
int kubelet_refresh(struct kubelet_index *ki);
/* Fills @id's names from its pod UID and container ID. Names nothing
 * matches are left as they are: a process read after its pod's
 * directories went keeps the names it had. */
void kubelet_name(const struct kubelet_index *ki, struct pod_ident *id);
void kubelet_free(struct kubelet_index *ki);

#endif
