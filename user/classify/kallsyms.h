/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel program counters to function names, from /proc/kallsyms. */
#ifndef MESHPROF_KALLSYMS_H
#define MESHPROF_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kallsyms;

/* @path: NULL for /proc/kallsyms. NULL when out of memory. */
struct kallsyms *kallsyms_new(const char *path);
void kallsyms_free(struct kallsyms *k);
/*
 * Learns the functions holding @pcs that are not known yet, in one pass
 * over the file; -1 when out of memory.
 */
int kallsyms_learn(struct kallsyms *k, const uint64_t *pcs, size_t n);
/*
 * The text symbol holding @pc and its module ("kernel" or a module's
 * name), if learnt; false when none is known (not learnt, no kallsyms,
 * hidden addresses, or past the last symbol, whose end is unknown).
 */
bool kallsyms_lookup(struct kallsyms *k, uint64_t pc, const char **sym,
		     const char **module);
/* How many times the file was read. */
uint64_t kallsyms_passes(const struct kallsyms *k);

#endif
