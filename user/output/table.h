/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MESHPROF_TABLE_H
#define MESHPROF_TABLE_H

#include <stdio.h>
#include "run.h"

/* The per-component table that record and report print. */
/* The run's tables; the component table fitted to @width columns (0: as
 * wide as it takes). */
void table_print(FILE *out, const struct run *run, int width);

#endif
