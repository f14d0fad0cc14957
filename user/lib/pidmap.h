/* SPDX-License-Identifier: GPL-2.0 */
/* Process ids to small integers (indexes, flags): open addressing. */
#ifndef MESHPROF_PIDMAP_H
#define MESHPROF_PIDMAP_H

#include <stddef.h>
#include <stdint.h>

struct pidmap {
	uint32_t *pids;		/* 0 marks an empty slot: pid 0 is never kept */
	int *vals;
	size_t cap, len;	/* cap is 0 or a power of two */
};

/* The value of @pid, or -1 when absent. */
int pidmap_get(const struct pidmap *m, uint32_t pid);
/* Sets @pid to @val (>= 0); -ENOMEM when the table cannot grow. */
int pidmap_set(struct pidmap *m, uint32_t pid, int val);
/* Removes @pid; nothing when absent. */
void pidmap_del(struct pidmap *m, uint32_t pid);
void pidmap_free(struct pidmap *m);

#endif
