// SPDX-License-Identifier: GPL-2.0
/* .eh_frame and .eh_frame_hdr into unwind rows (collect/unwind_table.c):
 * the CFI of any file a container maps. */
#include "fuzz.h"
#include <stdio.h>
#include "unwind_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct unwind_table t;
	int fd = fuzz_memfd(data, size);
	char err[256];

	if (fd < 0)
		return 0;
	if (!unwind_table_build(fd, &t, err, sizeof(err))) {
		for (size_t i = 1; i < t.n; i++)
			if (t.rows[i].pc <= t.rows[i - 1].pc)
				abort();
		unwind_table_find(&t, 0);
		unwind_table_find(&t, t.n ? t.rows[t.n / 2].pc : 0);
		unwind_table_free(&t);
	}
	close(fd);
	return 0;
}
