/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An ELF file's DWARF call frame information (.eh_frame), compacted into
 * the sorted rows that the sampler evaluates in the kernel to walk x86-64
 * user stacks built without frame pointers (bpf/profile_defs.h).
 */
#ifndef MESHPROF_UNWIND_TABLE_H
#define MESHPROF_UNWIND_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "kinds.h"
#include "profile_defs.h"

/*
 * Rows sorted by pc, no two neighbours alike; a row holds from its pc up
 * to the next row's pc. Addresses no FDE covers have UNWIND_NONE rows.
 */
struct unwind_table {
	struct unwind_row *rows;
	size_t n;
	int refusal;		/* why a build failed: an enum file_refusal,
				 * or -1 (no CFI to use: not x86-64 ELF, no
				 * .eh_frame_hdr, no memory) */
};

/*
 * Builds the rows of the ELF file open on @fd (neither closed nor moved).
 * Returns 0, or -1 with a one-line reason in @err and t->refusal: not an
 * x86-64 ELF file, no .eh_frame_hdr or .eh_frame, a malformed table, more
 * FDEs or rows than meshprof keeps or an address at or above 4 GiB (too
 * large), no memory.
 */
int unwind_table_build(int fd, struct unwind_table *t, char *err, size_t errlen);

/* The row holding @pc (an ELF virtual address); NULL below the first row. */
const struct unwind_row *unwind_table_find(const struct unwind_table *t,
					   uint64_t pc);

void unwind_table_free(struct unwind_table *t);

#endif
