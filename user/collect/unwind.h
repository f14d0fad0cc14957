/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loads the CFI tables (unwind_table.c) of the files a process maps into
 * the sampler's maps, so that profile.bpf.c walks its user stacks without
 * frame pointers (bpf/unwind.bpf.h). Each file's rows are loaded once and
 * shared by every process that maps it.
 */
#ifndef MESHPROF_UNWIND_H
#define MESHPROF_UNWIND_H

#include <stdint.h>
#include <sys/types.h>

#include "kinds.h"
#include "symbolize.h"

struct unwind_stats {
	uint64_t procs;		/* processes described to the sampler */
	uint64_t files;		/* files whose rows were loaded */
	uint64_t rows;		/* rows loaded, of max_rows */
	uint64_t max_rows;
	uint64_t failed;	/* files with no usable CFI (no .eh_frame_hdr,
				 * unreadable, or the rows map full) */
	uint64_t no_room;	/* ... of them, for want of room in the map */
	uint64_t refused[REFUSE_MAX];	/* ... of them, refused: too large or
					 * malformed CFI */
};

struct unwinder;

/* @rows_fd, @procs_fd: the sampler's unwind_rows and unwind_procs maps. */
struct unwinder *unwinder_new(int rows_fd, uint32_t max_rows, int procs_fd);
void unwinder_free(struct unwinder *u);
/*
 * Describes @pid's executable mappings, as captured by @s, to the sampler,
 * loading the rows of files not seen before. Files of processes without
 * @priority (not of interest) may fill half the rows map: the other half
 * is kept for the mesh. Returns 0, or -1 when the procs map is full or
 * the process has no capture.
 */
int unwinder_add(struct unwinder *u, struct symbolizer *s, pid_t pid,
		 bool priority);
/* Drops @pid's description: it exited. */
void unwinder_forget(struct unwinder *u, pid_t pid);
const struct unwind_stats *unwinder_stats(const struct unwinder *u);

#endif
