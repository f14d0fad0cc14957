/* SPDX-License-Identifier: GPL-2.0 */
/* Who a process is to Kubernetes: its pod and container. */
#ifndef MESHPROF_POD_H
#define MESHPROF_POD_H

#include "kinds.h"

#define POD_UID_LEN 37		/* 36 chars of a dashed UUID + NUL */
#define CONTAINER_ID_LEN 65	/* 64 hex chars + NUL */
#define CGROUP_PATH_LEN 512
/* Kubernetes names: namespaces and containers are DNS labels (63), pods
 * DNS subdomains (253). */
#define K8S_LABEL_LEN 64
#define K8S_NAME_LEN 254

struct pod_ident {
	char pod_uid[POD_UID_LEN];		/* always dashed, lower case */
	char container_id[CONTAINER_ID_LEN];	/* "" for the pod's own cgroup */
	enum runtime runtime;
	enum qos_class qos;
	/* From the kubelet's log directories (identity/kubelet.h); "" when
	 * they do not name this pod or container. */
	char namespace[K8S_LABEL_LEN];
	char pod_name[K8S_NAME_LEN];
	char container[K8S_LABEL_LEN];
};

#endif
