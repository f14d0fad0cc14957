// SPDX-License-Identifier: GPL-2.0
/* The kubelet's log-directory names (identity/kubelet.c): pods/ entries
 * "<namespace>_<pod>_<uid>" and containers/ links
 * "<pod>_<namespace>_<container>-<id>.log" with their targets. The input
 * is a name, then after a NUL the link's target. */
#include "fuzz.h"
#include <stdio.h>
#include "kubelet.h"

/* Each field ends within its buffer. */
#define ENDS(f) (strnlen((f), sizeof(f)) < sizeof(f))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	struct kubelet_container c;
	struct kubelet_pod p;
	const char *target;
	size_t len;

	if (!text)
		return 0;
	len = strlen(text);
	target = len < size ? text + len + 1 : NULL;
	if (!kubelet_parse_pod_dir(text, &p) &&
	    !(ENDS(p.uid) && ENDS(p.namespace) && ENDS(p.name)))
		abort();
	if (!kubelet_parse_container_log(text, target, &c) &&
	    !(ENDS(c.id) && ENDS(c.uid) && ENDS(c.namespace) && ENDS(c.pod) &&
	      ENDS(c.name)))
		abort();
	free(text);
	return 0;
}
