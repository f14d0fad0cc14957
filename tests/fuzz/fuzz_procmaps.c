// SPDX-License-Identifier: GPL-2.0
/* Lines of /proc/PID/maps, whose paths a container names
 * (identity/procmaps.c). */
#include "fuzz.h"
#include <stdio.h>
#include "procmaps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), module[256];
	struct proc_mapping m;

	if (!text)
		return 0;
	if (procmaps_parse_line(text, &m)) {
		if (m.end <= m.start || !m.path)
			abort();
		procmaps_module(m.path, module, sizeof(module));
	}
	free(text);
	return 0;
}
