/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel program counters to function names, from /proc/kallsyms. */
#ifndef MESHPROF_KALLSYMS_H
#define MESHPROF_KALLSYMS_H

#include <stdbool.h>
#include <stdint.h>

struct kallsyms;

/* Reads @path (NULL: /proc/kallsyms) on the first lookup. NULL when out
 * of memory. */
struct kallsyms *kallsyms_new(const char *path);
void kallsyms_free(struct kallsyms *k);
/*
 * The text symbol holding @pc and its module ("kernel" or a module's
 * name); false when none is known (no kallsyms, hidden addresses, or past
 * the last symbol, whose end is unknown).
 */
bool kallsyms_lookup(struct kallsyms *k, uint64_t pc, const char **sym,
		     const char **module);

#endif
