/* SPDX-License-Identifier: GPL-2.0 */
/* How every output names a component's pod. */
#ifndef MESHPROF_PODLABEL_H
#define MESHPROF_PODLABEL_H

#include <stddef.h>
#include "run.h"

/* NAMESPACE/POD/CONTAINER where the kubelet names them, else the first
 * characters of the pod UID and container ID; "-" for host programs. */
void pod_label(const struct component *c, char *buf, size_t len);

#endif
