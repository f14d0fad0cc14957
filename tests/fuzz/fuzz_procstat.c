// SPDX-License-Identifier: GPL-2.0
/* The text of /proc/PID/stat, whose comm a process sets itself
 * (identity/procfs.c). */
#include "fuzz.h"
#include <stdio.h>
#include "procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	struct proc_stat st;

	if (!text)
		return 0;
	if (!procfs_parse_stat(text, &st) &&
	    strnlen(st.comm, sizeof(st.comm)) == sizeof(st.comm))
		abort();
	free(text);
	return 0;
}
