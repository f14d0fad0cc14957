/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MeshMark and MUE: SMP's published template made concrete
 * (docs/meshmark.md). Pure arithmetic over one run (single mode: the mesh
 * components' share of what the workload used) or two (compare mode: the
 * mesh run's cost per unit of work against a baseline without the mesh).
 */
#ifndef MESHPROF_MESHMARK_H
#define MESHPROF_MESHMARK_H

#include <stdbool.h>
#include <stddef.h>
#include "run.h"

/*
 * Both fill @out (which must later go to meshmark_free, on error too) and
 * return 0, or -1 with out->error set. @w may be NULL: all neutral.
 */
int meshmark_single(const struct run *run, const struct mm_weights *w,
		    struct meshmark *out);
int meshmark_compare(const struct run *base, const struct run *mesh,
		     const struct mm_weights *w, struct meshmark *out);

#endif
