// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include "podlabel.h"

void pod_label(const struct component *c, char *buf, size_t len)
{
	if (!c->in_pod) {
		snprintf(buf, len, "-");
		return;
	}
	/* the kubelet's names (identity/kubelet.c), where the model has them */
	if (c->pod.pod_name[0]) {
		snprintf(buf, len, "%s/%s/%s", c->pod.namespace, c->pod.pod_name,
			 c->pod.container[0] ? c->pod.container : "?");
		return;
	}
	if (c->pod.container_id[0])
		snprintf(buf, len, "%.8s/%.8s", c->pod.pod_uid,
			 c->pod.container_id);
	else
		snprintf(buf, len, "%.8s", c->pod.pod_uid);
}
